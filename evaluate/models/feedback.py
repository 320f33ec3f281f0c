"""Evaluate 4B: feedback forms, the project's public feedback page and its
"you said, we did" entries.

A feedback form *is* a survey of the shared engine (amhe.surveys, sub-step 4B)
with no closing date: FeedbackForm only says whom it is for. Its responses are
the engine's, as anonymous as any (docs/adr/0007): no IP address, user agent,
session or user, dates as days. What people said is coded with the project's
themes (amhe.surveys.models.Theme), the same list 1B codes with.
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from amhe.core.models import Project
from amhe.surveys.models import Survey, Theme


def _token() -> str:
    return secrets.token_urlsafe(24)


class Audience(models.TextChoices):
    SERVICE_USERS = "service_users", _("People who use services")
    FAMILIES_CARERS = "families_carers", _("Families and carers")
    COMMUNITY = "community", _("Community members")
    STAFF = "staff", _("Staff")


PUBLIC_AUDIENCES = (Audience.SERVICE_USERS, Audience.FAMILIES_CARERS, Audience.COMMUNITY)


class FeedbackForm(models.Model):
    """A 4B survey kept open for feedback from one audience. Staff forms are
    not listed on the public page (staff get their link from the lead)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="feedback_forms")
    survey = models.OneToOneField(Survey, on_delete=models.CASCADE, related_name="feedback_form")
    audience = models.CharField(max_length=20, choices=Audience.choices)

    class Meta:
        ordering = ["project", "audience", "pk"]

    def __str__(self):
        return f"{self.get_audience_display()}: {self.survey}"


class FeedbackPage(models.Model):
    """The project's public feedback page, /f/<token>/: its open feedback forms
    and its published "you said, we did" entries. A lead can switch it off or
    give it a new address (the old one stops working)."""

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="feedback_page")
    token = models.CharField(max_length=64, unique=True, default=_token, editable=False)
    is_on = models.BooleanField(default=True)

    def __str__(self):
        return f"Feedback page of {self.project}"


class YouSaidWeDid(models.Model):
    """What people told us and what changed because of it. Written as a draft;
    only a published entry appears on the public page, with the counts of its
    themes as they were when it was published (already suppressed)."""

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="you_said_we_did")
    you_said = models.TextField(help_text="What people told us, in a few plain sentences.")
    we_did = models.TextField(help_text="What changed because of it, or what we are doing about it.")
    themes = models.ManyToManyField(Theme, blank=True, related_name="you_said_we_did", through="YouSaidWeDidTheme")
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    published_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["project", "-published_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state="draft") | models.Q(published_on__isnull=False),
                name="ysd_published_has_date",
            )
        ]

    def __str__(self):
        return self.you_said[:60]


class YouSaidWeDidTheme(models.Model):
    """A theme of an entry, with how many times it was coded as it may be shown
    (None: suppressed), fixed when the entry was published."""

    entry = models.ForeignKey(YouSaidWeDid, on_delete=models.CASCADE, related_name="theme_rows")
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="+")
    shown_count = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["entry", "pk"]
        constraints = [models.UniqueConstraint(fields=["entry", "theme"], name="ysd_theme_unique")]

    def __str__(self):
        return f"{self.theme}: {self.shown_count}"
