"""Evaluate 4A benchmarking forms; the services check everything again."""

from __future__ import annotations

from django import forms

from evaluate.benchmarking import importing, references, selectors
from evaluate.models import Benchmark

COUNT = {"min_value": 0, "max_value": 10**15, "required": False}


def _count_errors(what: str) -> dict:
    return {
        "invalid": f"Enter the {what} as a whole number",
        "min_value": f"The {what} cannot be negative",
        "max_value": f"The {what} is too large",
    }


class BenchmarkForm(forms.Form):
    title = forms.CharField(
        label="Title",
        max_length=200,
        help_text="What is compared, for example: Talking Therapies recovery rate, Black or Black British people.",
        error_messages={"required": "Enter a title"},
    )
    reference = forms.ChoiceField(
        label="England figure from the bundled public data (optional)",
        required=False,
        help_text="Choose one to take England's figure, the kind of figure and the period from published "
        "NHS statistics. Otherwise enter England's figure below.",
    )
    kind = forms.ChoiceField(
        label="Kind of figure",
        choices=Benchmark.Kind.choices,
        widget=forms.RadioSelect,
        required=False,
        help_text="A bundled reference sets this for you.",
    )
    polarity = forms.ChoiceField(
        label="Which way is better?",
        choices=Benchmark.Polarity.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select which way is better"},
    )
    period = forms.CharField(
        label="Period (optional)", max_length=40, required=False, help_text="For example, 2024-25."
    )
    england_value = forms.DecimalField(
        label="England's figure (if you did not choose a bundled one)",
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=4,
        help_text="A percentage (for example 50.5) or a rate per 100,000 people (for example 239.0).",
        error_messages={
            "invalid": "Enter England's figure as a number",
            "min_value": "England's figure cannot be negative",
        },
    )
    england_source = forms.CharField(
        label="Where England's figure comes from (optional)", max_length=300, required=False
    )
    own_name = forms.CharField(
        label="Name of the project's figure",
        max_length=120,
        help_text="For example, Leeds, or the provider's name.",
        error_messages={"required": "Enter a name for the project's figure"},
    )
    measure = forms.ModelChoiceField(
        label="Take the project's figure from a measure (optional)",
        queryset=None,
        required=False,
        empty_label="No: I will enter it",
        help_text="Its latest value's count and denominator are used.",
    )
    own_numerator = forms.IntegerField(
        label="The project's count (optional)", error_messages=_count_errors("count"), **COUNT
    )
    own_denominator = forms.IntegerField(
        label="The project's denominator (optional)",
        help_text="The people in the group for a proportion, or the population for a rate.",
        error_messages=_count_errors("denominator"),
        **COUNT,
    )

    def __init__(self, *args, project, benchmark: Benchmark | None = None, **kwargs):
        if benchmark is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "title": benchmark.title,
                "reference": benchmark.reference,
                "kind": benchmark.kind,
                "polarity": benchmark.polarity,
                "period": benchmark.period,
                "england_value": None if benchmark.reference else benchmark.england_value,
                "england_source": "" if benchmark.reference else benchmark.england_source,
                "own_name": benchmark.own_name,
                "measure": benchmark.measure_id,
                "own_numerator": benchmark.own_numerator,
                "own_denominator": benchmark.own_denominator,
            }
        super().__init__(*args, **kwargs)
        self.fields["reference"].choices = [("", "None: I will enter England's figure"), *references.choices()]
        self.fields["measure"].queryset = selectors.measures(project)

    def clean(self):
        data = super().clean()
        if not data.get("reference") and data.get("england_value") is None and not self.errors.get("england_value"):
            self.add_error("england_value", "Enter England's figure, or choose one from the bundled public data")
        if not data.get("reference") and not data.get("kind"):
            self.add_error("kind", "Select the kind of figure")
        return data

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {name: data[name] for name in self.fields}


class ComparatorForm(forms.Form):
    name = forms.CharField(
        label="Area or provider", max_length=120, error_messages={"required": "Enter the area or provider's name"}
    )
    numerator = forms.IntegerField(
        label="Count",
        min_value=0,
        max_value=10**15,
        error_messages={"required": "Enter the count", **_count_errors("count")},
    )
    denominator = forms.IntegerField(
        label="Denominator",
        min_value=1,
        max_value=10**15,
        help_text="The people in the group for a proportion, or the population for a rate.",
        error_messages={
            "required": "Enter the denominator",
            **_count_errors("denominator"),
            "min_value": "The denominator must be more than 0",
        },
    )
    period = forms.CharField(label="Period (optional)", max_length=40, required=False)

    def service_arguments(self) -> dict:
        return dict(self.cleaned_data)


class ComparatorUploadForm(forms.Form):
    file = forms.FileField(
        label="Upload a CSV file",
        help_text="Columns name, numerator and denominator, and period if you want it; one row per area or provider. "
        f"Up to {importing.MAX_ROWS} rows.",
        error_messages={"required": "Select a CSV file", "empty": "The selected file is empty"},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".txt")):
            raise forms.ValidationError("The selected file must be a CSV file")
        if upload.size > importing.MAX_BYTES:
            raise forms.ValidationError(f"The selected file must be smaller than {importing.MAX_BYTES // 1024} KB")
        return upload

    def data_bytes(self) -> bytes:
        return self.cleaned_data["file"].read(importing.MAX_BYTES + 1)


class PeersForm(forms.Form):
    codes = forms.MultipleChoiceField(
        label="Areas to add",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one area"},
    )

    def __init__(self, *args, reference, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["codes"].choices = [(p.code, p.name) for p in reference.peers]
