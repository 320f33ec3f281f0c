from dataclasses import dataclass

from django import forms

from identify.models import Extract


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Upload a file",
        help_text="A CSV or Excel (.xlsx) file. Take out names, NHS numbers, dates of birth and full postcodes "
        "first: if we find them we remove those columns and do not keep them.",
        error_messages={"required": "Choose a CSV or Excel file to upload"},
    )
    title = forms.CharField(
        label="Name for this data",
        max_length=200,
        required=False,
        help_text="For example, 'Crisis referrals April 2024 to March 2025'. Leave blank to use the file name.",
    )
    kind = forms.ChoiceField(
        label="What kind of data is it?",
        choices=Extract.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what kind of data this is"},
    )


IGNORE = ""


@dataclass
class ColumnRow:
    field: forms.BoundField
    column: str
    samples: list[str]
    recognised: bool
    value: str  # the field chosen now (IGNORE for none)


class MappingForm(forms.Form):
    """Confirm or correct what each column holds."""

    CONFIDENCE_CHOICES = [("0.95", "95% (usual)"), ("0.998", "99.8% (stricter, for many comparisons)")]

    confidence = forms.ChoiceField(
        label="Confidence level for intervals",
        choices=CONFIDENCE_CHOICES,
        initial="0.95",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, extract: Extract, field_choices, suggested: dict, populations, samples=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.column_fields = []
        self.column_rows = []  # what the page shows for each column, recognised ones first
        samples = samples or {}
        choices = [(IGNORE, "Not used"), *field_choices]
        for index, column in enumerate(extract.columns):
            name = f"column_{index}"
            self.fields[name] = forms.ChoiceField(
                label=f"What column '{column}' holds",
                choices=choices,
                required=False,
                initial=suggested.get(column, IGNORE) or IGNORE,
            )
            self.column_fields.append((name, column))
            bound = self[name]
            self.column_rows.append(
                ColumnRow(
                    field=bound,
                    column=column,
                    samples=samples.get(column, []),
                    recognised=bool(self.fields[name].initial),
                    value=str(bound.value() or IGNORE),
                )
            )
        self.column_choices = choices
        if extract.kind != Extract.Kind.POPULATION:
            self.fields["population"] = forms.ModelChoiceField(
                label="Population denominators",
                queryset=populations,
                required=False,
                empty_label="None: show counts and shares only",
                help_text="Choose a population file from this project to get rates per 100,000 and rate ratios.",
            )
        self.order_fields([*(name for name, _ in self.column_fields), "population", "confidence"])

    @property
    def recognised_rows(self) -> list["ColumnRow"]:
        return [row for row in self.column_rows if row.recognised]

    @property
    def other_rows(self) -> list["ColumnRow"]:
        return [row for row in self.column_rows if not row.recognised]

    @property
    def other_rows_chosen(self) -> bool:
        """Whether a column we did not recognise has been given a field (so its part of the page stays open)."""
        return self.is_bound and any(self.data.get(row.field.html_name) for row in self.other_rows)

    def mapping(self) -> dict:
        """{column: field} for the columns the analyst chose to use."""
        return {column: self.cleaned_data[name] for name, column in self.column_fields if self.cleaned_data.get(name)}
