"""Forms for priorities (Research 2C) and a panel member's view on one."""

from __future__ import annotations

from django import forms

from research.evidence.forms import PeopleFieldsMixin
from research.models import Priority, PriorityView
from research.models.priorities import Level
from research.priorities import selectors


class PriorityForm(PeopleFieldsMixin, forms.ModelForm):
    class Meta:
        model = Priority
        fields = [
            "title",
            "description",
            "source",
            "source_text",
            "impact",
            "effort",
            "horizon",
            "small_change",
        ]
        labels = {
            "title": "Priority",
            "source": "Where did it come from?",
            "source_text": "Which one",
            "impact": "How much difference would it make?",
            "effort": "How much effort would it take?",
            "horizon": "When could it be done?",
            "small_change": "This is a small change that could be made now",
        }
        help_texts = {
            "title": "What should be done, in a sentence.",
            "source_text": "For example, the session it came from, or a case study or theme the app does not hold.",
            "horizon": "Immediate: now; short term: within 6 months; medium: 6 months to 2 years; long: over 2 years.",
        }
        widgets = {
            "title": forms.TextInput(),
            "description": forms.Textarea(attrs={"rows": 4}),
            "source": forms.RadioSelect,
            "impact": forms.RadioSelect,
            "effort": forms.RadioSelect,
            "horizon": forms.RadioSelect,
        }
        error_messages = {
            "title": {"required": "Enter the priority"},
            "impact": {"required": "Select how much difference it would make"},
            "effort": {"required": "Select how much effort it would take"},
            "horizon": {"required": "Select when it could be done"},
            "source": {"required": "Select where it came from"},
        }

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = Priority.Source.choices
        for name in ("impact", "effort"):
            self.fields[name].choices = Level.choices
        self.fields["horizon"].choices = Priority.Horizon.choices
        self.add_people_fields(project, what="it is for")
        self.fields["case_study"] = forms.ModelChoiceField(
            label="Which case study (if it came from one)",
            required=False,
            queryset=selectors.case_studies_for_choice(project),
            empty_label="Choose a case study",
            help_text="This project's case studies and those shared by other organisations.",
        )
        self.fields["case_study"].label_from_instance = lambda cs: (
            cs.title if cs.project_id == project.pk else f"{cs.title} (shared by {cs.project.organisation.name})"
        )
        self.fields["ngt_idea"] = forms.ModelChoiceField(
            label="Which NGT idea (if it came from one)",
            required=False,
            queryset=selectors.ngt_ideas_for_choice(project),
            empty_label="Choose an idea",
            help_text="Ideas from this project's nominal group technique sessions.",
        )
        self.fields["ngt_idea"].label_from_instance = lambda idea: f"{idea.text} (session: {idea.session.question})"
        self.fields["theme"] = forms.ModelChoiceField(
            label="Which theme (if it came from one)",
            required=False,
            queryset=selectors.themes_for_choice(project),
            empty_label="Choose a theme",
            help_text="Themes coded from what people said in step 1.",
        )
        self.fields["references"] = forms.ModelMultipleChoiceField(
            label="Evidence that supports it",
            required=False,
            queryset=selectors.references_for_choice(project),
            widget=forms.CheckboxSelectMultiple(attrs={"class": "nhsuk-checkboxes--small"}),
            help_text="References from the evidence base. Select all that apply.",
        )
        self.order_fields(["title", "description", "source", "source_text", "ngt_idea", "theme", "case_study"])
        if self.instance.pk:
            self.initial["characteristics"] = self.instance.characteristics
            self.initial["populations"] = list(self.instance.populations.all())
            self.initial["references"] = list(self.instance.references.all())
            self.initial["case_study"] = self.instance.case_study_id
            self.initial["theme"] = self.instance.theme_id
            self.initial["ngt_idea"] = self.instance.ngt_idea_id

    def _post_clean(self):
        pass

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        names = [*self.Meta.fields, "characteristics", "populations", "references", "case_study", "theme", "ngt_idea"]
        return {name: data[name] for name in names}


class PriorityViewForm(forms.Form):
    vote = forms.ChoiceField(
        label="Do you support this priority?",
        choices=PriorityView.Vote.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select whether you support this priority",
            "invalid_choice": "Select whether you support this priority",
        },
    )
    comment = forms.CharField(
        label="Comment (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Why, or what would make it better. It is shown without your name: do not write your name in it.",
        error_messages={"max_length": "Comment must be 2,000 characters or fewer"},
    )


class PriorityStateForm(forms.Form):
    state = forms.ChoiceField(
        label="Is this priority agreed?",
        choices=[
            (Priority.State.AGREED, "Agreed: it goes on the priority list the strategy starts from"),
            (Priority.State.PROPOSED, "Proposed: not agreed yet"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select agreed or proposed"},
    )
