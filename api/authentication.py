"""Bearer-token authentication for the API: `Authorization: Bearer <token>`, nothing else.

The session is never accepted (a browser's cookie opens no API URL), so there is no
CSRF to think about. A missing, unknown, expired or revoked token, or one whose
member has left the project, is 401 with `WWW-Authenticate: Bearer`.
"""

from __future__ import annotations

from django.utils import timezone
from rest_framework import authentication, exceptions, permissions

from amhe.core.models import Membership
from api.models import ApiToken, token_hash

REALM = 'Bearer realm="amhe-api"'


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Send one token: 'Authorization: Bearer <token>'.")
        try:
            raw = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("The token is not valid.") from None
        token = ApiToken.objects.select_related("user", "project").filter(token_hash=token_hash(raw)).first()
        if token is None or not token.is_live or not token.user.is_active:
            raise exceptions.AuthenticationFailed("The token is not valid, has expired or has been revoked.")
        membership = Membership.objects.filter(project=token.project, user=token.user).first()
        if membership is None:
            raise exceptions.AuthenticationFailed("The token's owner is no longer on the project.")
        now = timezone.now()
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
        token.membership = membership  # the member's role now, not when the token was made
        return token.user, token

    def authenticate_header(self, request):
        return REALM


class HasLiveToken(permissions.BasePermission):
    """Only a request that came with a live token (never a session)."""

    def has_permission(self, request, view):
        return isinstance(request.auth, ApiToken)
