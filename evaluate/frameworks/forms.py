"""Self-assessment forms: starting an assessment, rating one item (with evidence for each
protected characteristic where the framework asks, and links to the project's own
uploads, surveys, decisions and measures), and making a Deliver action from a low rating."""

from __future__ import annotations

from django import forms

from amhe.core import taxonomy
from amhe.core.nhsuk_forms import NhsDateField
from deliver.tracking import selectors as tracking_selectors

UNRATED = "none"


def _checkboxes():
    return forms.CheckboxSelectMultiple(attrs={"class": "nhsuk-checkboxes--small"})


class AssessmentForm(forms.Form):
    period = forms.CharField(
        label="Year the assessment covers",
        max_length=20,
        help_text="For example, 2025/26. One assessment of a framework for each year.",
        error_messages={"required": "Enter the year the assessment covers"},
    )
    assessed_on = NhsDateField(label="Date of the assessment", help_text="For example, 28 2 2026.")
    summary = forms.CharField(
        label="Summary",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Who took part and how, for the published summary.",
    )

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessed_on"].error_messages["required"] = "Enter the date of the assessment"
        if editing:
            del self.fields["period"]


class LabelledChoiceField(forms.ModelMultipleChoiceField):
    def __init__(self, *args, prefix: str, **kwargs):
        self.prefix = prefix
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj):
        name = getattr(obj, "title", None) or getattr(obj, "name", None) or str(obj)
        if hasattr(obj, "decided_on"):
            name = f"{obj.decided_on:%-d %B %Y}: {obj.decision[:120]}"
        return f"{self.prefix}: {name}"


