"""The project's API tokens page: a member makes and revokes their own tokens (leads,
analysts and governance leads; see api.access); a lead may revoke anyone's; a
governance lead sees the last 100 API reads."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from amhe.core import access
from api import access as api_access
from api import services
from api.forms import TokenForm
from api.models import ApiToken

READS_SHOWN = 100


def _project(user, project_id):
    project, membership = access.get_project_for_user(user, project_id)
    if not api_access.may_use_api(membership):
        raise PermissionDenied("Your role on this project cannot have API tokens.")
    return project, membership


def _crumbs(project):
    return [("Your projects", reverse("core:home")), (project.name, project.get_absolute_url())]


@never_cache
@require_http_methods(["GET", "POST"])
def tokens(request, project_id):
    project, membership = _project(request.user, project_id)
    secret = None
    created = None
    form = TokenForm()
    if request.method == "POST":
        form = TokenForm(request.POST)
        if form.is_valid():
            created, secret = services.create_token(
                by=request.user, membership=membership, name=form.cleaned_data["name"], days=form.cleaned_data["days"]
            )
            form = TokenForm()
    can_revoke_any = membership.role in api_access.MAY_REVOKE_ANY
    listed = ApiToken.objects.filter(project=project).select_related("user")
    if not can_revoke_any:
        listed = listed.filter(user=request.user)
    reads = None
    if membership.role in api_access.MAY_SEE_READS:
        reads = services.reads_of(project, limit=READS_SHOWN)
    context = {
        "project": project,
        "membership": membership,
        "form": form,
        "tokens": listed,
        "created": created,
        "secret": secret,
        "can_revoke_any": can_revoke_any,
        "reads": reads,
        "reads_shown": READS_SHOWN,
        "api_root": request.build_absolute_uri(reverse("api-v1:project", kwargs={"project_id": project.pk})),
        "crumbs": _crumbs(project),
    }
    return TemplateResponse(request, "api/tokens.html", context)


@require_http_methods(["GET", "POST"])
def revoke(request, project_id, api_token_id):
    project, membership = _project(request.user, project_id)
    token = get_object_or_404(ApiToken, pk=api_token_id, project=project)
    if token.user_id != request.user.pk and membership.role not in api_access.MAY_REVOKE_ANY:
        raise PermissionDenied("You can revoke only your own tokens.")
    done = reverse("api:tokens", kwargs={"project_id": project.pk})
    if request.method == "POST":
        services.revoke_token(by=request.user, token=token)
        messages.success(request, f"Token '{token.name}' revoked. It no longer opens the API.")
        return redirect(done)
    context = {"project": project, "token": token, "cancel_url": done, "crumbs": _crumbs(project)}
    return TemplateResponse(request, "api/token_revoke.html", context)
