"""Surveys, step-neutral: built by staff, answered online, on paper or by phone,
with free-text themes coded by hand. A survey belongs to one sub-step of the
cycle (`substep`: 1B, 2A, 4A or 4B). Survey text shown to respondents carries
its own translations: `translations` maps a language code to the same fields
(see docs/adr/0006).

The tables keep their original `identify_*` names: the models moved here from
`identify` without any change to the database (surveys/0001_initial).
"""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from amhe.core import cycle
from amhe.core.models import Organisation, Project

from .steps import SURVEY_SUBSTEP_CHOICES


def _token() -> str:
    return secrets.token_urlsafe(24)


class Survey(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        CLOSED = "closed", "Closed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="surveys")
    # The sub-step of the cycle the survey belongs to (1B, 2A, 4A or 4B).
    substep = models.CharField(max_length=2, choices=SURVEY_SUBSTEP_CHOICES, default="1B")
    title = models.CharField(max_length=200)
    introduction = models.TextField(blank=True, help_text="Shown on the start page: who is asking, and why.")
    privacy_notice = models.TextField(
        blank=True, help_text="What is collected, who sees it, how long it is kept and who to contact."
    )
    consent_text = models.TextField(blank=True, help_text="What the respondent agrees to before the questions.")
    confirmation_text = models.TextField(blank=True, help_text="What happens next, shown after they submit.")
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    opens_at = models.DateTimeField(null=True, blank=True)
    closes_at = models.DateTimeField(null=True, blank=True)
    # Languages offered besides English (codes from settings.LANGUAGES).
    languages = models.JSONField(default=list, blank=True)
    translations = models.JSONField(default=dict, blank=True)
    include_equality = models.BooleanField(
        "include the equality monitoring questions",
        default=True,
        help_text="Optional questions on ethnicity, age, sex, gender identity, sexual orientation, religion, "
        "disability and caring, each with 'Prefer not to say'.",
    )
    open_link_enabled = models.BooleanField(default=True)
    open_token = models.CharField(max_length=64, unique=True, default=_token, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    # A new random value each time the builder changes the survey or any of its questions
    # (amhe.surveys.building.survey_changed): respondent pages cache each survey's questions
    # per process under (survey, revision), so a change is seen on the very next page.
    revision = models.BigIntegerField(default=0, editable=False)

    history = HistoricalRecords(table_name="identify_historicalsurvey", excluded_fields=["revision"])

    class Meta:
        db_table = "identify_survey"
        ordering = ["-created_at"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse(
            "surveys:survey", kwargs={"project_id": self.project_id, "step": self.step_slug, "survey_id": self.pk}
        )

    @property
    def step(self) -> cycle.Step:
        return cycle.step_of(self.substep)

    @property
    def step_slug(self) -> str:
        """The slug of the step whose pages the survey's staff pages sit under ("evaluate")."""
        return self.step.slug

    @property
    def substep_info(self) -> cycle.SubStep:
        return cycle.SUBSTEP_BY_CODE[self.substep]


class Question(models.Model):
    """One question of a survey. Options are a list of {"value", "label"} (and
    "exclusive": true for an answer such as "Prefer not to say" that cannot be
    ticked with others); values never change once a survey is published, so
    answers and show-if rules keep pointing at the right option."""

    class Kind(models.TextChoices):
        SINGLE = "single", "One answer from a list"
        MULTIPLE = "multiple", "Any answers from a list"
        TEXT = "text", "Short text"
        LONG_TEXT = "long_text", "Long text"
        NUMBER = "number", "Number"
        DATE = "date", "Date"
        LIKERT = "likert", "Agreement scale (strongly disagree to strongly agree)"
        RATING = "rating", "Rating scale (for example 0 to 10)"

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveIntegerField(default=0)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    text = models.CharField(max_length=500)
    hint = models.TextField(blank=True)
    easy_read = models.TextField(
        "easy read version", blank=True, help_text="The question in short words and sentences, for easy read."
    )
    required = models.BooleanField(default=False)
    options = models.JSONField(default=list, blank=True)
    # Number questions: the allowed range. Rating questions: the scale's ends.
    min_value = models.IntegerField(null=True, blank=True)
    max_value = models.IntegerField(null=True, blank=True)
    min_label = models.CharField(max_length=100, blank=True, help_text="Rating scales: what the lowest point means.")
    max_label = models.CharField(max_length=100, blank=True, help_text="Rating scales: what the highest point means.")
    # Start a new page with this question (one question per page by default).
    new_page = models.BooleanField(default=True)
    show_if_question = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="dependents"
    )
    show_if_values = models.JSONField(default=list, blank=True)
    # Equality monitoring questions: the characteristic they ask about
    # (amhe.surveys.equality.QUESTIONS); blank for the survey's own questions.
    equality_key = models.CharField(max_length=40, blank=True)
    translations = models.JSONField(default=dict, blank=True)
    bank_item = models.ForeignKey(
        "QuestionBankItem", on_delete=models.SET_NULL, null=True, blank=True, related_name="uses"
    )

    history = HistoricalRecords(table_name="identify_historicalquestion")

    class Meta:
        db_table = "identify_question"
        ordering = ["survey", "position", "pk"]

    def __str__(self):
        return self.text


class QuestionBankItem(models.Model):
    """A question saved for reuse across an organisation's surveys."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="question_bank")
    kind = models.CharField(max_length=10, choices=Question.Kind.choices)
    text = models.CharField(max_length=500)
    hint = models.TextField(blank=True)
    easy_read = models.TextField(blank=True)
    options = models.JSONField(default=list, blank=True)
    min_value = models.IntegerField(null=True, blank=True)
    max_value = models.IntegerField(null=True, blank=True)
    min_label = models.CharField(max_length=100, blank=True)
    max_label = models.CharField(max_length=100, blank=True)
    translations = models.JSONField(default=dict, blank=True)
    topic = models.CharField(max_length=100, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "identify_questionbankitem"
        ordering = ["topic", "text"]

    def __str__(self):
        return self.text


class Invitation(models.Model):
    """A single-use link for one panel member. It records no one's name or
    address: who was sent which link is not kept, so answers stay anonymous."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    token = models.CharField(max_length=64, unique=True, default=_token, editable=False)
    batch = models.CharField(max_length=100, blank=True, help_text="A label for a group of links, e.g. 'Panel, May'.")
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "identify_invitation"
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"Invitation {self.pk} to {self.survey}"


class SurveyResponse(models.Model):
    """One person's answers. Anonymous: no IP address, user, cookie or device
    identifier is kept. `resume_token` is the secret in the respondent's own
    save-and-resume link."""

    class Channel(models.TextChoices):
        # Also a project member answering from inside the app: nothing on a response
        # says it came from a member (ADR 0007).
        OPEN = "open", "Online: open link or in the app"
        INVITATION = "invitation", "Invitation link"
        PAPER = "paper", "Paper form, entered by staff"
        PHONE = "phone", "Phone, entered by staff"

    class State(models.TextChoices):
        IN_PROGRESS = "in_progress", "In progress"
        SUBMITTED = "submitted", "Submitted"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    channel = models.CharField(max_length=12, choices=Channel.choices)
    invitation = models.OneToOneField(
        Invitation, on_delete=models.PROTECT, null=True, blank=True, related_name="response"
    )
    resume_token = models.CharField(max_length=64, unique=True, default=_token, editable=False)
    language = models.CharField(max_length=10, default="en-gb")
    easy_read = models.BooleanField(default=False)
    consented = models.BooleanField(default=False)
    state = models.CharField(max_length=12, choices=State.choices, default=State.IN_PROGRESS)
    # Staff who typed in a paper or phone response (never set for online ones).
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Started by a project member inside the app: sending it needs them signed in and
    # records that they took part (SurveyParticipation). Cleared as it is sent, so a sent
    # response does not say it came from a member.
    awaiting_member = models.BooleanField(default=False)
    # Day precision only: enough for "responses per week", too coarse to match to anyone.
    started_on = models.DateField(default=timezone.localdate)
    submitted_on = models.DateField(null=True, blank=True)

    class Meta:
        db_table = "identify_surveyresponse"
        ordering = ["survey", "started_on"]
        indexes = [models.Index(fields=["survey", "state"], name="identify_su_survey__e5d14d_idx")]

    def __str__(self):
        return f"Response to {self.survey}"


class SurveyParticipation(models.Model):
    """That a project member took part in a survey from inside the app, and nothing
    more: no link to their response and no date or time (ADR 0007), so it cannot be
    matched to the answers. It is written in the same transaction as the submission
    and keeps the survey from being offered to them again. Its key is random, so
    the order of the rows says nothing about the order people answered in."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="participations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        db_table = "identify_surveyparticipation"
        constraints = [models.UniqueConstraint(fields=["survey", "user"], name="survey_participation_once")]

    def __str__(self):
        return f"Took part in {self.survey}"


class Answer(models.Model):
    """The answer to one question: a string (choice value, text or ISO date), a
    list of choice values, or a number, as JSON."""

    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    value = models.JSONField(null=True)
    themes = models.ManyToManyField("Theme", blank=True, related_name="answers")

    class Meta:
        db_table = "identify_answer"
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="answer_unique_question")]

    def __str__(self):
        return f"Answer to {self.question}"


class Theme(models.Model):
    """A theme coded by hand on free-text answers, focus-group notes and community input."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="themes")
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)

    class Meta:
        db_table = "identify_theme"
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["project", "name"], name="theme_unique_name")]

    def __str__(self):
        return self.name


class SurveyFigures(models.Model):
    """A survey's published results, worked out by the `surveys.figures` job and
    read by the results pages and downloads (amhe/surveys/figures.py).

    Only figures that may be shown are kept: small-number suppression with the
    organisation's rule (`suppression_rule`) is applied before they are stored.
    `requested` goes up each time the answers change; the figures are current
    when `computed` (the `requested` they were worked out for) has caught up and
    the organisation's rule is still the one they were suppressed with."""

    survey = models.OneToOneField(Survey, on_delete=models.CASCADE, related_name="figures")
    requested = models.PositiveIntegerField(default=0)
    computed = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField(null=True, blank=True)
    responses_counted = models.PositiveIntegerField(default=0)  # submitted responses the figures are from
    inputs_hash = models.CharField(max_length=64, blank=True)  # of the answers, themes, questions and rule
    suppression_rule = models.CharField(max_length=20, blank=True)
    figures = models.JSONField(default=dict, blank=True)
    job = models.ForeignKey("core.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name_plural = "survey figures"

    def __str__(self):
        return f"Figures for {self.survey}"

    @property
    def ready(self) -> bool:
        return self.computed_at is not None
