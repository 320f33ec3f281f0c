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
            "source_text": "For example, the session, theme or case study it came from.",
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
        self.fields["references"] = forms.ModelMultipleChoiceField(
            label="Evidence that supports it",
            required=False,
            queryset=selectors.references_for_choice(project),
            widget=forms.CheckboxSelectMultiple(attrs={"class": "nhsuk-checkboxes--small"}),
            help_text="References from the evidence base. Select all that apply.",
        )
        if self.instance.pk:
            self.initial["characteristics"] = self.instance.characteristics
            self.initial["populations"] = list(self.instance.populations.all())
            self.initial["references"] = list(self.instance.references.all())

    def _post_clean(self):
        pass

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {name: data[name] for name in [*self.Meta.fields, "characteristics", "populations", "references"]}


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
