"""The 3B forms: a milestone, an action (what it is: status and RAG rating are
chosen when it is added, and changed after that only by recording an update),
and an update on an action."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from amhe.core.nhsuk_forms import NhsDateField
from deliver.models import ActionUpdate, DeliveryAction, Milestone
from deliver.models.tracking import Rag, Status
from deliver.tracking import selectors


class MilestoneForm(forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["title", "due_date", "description"]
        field_classes = {"due_date": NhsDateField}
        labels = {"title": "Milestone", "due_date": "Due date", "description": "Description (optional)"}
        help_texts = {
            "title": "A point the strategy should reach, for example 'Evening service open'.",
            "due_date": "For example, 31 3 2027.",
        }
        widgets = {"title": forms.TextInput(), "description": forms.Textarea(attrs={"rows": 3})}
        error_messages = {"title": {"required": "Enter the milestone"}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["due_date"].error_messages["required"] = "Enter the milestone's due date"

    def _post_clean(self):
        pass


class ActionForm(forms.ModelForm):
    class Meta:
        model = DeliveryAction
        fields = ["title", "intervention", "milestone", "owner", "due_date", "status", "rag", "blockers", "next_step"]
        field_classes = {"due_date": NhsDateField}
        labels = {
            "title": "Action",
            "intervention": "Intervention",
            "milestone": "Milestone (optional)",
            "owner": "Owner",
            "due_date": "Due date",
            "status": "Status",
            "rag": "RAG rating",
            "blockers": "Blockers (optional)",
            "next_step": "Next step (optional)",
        }
        help_texts = {
            "title": "What will be done, in a sentence.",
            "milestone": "The milestone it helps reach. The action must be due by the milestone's date.",
            "owner": "Someone on the project who answers for the action.",
            "due_date": "For example, 31 1 2027.",
            "rag": "Red: off track. Amber: at risk. Green: on track.",
            "blockers": "What is stopping it, if anything.",
        }
        widgets = {
            "title": forms.TextInput(),
            "status": forms.RadioSelect,
            "rag": forms.RadioSelect,
            "blockers": forms.Textarea(attrs={"rows": 2}),
            "next_step": forms.Textarea(attrs={"rows": 2}),
        }
        error_messages = {
            "title": {"required": "Enter the action"},
            "intervention": {"required": "Choose the intervention the action belongs to"},
            "owner": {"required": "Choose who owns the action"},
            "status": {"required": "Choose the status"},
            "rag": {"required": "Choose the RAG rating"},
        }

    def __init__(self, *args, project, strategy, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["intervention"].queryset = selectors.intervention_choices(strategy)
        self.fields["intervention"].empty_label = "Choose the intervention"
        self.fields["milestone"].queryset = selectors.milestone_choices(strategy)
        self.fields["milestone"].empty_label = "None"
        self.fields["owner"].queryset = selectors.owner_choices(project)
        self.fields["owner"].empty_label = "Choose the owner"
        self.fields["due_date"].error_messages["required"] = "Enter the action's due date"
        self.fields["status"].choices = Status.choices
        self.fields["rag"].choices = Rag.choices
        if self.instance.pk:  # status and RAG change by recording an update
            del self.fields["status"]
            del self.fields["rag"]

    def _post_clean(self):
        pass


class UpdateForm(forms.ModelForm):
    class Meta:
        model = ActionUpdate
        fields = ["date", "status", "rag", "note"]
        field_classes = {"date": NhsDateField}
        labels = {"date": "Date of the update", "status": "Status now", "rag": "RAG rating now", "note": "Note"}
        help_texts = {
            "date": "Today or earlier, and not before the latest update. For example, 14 10 2026.",
            "rag": "Red: off track. Amber: at risk. Green: on track.",
            "note": "What has happened since the last update.",
        }
        widgets = {"status": forms.RadioSelect, "rag": forms.RadioSelect, "note": forms.Textarea(attrs={"rows": 3})}
        error_messages = {
            "status": {"required": "Choose the status now"},
            "rag": {"required": "Choose the RAG rating now"},
            "note": {"required": "Enter a note on what has happened"},
        }

    blockers = forms.CharField(
        label="Blockers (optional)", required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
    next_step = forms.CharField(
        label="Next step (optional)", required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )

    def __init__(self, *args, action, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].error_messages["required"] = "Enter the date of the update"
        self.fields["note"].required = True
        self.fields["status"].choices = Status.choices
        self.fields["rag"].choices = Rag.choices
        if not self.is_bound:
            today = timezone.localdate()
            self.initial.update(
                date=today, status=action.status, rag=action.rag, blockers=action.blockers, next_step=action.next_step
            )

    def _post_clean(self):
        pass
