"""Deliver 3A forms: defining a measure on an upload, and linking a goal to one."""

from __future__ import annotations

from django import forms
from django.utils.formats import date_format

from amhe.core.models import Measure
from amhe.core.nhsuk_forms import NhsDateField
from deliver.measures import sources


class MeasureForm(forms.Form):
    """Define a measure on one of an upload's breakdowns."""

    name = forms.CharField(
        max_length=200,
        help_text="For example 'Crisis referrals per 100,000, Black or Black British'.",
        error_messages={"required": "Enter a name for the measure."},
    )
    figure = forms.ChoiceField(
        label="What to measure",
        choices=[(key, label) for key, (label, _unit) in sources.FIGURES.items()],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what to measure."},
    )
    group = forms.ChoiceField(
        label="Group",
        help_text="The group whose rate or share is measured (for a ratio, the group compared).",
        error_messages={"required": "Choose a group."},
    )
    comparison = forms.ChoiceField(
        label="Compared with",
        required=False,
        help_text="Only for a rate ratio: the group to compare with, from the same characteristic.",
    )
    direction = forms.ChoiceField(
        label="Which way is better?",
        choices=Measure.Direction.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose which way is better."},
    )
    description = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text="Anything a reader should know."
    )

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = [("", "Choose a group"), *groups]
        self.fields["comparison"].choices = [("", "No comparison (not a ratio)"), *groups]

    def clean(self):
        data = super().clean()
        group, comparison = data.get("group") or "", data.get("comparison") or ""
        dimension, _, code = group.partition("|")
        data["dimension"], data["group"] = dimension, code
        other_dimension, _, other_code = comparison.partition("|")
        if data.get("figure") == sources.RATE_RATIO and comparison and other_dimension != dimension:
            self.add_error("comparison", "Choose a comparison group from the same characteristic as the group.")
        data["comparison"] = other_code if data.get("figure") == sources.RATE_RATIO else ""
        return data


class BaselineChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        start, end = date_format(obj.period_start, "j M Y"), date_format(obj.period_end, "j M Y")
        return f"{obj.measure.name}: {start} to {end} ({obj.value.normalize():f})"


class GoalMeasureForm(forms.Form):
    """Measure a goal from data: its measure, the period its baseline comes from, and its target."""

    measure = forms.ModelChoiceField(
        queryset=Measure.objects.none(),
        empty_label="Choose a measure",
        error_messages={"required": "Choose a measure."},
    )
    baseline = BaselineChoiceField(
        label="Baseline period",
        queryset=Measure.objects.none(),
        empty_label="Choose the period",
        help_text="The baseline is this period's value; the baseline date is the end of the period.",
        error_messages={"required": "Choose the period the baseline comes from."},
    )
    target_value = forms.DecimalField(
        max_digits=14,
        decimal_places=4,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"}),
        help_text="Where the measure should be by the target date: on the better side of the baseline.",
        error_messages={"required": "Enter the target value."},
    )
    target_date = NhsDateField(label="Target date", help_text="For example, 31 3 2028.")

    def __init__(self, *args, measures, baselines, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measure"].queryset = measures
        self.fields["baseline"].queryset = baselines
