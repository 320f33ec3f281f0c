"""Who may hold API tokens, and reading with one.

Leads, analysts and governance leads may make tokens for themselves (to feed
Power BI or Excel); panel members and viewers may not. A token reads with its
member's current role: a member whose role changes keeps their tokens, which
then read only what the new role may.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from amhe.core.access import Action, role_can
from amhe.core.models import Role

MAY_USE_API = frozenset({Role.LEAD, Role.ANALYST, Role.GOVERNANCE})
# Governance leads see the log of API reads on the tokens page.
MAY_SEE_READS = frozenset({Role.GOVERNANCE})
# Leads may revoke any token of their project (someone leaving, a token leaked).
MAY_REVOKE_ANY = frozenset({Role.LEAD})


def may_use_api(membership) -> bool:
    return membership.role in MAY_USE_API


def project_for_token(token, project_id, action: Action = Action.VIEW):
    """The token's project and its member's membership; 404 for any other project,
    403 when the member's role does not allow `action`."""
    if str(token.project_id) != str(project_id):
        raise Http404("No such project")
    membership = token.membership
    if not role_can(membership.role, action):
        raise PermissionDenied("The token's role on this project does not allow this.")
    return token.project, membership
