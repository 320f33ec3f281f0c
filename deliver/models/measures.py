"""Deliver 3A: where each value of a measure came from.

A measure (amhe.core.Measure) defined on Identify's outputs gets one value per
processed upload of its series. This table ties each such value to its upload,
so working it out again (the upload reprocessed, or values worked out again
for the whole series) updates that value rather than adding another, and a
value whose upload was deleted says so."""

from django.db import models

from amhe.core.models import Measure, MeasureValue


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
