"""Forms for the evidence base and the initiatives register (Research 2A).
They collect and tidy input; research.evidence.services checks the rules again."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from amhe.core import taxonomy
from amhe.core.nhsuk_forms import NhsDateField
from research.evidence import importing, selectors
from research.models import Initiative, Reference
from research.plans.forms import IdeaChoiceField


def characteristic_choices() -> list[tuple[str, str]]:
    return [(key, item.label) for key, item in taxonomy.CHARACTERISTICS.items()]


def _textarea(rows=4):
    return forms.Textarea(attrs={"rows": rows})


def _checkboxes():
    return forms.CheckboxSelectMultiple(attrs={"class": "nhsuk-checkboxes--small"})


class PeopleFieldsMixin:
    """The characteristics and populations a record is about (the core taxonomy and
    the organisation's populations), as checkboxes."""

    def add_people_fields(self, project, *, what: str) -> None:
        self.fields["characteristics"] = forms.MultipleChoiceField(
            label="Characteristics",
            required=False,
            choices=characteristic_choices,
            widget=_checkboxes(),
            help_text=f"The protected characteristics and inclusion health groups {what}. Select all that apply.",
        )
        self.fields["populations"] = forms.ModelMultipleChoiceField(
            label="Focus populations",
            required=False,
            queryset=selectors.populations_for(project),
            widget=_checkboxes(),
            help_text="Your organisation's focus populations it is about, if any.",
        )


class ReferenceForm(PeopleFieldsMixin, forms.ModelForm):
    class Meta:
        model = Reference
        fields = ["title", "authors", "year", "doi", "url", "summary", "effectiveness"]
        labels = {"url": "Web address", "effectiveness": "What it found about effectiveness"}
        help_texts = {
            "authors": "Separate authors with semicolons, for example 'Smith J; Khan A'.",
            "doi": "If it has one, like 10.1192/bjp.2019.22. You can paste a https://doi.org/ link.",
            "url": "If it has no DOI, where to read it, starting with https://.",
            "summary": "What the study, review or report is about, in plain words.",
            "effectiveness": "What worked, for whom, and how strong the evidence is.",
        }
        widgets = {
            "title": forms.TextInput(),
            "authors": forms.TextInput(),
            "year": forms.TextInput(attrs={"inputmode": "numeric", "class": "nhsuk-input--width-4"}),
            "url": forms.URLInput(attrs={"spellcheck": "false"}),
            "doi": forms.TextInput(attrs={"spellcheck": "false"}),
            "summary": _textarea(5),
            "effectiveness": _textarea(4),
        }
        error_messages = {
            "title": {"required": "Enter the title of the study, review or report"},
            "year": {"invalid": "Enter the year of publication, like 2019"},
        }

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_people_fields(project, what="it is about")
        ideas = selectors.idea_choices(project)
        if ideas.exists():
            self.fields["ngt_ideas"] = IdeaChoiceField(
                label="Ideas from NGT sessions it supports (optional)",
                queryset=ideas,
                required=False,
                widget=_checkboxes(),
                help_text="Select all that apply.",
            )
        if self.instance.pk:
            self.initial["characteristics"] = self.instance.characteristics
            self.initial["populations"] = list(self.instance.populations.all())
            if "ngt_ideas" in self.fields:
                self.initial["ngt_ideas"] = list(self.instance.ngt_ideas.all())

    def clean_year(self):
        year = self.cleaned_data.get("year")
        if year is not None and not importing.MIN_YEAR <= year <= importing.MAX_YEAR:
            raise ValidationError("Enter the year of publication, like 2019")
        return year

    def clean_doi(self):
        try:
            return importing.clean_doi(self.cleaned_data.get("doi") or "")
        except ValueError as exc:
            raise ValidationError(str(exc)) from None

    def clean_url(self):
        try:
            return importing.clean_url(self.cleaned_data.get("url") or "")
        except ValueError as exc:
            raise ValidationError(str(exc)) from None

    def _post_clean(self):
        # The service checks the model; the form only collects (no instance changes here).
        pass

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        names = [*self.Meta.fields, "characteristics", "populations"]
        return {name: data[name] for name in names} | ({"ngt_ideas": data["ngt_ideas"]} if "ngt_ideas" in data else {})


class InitiativeForm(PeopleFieldsMixin, forms.ModelForm):
    start_date = NhsDateField(label="Start date", required=False, help_text="For example, 1 4 2025.")
    end_date = NhsDateField(label="End date", required=False, help_text="Leave empty if it is ongoing.")

    class Meta:
        model = Initiative
        fields = ["name", "sector", "owner", "description", "partners", "populations_served", "contact"]
        labels = {"owner": "Who runs it", "populations_served": "Who it serves"}
        help_texts = {
            "owner": "The organisation or team that runs it, for example 'Leeds City Council public health'.",
            "partners": "Other organisations involved, one per line.",
            "populations_served": "In its own words, for example 'Black men aged 18 to 35 in Chapeltown'.",
            "contact": "A named contact who agreed to be listed, or a role, and how to reach them.",
        }
        widgets = {
            "sector": forms.RadioSelect,
            "description": _textarea(4),
            "partners": _textarea(3),
            "populations_served": _textarea(2),
        }
        error_messages = {
            "name": {"required": "Enter the name of the initiative"},
            "sector": {"required": "Select the sector that runs it"},
            "owner": {"required": "Enter the organisation or team that runs it"},
        }

    field_order = [
        "name",
        "sector",
        "owner",
        "description",
        "partners",
        "characteristics",
        "populations",
        "populations_served",
        "start_date",
        "end_date",
        "contact",
    ]

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sector"].choices = Initiative.Sector.choices
        self.add_people_fields(project, what="it serves")
        if self.instance.pk:
            self.initial["characteristics"] = self.instance.characteristics
            self.initial["populations"] = list(self.instance.populations.all())
            self.initial["start_date"] = self.instance.start_date
            self.initial["end_date"] = self.instance.end_date
        self.order_fields(self.field_order)

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "The end date must be the same as or after the start date")
        return data

    def _post_clean(self):
        pass

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        names = [*self.Meta.fields, "characteristics", "populations", "start_date", "end_date"]
        return {name: data[name] for name in names}


class ReferenceImportForm(forms.Form):
    file = forms.FileField(
        label="Upload a CSV or RIS file",
        help_text="A spreadsheet saved as CSV, or a RIS file exported from a reference manager or a database.",
        error_messages={"required": "Select a CSV or RIS file", "empty": "The selected file is empty"},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.ris,.txt,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not name.endswith((".csv", ".ris", ".txt")):
            raise ValidationError("The selected file must be a CSV or a RIS file (ending .csv, .ris or .txt)")
        if upload.size > importing.MAX_BYTES:
            raise ValidationError(
                f"The selected file must be smaller than {importing.MAX_BYTES // (1024 * 1024)} MB. Split it into "
                "smaller files and upload each"
            )
        return upload

    def read(self) -> importing.ImportResult:
        """Read the file as CSV or RIS, by its name (.csv) or, for .ris and .txt, as RIS."""
        upload = self.cleaned_data["file"]
        data = upload.read(importing.MAX_BYTES + 1)
        if upload.name.lower().endswith(".csv"):
            return importing.read_csv(data)
        return importing.read_ris(data)
