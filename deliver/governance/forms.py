"""The 3C governance forms: a group (its chair and members chosen from the
project, people from outside it written by name and role) and a meeting."""

from __future__ import annotations

from django import forms

from amhe.core.nhsuk_forms import NhsDateField
from deliver.governance import presenters, selectors
from deliver.models import GovernanceGroup, GovernanceMeeting


class _PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return presenters.person(obj)


class _PeopleChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return presenters.person(obj)


class GroupForm(forms.ModelForm):
    class Meta:
        model = GovernanceGroup
        fields = ["name", "purpose", "terms_of_reference", "reports_to", "chair", "external_members"]
        labels = {
            "name": "Name",
            "purpose": "Purpose (optional)",
            "terms_of_reference": "Terms of reference (optional)",
            "reports_to": "Reports to (optional)",
            "external_members": "Members from outside the project (optional)",
        }
        help_texts = {
            "name": "For example, 'Mental health equality programme board'.",
            "purpose": "What the group is for, in a sentence or two.",
            "terms_of_reference": "Its remit, membership, quorum, how often it meets and what it decides.",
            "reports_to": "The group it is accountable to. A group cannot report to itself or to a group below it.",
            "external_members": "One a line, name and role, for example 'Dr A Patel, ICB clinical director'.",
        }
        widgets = {
            "name": forms.TextInput(),
            "purpose": forms.Textarea(attrs={"rows": 2}),
            "terms_of_reference": forms.Textarea(attrs={"rows": 6}),
            "external_members": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {"name": {"required": "Enter the group's name"}}

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        parents = selectors.group_choices(project)
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["reports_to"].queryset = parents
        self.fields["reports_to"].empty_label = "No group of this project"
        people = selectors.member_choices(project)
        self.fields["chair"] = _PersonChoice(
            queryset=people,
            required=False,
            label="Chair (optional)",
            help_text="Someone on the project.",
            empty_label="Not chosen",
        )
        self.fields["members"] = _PeopleChoice(
            queryset=people,
            required=False,
            label="Members on the project (optional)",
            widget=forms.CheckboxSelectMultiple,
        )
        if self.instance.pk:
            self.initial["chair"] = self.instance.chair_id
            self.initial["members"] = list(self.instance.members.values_list("pk", flat=True))
        self.order_fields(["name", "purpose", "terms_of_reference", "reports_to", "chair", "members"])

    def _post_clean(self):
        pass


class MeetingForm(forms.ModelForm):
    class Meta:
        model = GovernanceMeeting
        fields = ["date", "notes"]
        field_classes = {"date": NhsDateField}
        labels = {"date": "Date of the meeting", "notes": "Notes (optional)"}
        help_texts = {"date": "For example, 12 1 2027. Past and future meetings can both be recorded."}
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].error_messages["required"] = "Enter the date of the meeting"

    def _post_clean(self):
        pass
