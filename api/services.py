"""Making and revoking API tokens."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from amhe.core import audit
from amhe.core.models import AuditEvent
from api.access import may_use_api
from api.models import DEFAULT_LIFETIME_DAYS, MAX_LIFETIME_DAYS, SHOWN_PREFIX_LENGTH, TOKEN_PREFIX, ApiToken
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


def log_read(*, token: ApiToken, request, status: int):
    """One API read in the audit log (``api_read``): the token, what was read (the
    endpoint, the object's id and the path, never the query string), the answer's status."""
    match = getattr(request, "resolver_match", None)
    kwargs = match.kwargs if match else {}
    named = [str(value) for key, value in kwargs.items() if key.endswith("_id") and key != "project_id"]
    return audit.record(
        action=audit.API_READ,
        token=token,
        object_kind=f"api:{match.url_name}" if match else "api",
        object_id=named[-1] if named else "",
        outcome=str(status),
        detail=request.path,
    )


def reads_of(project, *, limit: int):
    """The project's latest API reads from the audit log, with the token each used
    (for the tokens page): (entry, token or None) pairs, newest first."""
    entries = list(AuditEvent.objects.filter(project=project, action=audit.API_READ).select_related("user")[:limit])
    tokens = ApiToken.objects.in_bulk({entry.token_id for entry in entries if entry.token_id})
    return [(entry, tokens.get(entry.token_id)) for entry in entries]
