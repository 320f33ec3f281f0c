"""Forms for equality impact assessments: choosing what to assess, the assessment
itself (one group of fields per characteristic), and a governance lead's decision."""

from __future__ import annotations

from django import forms

from amhe.core import taxonomy
from deliver.models import EiaImpact

NEW_STRATEGY = "strategy"


class EiaNewForm(forms.Form):
    subject = forms.ChoiceField(
        label="What does the assessment cover?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the strategy or an intervention"},
    )

    def __init__(self, *args, strategy, interventions, **kwargs):
        super().__init__(*args, **kwargs)
        self._interventions = {str(item.pk): item for item in interventions}
        self._strategy = strategy
        choices = []
        if strategy is not None:
            choices.append((NEW_STRATEGY, f"The strategy: {strategy.title}"))
        choices += [(key, f"Intervention: {item.title}") for key, item in self._interventions.items()]
        self.fields["subject"].choices = choices

    def service_arguments(self) -> dict:
        chosen = self.cleaned_data["subject"]
        if chosen == NEW_STRATEGY:
            return {"strategy": self._strategy}
        return {"intervention": self._interventions[chosen]}


class ExtractChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"Upload: {obj.title}"


class SurveyChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"Survey results: {obj.title}"


def _checkboxes():
    return forms.CheckboxSelectMultiple(attrs={"class": "nhsuk-checkboxes--small"})


class EiaForm(forms.Form):
    """What is assessed, then for each characteristic: the impact, the evidence (text,
    and any of the project's processed uploads and 1B surveys), the mitigation and an action."""

    summary = forms.CharField(
        label="What is assessed",
        help_text="In a sentence or two: what the strategy or intervention changes, and for whom.",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, extracts, surveys, **kwargs):
        super().__init__(*args, **kwargs)
        self.groups = []
        for key, characteristic in taxonomy.CHARACTERISTICS.items():
            names = {
                "impact": f"{key}-impact",
                "evidence": f"{key}-evidence",
                "extracts": f"{key}-extracts",
                "surveys": f"{key}-surveys",
                "mitigation": f"{key}-mitigation",
                "action": f"{key}-action",
            }
            self.fields[names["impact"]] = forms.ChoiceField(
                label=f"Impact on {characteristic.label.lower()}",
                choices=EiaImpact.Impact.choices,
                widget=forms.RadioSelect(attrs={"class": "nhsuk-radios--inline"}),
                required=False,
            )
            self.fields[names["evidence"]] = forms.CharField(
                label="Evidence",
                required=False,
                max_length=4000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            if extracts:
                self.fields[names["extracts"]] = ExtractChoiceField(
                    label="Evidence from Identify",
                    queryset=extracts,
                    required=False,
                    widget=_checkboxes(),
                )
            if surveys:
                self.fields[names["surveys"]] = SurveyChoiceField(
                    label="Survey results (1B)", queryset=surveys, required=False, widget=_checkboxes()
                )
            self.fields[names["mitigation"]] = forms.CharField(
                label="Mitigation",
                help_text="Needed for a negative or unknown impact, unless an action is given.",
                required=False,
                max_length=4000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[names["action"]] = forms.CharField(
                label="Action", required=False, max_length=300, widget=forms.TextInput()
            )
            self.groups.append(
                {
                    "key": key,
                    "label": characteristic.label,
                    "kind": characteristic.kind,
                    "fields": [self[name] for name in names.values() if name in self.fields],
                }
            )

    @staticmethod
    def initial_from(version, impacts) -> dict:
        initial = {"summary": version.summary}
        for impact in impacts:
            key = impact.characteristic
            initial[f"{key}-impact"] = impact.impact
            initial[f"{key}-evidence"] = impact.evidence
            initial[f"{key}-mitigation"] = impact.mitigation
            initial[f"{key}-action"] = impact.action
            initial[f"{key}-extracts"] = list(impact.extracts.all())
            initial[f"{key}-surveys"] = list(impact.surveys.all())
        return initial

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        impacts = {}
        for key in taxonomy.CHARACTERISTICS:
            values = {name: data.get(f"{key}-{name}", "") for name in ("impact", "evidence", "mitigation", "action")}
            if f"{key}-extracts" in self.fields:
                values["extracts"] = list(data.get(f"{key}-extracts") or [])
            if f"{key}-surveys" in self.fields:
                values["surveys"] = list(data.get(f"{key}-surveys") or [])
            impacts[key] = values
        return {"summary": data.get("summary", ""), "impacts": impacts}


class EiaDecisionForm(forms.Form):
    SIGN_OFF = "sign_off"
    RETURN = "return"
    decision = forms.ChoiceField(
        label="Your decision",
        choices=[(SIGN_OFF, "Sign off the assessment"), (RETURN, "Return it with comments")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose to sign off the assessment or return it"},
    )
    comment = forms.CharField(
        label="Comments",
        help_text="Needed when you return the assessment: say what needs to change.",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
