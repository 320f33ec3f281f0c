"""The risk form (3C): ratings as radios with the matrix's words beside each number."""

from __future__ import annotations

from django import forms

from amhe.core.nhsuk_forms import NhsDateField
from deliver.models import Risk
from deliver.risks import scoring, selectors

LIKELIHOOD_CHOICES = [(value, f"{value}: {scoring.LIKELIHOOD[value].lower()}") for value in scoring.RATINGS]
IMPACT_CHOICES = [(value, f"{value}: {scoring.IMPACT[value].lower()}") for value in scoring.RATINGS]


class RiskForm(forms.ModelForm):
    class Meta:
        model = Risk
        fields = [
            "title",
            "description",
            "cause",
            "effect",
            "likelihood",
            "impact",
            "controls",
            "actions",
            "target_likelihood",
            "target_impact",
            "owner",
            "last_reviewed",
            "review_date",
        ]
        field_classes = {"review_date": NhsDateField, "last_reviewed": NhsDateField}
        labels = {
            "title": "Risk",
            "description": "Description (optional)",
            "cause": "Cause (optional)",
            "effect": "Effect (optional)",
            "likelihood": "How likely is it now?",
            "impact": "How bad would it be now?",
            "controls": "Controls in place (optional)",
            "actions": "Further actions (optional)",
            "target_likelihood": "Target likelihood",
            "target_impact": "Target impact",
            "owner": "Owner",
            "last_reviewed": "Last reviewed (optional)",
            "review_date": "Next review",
        }
        help_texts = {
            "title": "What could go wrong, in a sentence.",
            "cause": "What would make it happen.",
            "effect": "What would follow for people and for the strategy.",
            "likelihood": "With the controls now in place.",
            "impact": "The consequence if it happened, with the controls now in place.",
            "target_likelihood": "Where the further actions should bring the likelihood.",
            "target_impact": "Where the further actions should bring the impact. The target score cannot be "
            "higher than the current one.",
            "owner": "A governance lead or lead of the project who answers for the risk.",
            "last_reviewed": "When the risk was last reviewed, if it has been, for example 1 9 2026.",
            "review_date": "When it will next be reviewed, for example 31 3 2027.",
        }
        widgets = {
            "title": forms.TextInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
            "cause": forms.Textarea(attrs={"rows": 2}),
            "effect": forms.Textarea(attrs={"rows": 2}),
            "controls": forms.Textarea(attrs={"rows": 3}),
            "actions": forms.Textarea(attrs={"rows": 3}),
            "likelihood": forms.RadioSelect,
            "impact": forms.RadioSelect,
            "target_likelihood": forms.RadioSelect,
            "target_impact": forms.RadioSelect,
        }
        error_messages = {
            "title": {"required": "Enter the risk"},
            "likelihood": {"required": "Select how likely it is", "invalid_choice": "Likelihood must be from 1 to 5"},
            "impact": {"required": "Select how bad it would be", "invalid_choice": "Impact must be from 1 to 5"},
            "target_likelihood": {
                "required": "Select the target likelihood",
                "invalid_choice": "Target likelihood must be from 1 to 5",
            },
            "target_impact": {
                "required": "Select the target impact",
                "invalid_choice": "Target impact must be from 1 to 5",
            },
            "owner": {"required": "Choose who owns the risk"},
        }

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("likelihood", "target_likelihood"):
            self.fields[name].choices = LIKELIHOOD_CHOICES
        for name in ("impact", "target_impact"):
            self.fields[name].choices = IMPACT_CHOICES
        self.fields["owner"].queryset = selectors.owner_choices(project)
        self.fields["owner"].empty_label = "Choose the owner"
        self.fields["review_date"].error_messages["required"] = "Enter the next review date"

    def _post_clean(self):
        pass
