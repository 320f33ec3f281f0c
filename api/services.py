"""Making and revoking API tokens."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from api.access import may_use_api
from api.models import DEFAULT_LIFETIME_DAYS, MAX_LIFETIME_DAYS, SHOWN_PREFIX_LENGTH, TOKEN_PREFIX, ApiRead, ApiToken
from api.models import token_hash as hash_of


@transaction.atomic
def create_token(*, by, membership, name: str, days: int = DEFAULT_LIFETIME_DAYS) -> tuple[ApiToken, str]:
    """A new token for `by` on the membership's project, and its secret (to show once)."""
    if membership.user_id != by.pk or not may_use_api(membership):
        raise ValidationError("Your role on this project cannot have API tokens.")
    if not 1 <= days <= MAX_LIFETIME_DAYS:
        raise ValidationError(f"A token lasts between 1 and {MAX_LIFETIME_DAYS} days.")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = timezone.now()
    token = ApiToken(
        project=membership.project,
        user=by,
        name=name.strip(),
        prefix=secret[:SHOWN_PREFIX_LENGTH],
        token_hash=hash_of(secret),
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    token.full_clean()
    token.save()
    return token, secret


@transaction.atomic
def revoke_token(*, by, token: ApiToken) -> ApiToken:
    """Revoke a token (again is harmless: the first revocation stands)."""
    locked = ApiToken.objects.select_for_update().get(pk=token.pk)
    if locked.revoked_at is None:
        locked.revoked_at = timezone.now()
        locked.revoked_by = by
        locked.save(update_fields=["revoked_at", "revoked_by"])
    return locked


def log_read(*, token: ApiToken, path: str, status: int) -> ApiRead:
    return ApiRead.objects.create(token=token, path=path[:500], status=status)