class RatingForm(forms.Form):
    value = forms.ChoiceField(label="Rating", widget=forms.RadioSelect)
    evidence = forms.CharField(
        label="Evidence",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What shows this rating: data, what people said, what changed.",
    )
    actions = forms.CharField(
        label="What will be done",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, framework, levels, extracts, surveys, decisions, measures, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["value"].choices = [(str(level.value), f"{level.value} {level.label}") for level in levels] + [
            (UNRATED, "Not rated yet")
        ]
        self.level_hints = {str(level.value): level.evidence_required for level in levels}
        self.fields["value"].help_text = " ".join(
            f"{level.value} {level.label}: {level.evidence_required}" for level in levels if level.evidence_required
        )
        self.fields["value"].error_messages["required"] = "Choose a rating, or 'Not rated yet'"
        # Not required by the form ("Not rated yet" needs none), but the service asks for it with a rating.
        self.fields["evidence"].needed_for = (
            "needed for a rating, here or for a characteristic below"
            if framework.evidence_by_characteristic
            else "needed for a rating"
        )
        self.characteristic_fields = []
        if framework.evidence_by_characteristic:
            for key, c in taxonomy.CHARACTERISTICS.items():
                if c.kind != taxonomy.PROTECTED:
                    continue
                name = f"pc-{key}"
                self.fields[name] = forms.CharField(
                    label=f"Evidence for {c.label.lower()}",
                    required=False,
                    max_length=2000,
                    widget=forms.Textarea(attrs={"rows": 2}),
                )
                self.characteristic_fields.append((key, name))
        links = (
            ("extracts", extracts, "Upload", "Processed uploads (1A)"),
            ("surveys", surveys, "Survey", "Surveys"),
            ("decisions", decisions, "Decision", "Decisions (3C)"),
            ("measures", measures, "Measure", "Measures (their latest value is shown on the summary)"),
        )
        for name, queryset, prefix, label in links:
            if queryset.exists():
                self.fields[name] = LabelledChoiceField(
                    queryset=queryset, prefix=prefix, label=label, required=False, widget=_checkboxes()
                )

    @classmethod
    def initial_for(cls, rating) -> dict:
        initial = {
            "value": UNRATED if rating.rating is None else str(rating.rating),
            "evidence": rating.evidence,
            "actions": rating.actions,
            "extracts": list(rating.extracts.all()),
            "surveys": list(rating.surveys.all()),
            "decisions": list(rating.decisions.all()),
            "measures": list(rating.measures.all()),
        }
        for key, text in rating.by_characteristic.items():
            initial[f"pc-{key}"] = text
        return initial

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        value = data["value"]
        return {
            "value": None if value == UNRATED else int(value),
            "evidence": data.get("evidence", ""),
            "actions": data.get("actions", ""),
            "by_characteristic": {key: data.get(name, "") for key, name in self.characteristic_fields},
            "extracts": list(data.get("extracts") or []),
            "surveys": list(data.get("surveys") or []),
            "decisions": list(data.get("decisions") or []),
            "measures": list(data.get("measures") or []),
        }


class MakeActionForm(forms.Form):
    title = forms.CharField(
        label="Action", max_length=300, error_messages={"required": "Enter the action"}, help_text="In a sentence."
    )
    intervention = forms.ModelChoiceField(
        queryset=None,
        label="Intervention",
        empty_label="Choose the intervention",
        help_text="The intervention of the strategy (3A) the action belongs to.",
        error_messages={"required": "Choose the intervention the action belongs to"},
    )
    owner = forms.ModelChoiceField(
        queryset=None,
        label="Owner",
        empty_label="Choose the owner",
        help_text="Someone on the project who answers for the action.",
        error_messages={"required": "Choose who owns the action"},
    )
    due_date = NhsDateField(label="Due date", help_text="For example, 31 1 2027.")

    def __init__(self, *args, project, interventions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["intervention"].queryset = interventions
        self.fields["owner"].queryset = tracking_selectors.owner_choices(project)
        self.fields["due_date"].error_messages["required"] = "Enter the action's due date"


class FrameworkForm(forms.Form):
    """An organisation's own framework (evaluate.frameworks.editing reads the three text boxes)."""

    name = forms.CharField(label="Name", max_length=200, error_messages={"required": "Enter a name"})
    short_name = forms.CharField(
        label="Short name",
        max_length=40,
        help_text="For lists and headings, e.g. 'EDS 2022'.",
        error_messages={"required": "Enter a short name"},
    )
    description = forms.CharField(label="What it is for", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    source = forms.CharField(
        label="Where it comes from",
        help_text="Who wrote it, and its licence or permission to use it.",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say where the framework comes from"},
    )
    section_label = forms.CharField(label="What a section is called", max_length=40, initial="Domain")
    item_label = forms.CharField(label="What an item is called", max_length=40, initial="Outcome")
    evidence_by_characteristic = forms.BooleanField(
        label="Ask for evidence for each protected characteristic (as EDS 2022 does)", required=False
    )
    levels = forms.CharField(
        label="Rating scale",
        help_text="One level a line: its score, its name and the evidence it needs, split by a bar, "
        "e.g. '2 | Achieving | Evidence shows most groups ...'.",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter the rating scale, one level a line"},
    )
    low_rating = forms.IntegerField(
        label="Ratings counted as low",
        min_value=0,
        max_value=100,
        initial=1,
        help_text="A rating at or below this score is low: it offers to make an action in Deliver.",
        widget=forms.NumberInput(attrs={"class": "nhsuk-input--width-3"}),
        error_messages={"required": "Enter the score at or below which a rating is low"},
    )
    low_action = forms.CharField(
        label="Action when rated low",
        required=False,
        help_text="Suggested for every item rated low, unless the item gives its own.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    bands = forms.CharField(
        label="Overall rating bands (optional)",
        required=False,
        help_text="One band a line: the total it starts at and its name, e.g. '8 | Developing'. The first starts "
        "at 0. Leave empty for no total or overall rating.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    structure = forms.CharField(
        label="Sections and items",
        help_text="A section as '# code | title', then its items under it, one a line, as 'code | title', and "
        "'| its own action when rated low' if wanted.",
        widget=forms.Textarea(attrs={"rows": 16}),
        error_messages={"required": "Enter at least one section and its items"},
    )

    TEXT_BOXES = ("levels", "bands", "structure")
