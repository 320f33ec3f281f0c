"""Deliver 3A: resourcing the strategy. Staff roles and their time (FTE),
facilities, and budget lines by financial year (April to March), each
optionally for one of the strategy's interventions."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from deliver.models.strategy import Intervention, Strategy
from deliver.resourcing import years

# A role line may be several posts (eight peer supporters are 8 FTE); more than this is a typing slip.
FTE_MAX = Decimal("100")
YEAR_RANGE_MESSAGE = f"Choose a financial year from {years.label(years.FIRST)} to {years.label(years.LAST)}."


class StaffRole(models.Model):
    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="staff_roles")
    title = models.CharField("role", max_length=200)
    fte = models.DecimalField("FTE", max_digits=5, decimal_places=2)
    intervention = models.ForeignKey(
        Intervention, on_delete=models.SET_NULL, null=True, blank=True, related_name="staff_roles"
    )
    funded_by = models.CharField("funded by", max_length=200, blank=True)
    start_date = models.DateField("start date")
    end_date = models.DateField("end date", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["start_date", "title", "pk"]
        constraints = [
            models.CheckConstraint(
                name="deliver_staff_role_fte_in_range",
                condition=Q(fte__gt=0) & Q(fte__lte=FTE_MAX),
                violation_error_message="The FTE must be more than 0 and at most 100.",
            ),
            models.CheckConstraint(
                name="deliver_staff_role_dates_in_order",
                condition=Q(end_date__isnull=True) | Q(end_date__gt=F("start_date")),
                violation_error_message="The end date must be after the start date.",
            ),
        ]

    def __str__(self):
        return self.title


class Facility(models.Model):
    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="facilities")
    name = models.CharField(max_length=200)
    location = models.CharField("where", max_length=300, blank=True)
    purpose = models.TextField("what it is for", max_length=2000, blank=True)
    intervention = models.ForeignKey(
        Intervention, on_delete=models.SET_NULL, null=True, blank=True, related_name="facilities"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name_plural = "facilities"

    def __str__(self):
        return self.name


class BudgetCategory(models.TextChoices):
    STAFF = "staff", "Staff"
    FACILITIES = "facilities", "Facilities"
    TRAINING = "training", "Training"
    OTHER = "other", "Other"


class BudgetLine(models.Model):
    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="budget_lines")
    description = models.CharField(max_length=300)
    category = models.CharField(max_length=12, choices=BudgetCategory.choices)
    intervention = models.ForeignKey(
        Intervention, on_delete=models.SET_NULL, null=True, blank=True, related_name="budget_lines"
    )
    # The calendar year the financial year starts in: 2026 is April 2026 to March 2027 ("2026/27").
    financial_year = models.PositiveSmallIntegerField("financial year")
    amount = models.DecimalField("amount in pounds", max_digits=12, decimal_places=2)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["financial_year", "category", "description", "pk"]
        constraints = [
            models.CheckConstraint(
                name="deliver_budget_line_amount_not_negative",
                condition=Q(amount__gte=0),
                violation_error_message="The amount cannot be negative.",
            ),
            models.CheckConstraint(
                name="deliver_budget_line_year_in_range",
                condition=Q(financial_year__gte=years.FIRST) & Q(financial_year__lte=years.LAST),
                violation_error_message=YEAR_RANGE_MESSAGE,
            ),
        ]

    def __str__(self):
        return self.description
