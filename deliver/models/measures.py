"""Deliver 3A: where each value of a measure came from.

A measure (amhe.core.Measure) defined on Identify's outputs gets one value per
processed upload of its series. This table ties each such value to its upload,
so working it out again (the upload reprocessed, or values worked out again
for the whole series) updates that value rather than adding another, and a
value whose upload was deleted says so."""

from django.db import models

from amhe.core.models import Measure, MeasureValue, SmartGoal


class MeasureValueOrigin(models.Model):
    value = models.OneToOneField(MeasureValue, on_delete=models.CASCADE, related_name="origin")
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="value_origins")
    # Kept (as null) when the upload is deleted: the value stays, and says its upload has gone.
    extract = models.ForeignKey(
        "identify.Extract", on_delete=models.SET_NULL, null=True, blank=True, related_name="measure_value_origins"
    )
    extract_title = models.CharField(max_length=200)
    worked_out_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["measure", "extract"], name="measure_value_origin_once")]

    def __str__(self):
        return f"{self.value} from {self.extract_title}"


class GoalBaseline(models.Model):
    """The period of its measure a goal measured from the data takes its baseline from.

    Kept so the baseline follows the data: when that period's value is worked out again
    (its upload processed again, or a later upload of the same period replacing it),
    deliver.measures.services copies the new value onto the goal. If the value becomes
    hidden (small-number suppression) or the period loses its value, the goal's baseline
    is cleared rather than left stale, and `state` says why."""

    class State(models.TextChoices):
        CURRENT = "current", "Follows the data"
        HIDDEN = "hidden", "Hidden (small numbers)"
        GONE = "gone", "The period has no value"

    goal = models.OneToOneField(SmartGoal, on_delete=models.CASCADE, related_name="data_baseline")
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="goal_baselines")
    period_start = models.DateField()
    period_end = models.DateField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.CURRENT)
    # The baseline before the data last changed it (None until it changes), said on the goal's row.
    previous_value = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="deliver_goal_baseline_state_known", condition=models.Q(state__in=["current", "hidden", "gone"])
            ),
        ]

    def __str__(self):
        return f"Baseline of {self.goal} from {self.period_start} to {self.period_end}"
