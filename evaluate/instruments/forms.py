"""Evaluate 4A forms: a team's own instrument, and adding an instrument to a survey."""

from __future__ import annotations

import re

from django import forms

from evaluate.instruments import scoring, uploading
from evaluate.models import Instrument, InstrumentUpload

_ANSWER = re.compile(r"^(?P<label>.+?)\s*=\s*(?P<score>-?\d+)?\s*$")
_BAND = re.compile(r"^(?P<low>-?\d+)\s*(?:-|to)\s*(?P<high>-?\d+)\s+(?P<label>.+)$")


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _numbers(text: str, what: str) -> list[int]:
    parts = [p for p in re.split(r"[,\s]+", text or "") if p]
    if any(not p.isdigit() or int(p) < 1 for p in parts):
        raise forms.ValidationError(f"Enter {what} as numbers from 1, separated by commas")
    return [int(p) - 1 for p in parts]


class InstrumentForm(forms.Form):
    name = forms.CharField(max_length=120, error_messages={"required": "Enter a name for the instrument"})
    kind = forms.ChoiceField(
        label="What it measures",
        choices=Instrument.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what it measures"},
    )
    summary = forms.CharField(max_length=300, required=False, help_text="What it asks about, in a sentence.")
    source = forms.CharField(
        label="Source and permission",
        max_length=500,
        help_text="Who wrote it and why you may use it: for example 'Written by our team' or its licence.",
        error_messages={"required": "Say who wrote the instrument and why you may use it"},
    )
    stem = forms.CharField(
        label="Words before each item (optional)",
        max_length=500,
        required=False,
        help_text="Shown as the hint of every question, for example 'Over the last 2 weeks...'.",
    )
    items = forms.CharField(
        label="Items",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="One question a line, in order.",
        error_messages={"required": "Enter the items, one a line"},
    )
    answers = forms.CharField(
        label="Answers and their scores",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="The same answers for every item, one a line as 'answer = score', for example 'Not at all = 0'. "
        "Leave the score out ('Don't know =') for an answer that is not scored.",
        error_messages={"required": "Enter the answers and their scores"},
    )
    method = forms.ChoiceField(
        label="How a response is scored",
        choices=[
            (scoring.SUM, "Total of the item scores"),
            (scoring.MEAN, "Mean of the item scores"),
            (scoring.SHARE, "Share giving a positive answer (one item only)"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how a response is scored"},
    )
    reverse = forms.CharField(
        label="Reverse-scored items (optional)",
        required=False,
        help_text="Item numbers, for example '2, 5': their scores are turned round (the top score counts as the "
        "bottom one).",
    )
    max_missing = forms.IntegerField(
        label="Items that may be left unanswered",
        min_value=0,
        initial=0,
        help_text="A response with more unanswered items has no score. A total is then prorated.",
        error_messages={"required": "Enter how many items may be left unanswered (0 for none)"},
    )
    bands = forms.CharField(
        label="Bands (optional, totals only)",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="One a line as 'lowest-highest name', for example '0-4 Minimal', covering every possible total.",
    )
    positive = forms.CharField(
        label="Positive answers (share only)",
        required=False,
        help_text="Answer numbers that count as positive, for example '1, 2'.",
    )
    higher_is_better = forms.TypedChoiceField(
        label="Which way is better?",
        choices=[("yes", "A higher score is better"), ("no", "A lower score is better")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose which way is better"},
    )

    def clean_items(self):
        return _lines(self.cleaned_data["items"])

    def clean_answers(self):
        options = []
        for line in _lines(self.cleaned_data["answers"]):
            match = _ANSWER.match(line)
            if match is None:
                raise forms.ValidationError(f"Write '{line}' as 'answer = score', for example 'Not at all = 0'")
            score = match.group("score")
            options.append({"label": match.group("label").strip(), "score": None if score is None else int(score)})
        return options

    def clean_reverse(self):
        return _numbers(self.cleaned_data["reverse"], "reverse-scored items")

    def clean_positive(self):
        return _numbers(self.cleaned_data["positive"], "positive answers")

    def clean_bands(self):
        bands = []
        for line in _lines(self.cleaned_data["bands"]):
            match = _BAND.match(line)
            if match is None:
                raise forms.ValidationError(f"Write '{line}' as 'lowest-highest name', for example '0-4 Minimal'")
            bands.append({"low": int(match["low"]), "high": int(match["high"]), "label": match["label"].strip()})
        return bands

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "kind": data["kind"],
            "summary": data["summary"],
            "source": data["source"],
            "stem": data["stem"],
            "items": data["items"],
            "options": data["answers"],
            "method": data["method"],
            "reverse": data["reverse"],
            "max_missing": data["max_missing"],
            "bands": data["bands"],
            "positive": data["positive"],
            "higher_is_better": data["higher_is_better"],
        }


class AddToSurveyForm(forms.Form):
    survey = forms.ChoiceField(
        label="Survey",
        help_text="A draft survey of this project. Its items are added after the survey's own questions.",
        error_messages={"required": "Choose a survey", "invalid_choice": "Choose one of the draft surveys"},
    )

    def __init__(self, *args, surveys, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["survey"].choices = [("", "Choose a survey"), *((str(s.pk), s.title) for s in surveys)]


class ScoresUploadForm(forms.Form):
    """Uploaded scores of an instrument (evaluate.instruments.uploading says what the file holds)."""

    title = forms.CharField(
        label="What is this data?",
        help_text="For example 'PHQ-9 from the clinic system, 2025'. Shown with the figures.",
        max_length=120,
        required=False,
    )
    grouping = forms.ChoiceField(
        label="Put the scores together by",
        choices=InstrumentUpload.Grouping.choices,
        initial=InstrumentUpload.Grouping.MONTH,
        widget=forms.RadioSelect,
        help_text="Each period becomes one value of the instrument's measure series.",
    )
    file = forms.FileField(
        label="Upload a CSV or Excel (.xlsx) file",
        help_text=f"One row per person who answered. Up to {uploading.MAX_ROWS:,} rows and "
        f"{uploading.MAX_BYTES // (1024 * 1024)} MB.",
        error_messages={"required": "Select a CSV or Excel file", "empty": "The selected file is empty"},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > uploading.MAX_BYTES:
            raise forms.ValidationError(
                f"The selected file must be smaller than {uploading.MAX_BYTES // (1024 * 1024)} MB: "
                "split it into smaller files (for example one per year) and upload each"
            )
        return upload

    def data_bytes(self) -> bytes:
        return self.cleaned_data["file"].read(uploading.MAX_BYTES + 1)

    def filename(self) -> str:
        return self.cleaned_data["file"].name
