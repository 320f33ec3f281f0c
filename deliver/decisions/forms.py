"""The decision form (3C): the linked item is one choice among the strategy's
interventions and the register's risks, or none."""

from __future__ import annotations

from django import forms

from amhe.core.nhsuk_forms import NhsDateField
from deliver.decisions import selectors
from deliver.models import Decision

NONE = ""


class DecisionForm(forms.ModelForm):
    class Meta:
        model = Decision
        fields = ["decided_on", "decision", "made_by", "rationale"]
        field_classes = {"decided_on": NhsDateField}
        labels = {
            "decided_on": "Date of the decision",
            "decision": "Decision",
            "made_by": "Made by",
            "rationale": "Rationale (optional)",
        }
        help_texts = {
            "decided_on": "For example, 14 10 2026.",
            "decision": "What was decided, in plain words.",
            "made_by": "The group or meeting, for example 'Mental health equality board, October meeting'.",
            "rationale": "Why: the evidence, options considered and views heard.",
        }
        widgets = {
            "decision": forms.Textarea(attrs={"rows": 3}),
            "made_by": forms.TextInput(),
            "rationale": forms.Textarea(attrs={"rows": 4}),
        }
        error_messages = {
            "decision": {"required": "Enter the decision"},
            "made_by": {"required": "Enter the group or meeting that made the decision"},
        }

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decided_on"].error_messages["required"] = "Enter the date of the decision"
        self._interventions = {f"intervention-{item.pk}": item for item in selectors.linkable_interventions(project)}
        self._risks = {f"risk-{item.pk}": item for item in selectors.linkable_risks(project)}
        choices = [(NONE, "Nothing")]
        if self._interventions:
            choices.append(("Interventions", [(key, item.title) for key, item in self._interventions.items()]))
        if self._risks:
            choices.append(("Risks", [(key, item.title) for key, item in self._risks.items()]))
        self.fields["linked"] = forms.ChoiceField(
            label="What it is about (optional)",
            required=False,
            choices=choices,
            help_text="An intervention of the strategy or a risk on the register.",
        )
        if self.instance.pk:
            if self.instance.intervention_id:
                self.initial["linked"] = f"intervention-{self.instance.intervention_id}"
            elif self.instance.risk_id:
                self.initial["linked"] = f"risk-{self.instance.risk_id}"

    def _post_clean(self):
        pass

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        linked = data.pop("linked", NONE)
        data["intervention"] = self._interventions.get(linked)
        data["risk"] = self._risks.get(linked)
        return data
