"""Evaluate 4A: PREMs and PROMs. The instruments a team defines for its
organisation (the ones AMHE ships are in evaluate/instruments/catalogue.py, in
code), and an instrument's use in a survey: the survey's questions it made and
a copy of its definition, so a survey keeps the scoring it was asked with."""

from django.conf import settings
from django.db import models

from amhe.core.models import Organisation
from amhe.surveys.models import Survey


class Instrument(models.Model):
    """An instrument a team defined, shared by its organisation's projects. Its
    `definition` is the JSON evaluate.instruments.scoring reads (items, answers
    with their scores, scoring rule, reverse-scored items, bands)."""

    class Kind(models.TextChoices):
        PROM = "PROM", "PROM: an outcome (how people are)"
        PREM = "PREM", "PREM: an experience (how the care was)"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="instruments")
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=4, choices=Kind.choices, default=Kind.PROM)
    summary = models.CharField(max_length=300, blank=True, help_text="What it asks about, in a sentence.")
    source = models.CharField(
        max_length=500, help_text="Who wrote it and why you may use it (its licence or permission)."
    )
    definition = models.JSONField(default=dict)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="instrument_unique_name"),
        ]

    def __str__(self):
        return self.name

    @property
    def key(self) -> str:
        return f"c{self.pk}"


class SurveyInstrument(models.Model):
    """An instrument asked in a survey. `questions` lists the survey questions
    made for its items, in item order; `scores` maps each question's option
    values to the option's index in the definition's answers; `definition` is
    the instrument as it was when added (later changes to it do not rescore)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="instruments")
    key = models.CharField(max_length=20, help_text="phq-9, gad-7, fft, or c<id> for a team's own")
    instrument = models.ForeignKey(Instrument, on_delete=models.SET_NULL, null=True, blank=True, related_name="uses")
    name = models.CharField(max_length=120)
    definition = models.JSONField(default=dict)
    questions = models.JSONField(default=list)
    scores = models.JSONField(default=dict)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["survey", "created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["survey", "key"], name="survey_instrument_once")]

    def __str__(self):
        return f"{self.name} in {self.survey}"


class InstrumentUpload(models.Model):
    """Scores of an instrument uploaded by an analyst (item answers or totals per
    respondent, with a date and their equality answers), worked out by a job
    (evaluate/jobs.py). Only the published, suppressed figures of each period are
    kept (InstrumentUploadPeriod): the file is deleted once read, and no row, file
    name or anything that identifies a person is stored."""

    class Grouping(models.TextChoices):
        MONTH = "month", "Month"
        QUARTER = "quarter", "Quarter (January to March, April to June, ...)"
        YEAR = "year", "Year (January to December)"

    class State(models.TextChoices):
        PROCESSING = "processing", "Being worked out"
        READY = "ready", "Ready"
        FAILED = "failed", "Could not be used"

    project = models.ForeignKey("core.Project", on_delete=models.CASCADE, related_name="instrument_uploads")
    key = models.CharField(max_length=20, help_text="phq-9, gad-7, fft, or c<id> for a team's own")
    instrument = models.ForeignKey(Instrument, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    name = models.CharField(max_length=120)
    title = models.CharField(max_length=120, help_text="What the data is, e.g. 'PHQ-9 from the clinic system'.")
    definition = models.JSONField(default=dict)
    grouping = models.CharField(max_length=8, choices=Grouping.choices, default=Grouping.MONTH)
    rows = models.PositiveIntegerField(default=0)
    scored = models.PositiveIntegerField(default=0)
    state = models.CharField(max_length=10, choices=State.choices, default=State.READY)
    problems = models.JSONField(default=list, blank=True, help_text="Why the file could not be used (no cell values).")
    notes = models.JSONField(default=list, blank=True, help_text="Columns removed or not used (names only).")
    # The file while the job works on it (deleted when done): a random name in the storage
    # (amhe.core.files), evaluate/scores/<random>.upload.
    file_path = models.FileField(max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.title


class InstrumentUploadPeriod(models.Model):
    """One period of uploaded scores of an instrument in a project: its published
    figures, as the survey engine stores an instrument's figures for a survey
    (overall, bands or answers, and by group, already suppressed). A later upload
    with the same period of the same instrument replaces it."""

    upload = models.ForeignKey(InstrumentUpload, on_delete=models.CASCADE, related_name="periods")
    project = models.ForeignKey("core.Project", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=20)
    period_start = models.DateField()
    period_end = models.DateField()
    figures = models.JSONField(default=dict)

    class Meta:
        ordering = ["period_start", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "key", "period_start", "period_end"], name="instrument_upload_period_once"
            )
        ]

    def __str__(self):
        return f"{self.key} {self.period_start} to {self.period_end}"
