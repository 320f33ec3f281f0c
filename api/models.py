"""API tokens. (Each read made with one is in the audit log: amhe.core.audit, ``api_read``.)

A token belongs to one project and one member and acts with that member's role on
the project (looked up on every request, so a changed role applies at once and a
member who leaves takes their tokens with them). Only the sha256 of the token is
kept, with a short prefix for people to recognise it by; the token itself is shown
once, when it is made.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from amhe.core.models import Project

DEFAULT_LIFETIME_DAYS = 90
MAX_LIFETIME_DAYS = 365
TOKEN_PREFIX = "amhe_"  # noqa: S105 - a prefix, not a secret
SHOWN_PREFIX_LENGTH = len(TOKEN_PREFIX) + 6


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def live(self):
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class ApiToken(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="api_tokens")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What it is for, e.g. 'Board dashboard in Power BI'.")
    prefix = models.CharField(max_length=20)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    def clean(self):
        super().clean()
        start = self.created_at or timezone.now()
        if self.expires_at and self.expires_at > start + timedelta(days=MAX_LIFETIME_DAYS, minutes=5):
            raise ValidationError({"expires_at": "A token can last a year at most"})

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_live(self) -> bool:
        return not self.is_revoked and not self.is_expired
