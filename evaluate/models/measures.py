"""Evaluate 4A: the dates a measure's SPC limits start again from."""

from django.conf import settings
from django.db import models

from amhe.core.models import Measure


class MeasureRebase(models.Model):
    """A date from which a measure's SPC chart works out its mean and process limits
    afresh, e.g. when a new service started: the first period starting on or after it
    begins a new segment."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="rebases")
    date = models.DateField(help_text="The limits start again from the first period starting on or after this date.")
    reason = models.CharField(max_length=300, help_text="Why the process changed then, e.g. a new service began.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["measure", "date"]
        constraints = [models.UniqueConstraint(fields=["measure", "date"], name="measure_rebase_unique_date")]

    def __str__(self):
        return f"{self.measure}: limits start again from {self.date}"
