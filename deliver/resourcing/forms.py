"""The 3A resourcing forms: a staff role, a facility and a budget line, each
optionally for one of the strategy's interventions. The rules are the
services'; the forms only collect."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from amhe.core.nhsuk_forms import NhsDateField
from deliver.models import BudgetLine, Facility, StaffRole
from deliver.resourcing import selectors, years

WHOLE_STRATEGY = "The strategy as a whole"


class _InterventionMixin:
    def _intervention_field(self, strategy, help_text):
        field = self.fields["intervention"]
        field.queryset = selectors.intervention_choices(strategy)
        field.empty_label = WHOLE_STRATEGY
        field.label = "Intervention (optional)"
        field.help_text = help_text

    def _post_clean(self):
        pass


class StaffRoleForm(_InterventionMixin, forms.ModelForm):
    fte = forms.DecimalField(
        label="FTE (full-time equivalent)",
        help_text="1 is one person full time; 0.5 half time; 8 for eight full-time posts. More than 0, at most 100.",
        error_messages={"required": "Enter the FTE", "invalid": "Enter the FTE as a number, for example 0.5"},
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "nhsuk-input--width-5"}),
    )

    class Meta:
        model = StaffRole
        fields = ["title", "fte", "intervention", "funded_by", "start_date", "end_date"]
        field_classes = {"start_date": NhsDateField, "end_date": NhsDateField}
        labels = {
            "title": "Role",
            "funded_by": "Funded by (optional)",
            "start_date": "Start date",
            "end_date": "End date (optional)",
        }
        help_texts = {
            "title": "For example, 'Peer support worker (band 4)'.",
            "funded_by": "For example, 'ICB mental health investment standard'.",
            "start_date": "For example, 1 4 2026.",
            "end_date": "Leave empty if the role has no end date. It must be after the start date.",
        }
        widgets = {"title": forms.TextInput(), "funded_by": forms.TextInput()}
        error_messages = {"title": {"required": "Enter the role"}}

    def __init__(self, *args, strategy, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["start_date"].error_messages["required"] = "Enter the start date"
        self._intervention_field(strategy, "The intervention this role works on, if it is for one.")


class FacilityForm(_InterventionMixin, forms.ModelForm):
    class Meta:
        model = Facility
        fields = ["name", "location", "purpose", "intervention"]
        labels = {"name": "Name", "location": "Where (optional)", "purpose": "What it is for (optional)"}
        help_texts = {
            "name": "For example, 'Evening hub room'.",
            "location": "An address or a place people know, for example 'Chapeltown community centre'.",
        }
        widgets = {
            "name": forms.TextInput(),
            "location": forms.TextInput(),
            "purpose": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {"name": {"required": "Enter the facility's name"}}

    def __init__(self, *args, strategy, **kwargs):
        super().__init__(*args, **kwargs)
        self._intervention_field(strategy, "The intervention that uses it, if it is for one.")


def year_choices(today, current: int | None = None) -> list[tuple[int, str]]:
    """Three financial years back to six ahead of today's, and the line's own if outside them."""
    now = years.year_of(today)
    choices = set(range(max(years.FIRST, now - 3), min(years.LAST, now + 6) + 1))
    if current is not None:
        choices.add(current)
    return [(year, f"{years.label(year)} (April {year} to March {year + 1})") for year in sorted(choices)]


class BudgetLineForm(_InterventionMixin, forms.ModelForm):
    amount = forms.DecimalField(
        label="Amount in pounds",
        help_text="For example, 12500 or 12500.50. It cannot be negative.",
        error_messages={"required": "Enter the amount", "invalid": "Enter the amount as a number, for example 12500"},
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "nhsuk-input--width-10"}),
    )

    class Meta:
        model = BudgetLine
        fields = ["description", "category", "intervention", "financial_year", "amount"]
        labels = {"description": "What the money is for", "category": "Category"}
        widgets = {"description": forms.TextInput(), "category": forms.RadioSelect}
        error_messages = {
            "description": {"required": "Enter what the money is for"},
            "category": {"required": "Choose the category"},
        }

    def __init__(self, *args, strategy, **kwargs):
        super().__init__(*args, **kwargs)
        self._intervention_field(strategy, "The intervention the money is for, if it is for one.")
        today = timezone.localdate()
        self.fields["financial_year"] = forms.TypedChoiceField(
            label="Financial year",
            help_text="April to March.",
            coerce=int,
            choices=year_choices(today, self.instance.financial_year if self.instance.pk else None),
            error_messages={"required": "Choose the financial year"},
        )
        if not self.instance.pk:
            self.initial.setdefault("financial_year", years.year_of(today))
