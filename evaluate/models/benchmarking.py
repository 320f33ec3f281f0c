"""Evaluate 4A: benchmarking, a figure of the project's against England and peer
areas or providers on a funnel plot."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from amhe.core.models import Measure, Project


class Benchmark(models.Model):
    """One figure compared: the project's own (entered, or the latest value of one of
    its measures), England's (entered, or from a bundled reference) and any number of
    comparators (entered, uploaded or from the bundled reference)."""

    class Kind(models.TextChoices):
        PROPORTION = "proportion", "Proportion (a percentage of a group)"
        RATE = "rate", "Rate per 100,000 people"

    class Polarity(models.TextChoices):
        HIGHER = "higher", "Higher is better"
        LOWER = "lower", "Lower is better"
        NEITHER = "neither", "Neither: higher or lower is not better in itself"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="benchmarks")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    polarity = models.CharField(max_length=7, choices=Polarity.choices)
    period = models.CharField(max_length=40, blank=True, help_text="For example, 2024-25.")
    reference = models.CharField(
        max_length=80, blank=True, help_text="The bundled England reference this comparison uses, if any."
    )
    england_value = models.DecimalField(
        max_digits=14, decimal_places=4, help_text="A percentage, or a rate per 100,000 people."
    )
    england_numerator = models.PositiveBigIntegerField(null=True, blank=True)
    england_denominator = models.PositiveBigIntegerField(null=True, blank=True)
    england_source = models.CharField(max_length=300, blank=True)
    own_name = models.CharField(max_length=120, help_text="How the project's figure is named, e.g. Leeds.")
    measure = models.ForeignKey(Measure, on_delete=models.SET_NULL, null=True, blank=True, related_name="benchmarks")
    own_numerator = models.PositiveBigIntegerField(null=True, blank=True)
    own_denominator = models.PositiveBigIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["project", "title"]
        constraints = [
            models.UniqueConstraint(fields=["project", "title"], name="benchmark_unique_title"),
            models.CheckConstraint(condition=Q(england_value__gte=0), name="benchmark_england_not_negative"),
            models.CheckConstraint(
                condition=~Q(kind="proportion") | Q(england_value__lte=100), name="benchmark_england_percent"
            ),
        ]

    def __str__(self):
        return self.title


class Comparator(models.Model):
    """A peer area or provider's figure: a count out of a denominator (people in the
    group, or the population for a rate)."""

    class Origin(models.TextChoices):
        ENTERED = "entered", "Entered"
        UPLOADED = "uploaded", "Uploaded"
        BUNDLED = "bundled", "Bundled public data"

    benchmark = models.ForeignKey(Benchmark, on_delete=models.CASCADE, related_name="comparators")
    name = models.CharField(max_length=120)
    numerator = models.PositiveBigIntegerField()
    denominator = models.PositiveBigIntegerField()
    period = models.CharField(max_length=40, blank=True)
    origin = models.CharField(max_length=8, choices=Origin.choices, default=Origin.ENTERED)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["benchmark", "name", "period"]
        constraints = [
            models.UniqueConstraint(fields=["benchmark", "name", "period"], name="comparator_unique_name"),
            models.CheckConstraint(condition=Q(denominator__gt=0), name="comparator_denominator_positive"),
        ]

    def __str__(self):
        return self.name
