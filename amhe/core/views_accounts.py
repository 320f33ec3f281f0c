"""Accounts: the one login page (the admin's sends people here) and its
lockout, rate-limited password resets, and accepting an invitation to a project.

Staff and everyone else log in through :class:`LoginView`, so there is one
lockout (django-axes, keyed on the normalised email and the client) and one
answer for a locked account, whatever password is sent.
"""

import hashlib
from functools import wraps
from urllib.parse import urlencode

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_ratelimit.core import is_ratelimited

from amhe.core import audit_signals, services
from amhe.core.accounts import axes_username, lockout_response, normalise_email
from amhe.core.forms import EmailAuthenticationForm, InvitationAccountForm, add_service_errors


class LoginView(auth_views.LoginView):
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["oidc_enabled"] = settings.AMHE_OIDC_ENABLED
        context["oidc_button_label"] = settings.AMHE_OIDC_BUTTON_LABEL
        return context

    def post(self, request, *args, **kwargs):
        # A locked account is answered before the form is read, so a blank,
        # wrong or right password all get the same page.
        credentials = {settings.AXES_USERNAME_FORM_FIELD: axes_username(request, None)}
        if credentials[settings.AXES_USERNAME_FORM_FIELD] and AxesProxyHandler.is_locked(request, credentials):
            audit_signals.sign_in_refused(email=credentials[settings.AXES_USERNAME_FORM_FIELD], outcome="locked")
            return lockout_response(request, credentials=credentials)
        return super().post(request, *args, **kwargs)


@login_not_required
def admin_login(request):
    """/admin/login/ logs nobody in: it sends people to the app's login (and back)."""
    next_url = request.GET.get(REDIRECT_FIELD_NAME, "")
    hosts = {request.get_host()}
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts=hosts, require_https=request.is_secure()):
        next_url = reverse("admin:index")
    if request.user.is_authenticated:
        if request.user.is_active and request.user.is_staff:
            return redirect(next_url)
        # Signed in but not staff: the admin would send them here again and the
        # login back to the admin, round and round.
        raise PermissionDenied("Only administrators can use the admin site.")
    return redirect_to_login(next_url)


def superuser_required(view):
    """Superusers only; anyone else signed in gets the "not allowed" page (not a
    redirect to the login, which would send them straight back)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not (request.user.is_active and request.user.is_superuser):
            raise PermissionDenied("Only administrators can see the system status.")
        return view(request, *args, **kwargs)

    return wrapped


# --- Password reset ----------------------------------------------------------------


def _address_key(group, request) -> str:
    """The posted email, normalised and hashed: django-ratelimit hashes its cache
    keys again, so the address is never stored in clear."""
    return hashlib.sha256(normalise_email(request.POST.get("email")).encode()).hexdigest()


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset, rate-limited per client and per email address. Over either
    limit nothing is sent, and the answer is the same as ever ("check your email"),
    so the limit says nothing about the address either."""

    def post(self, request, *args, **kwargs):
        self.client_limited = is_ratelimited(
            request,
            group="password-reset-client",
            key="ip",
            rate=settings.AMHE_PASSWORD_RESET_RATE_CLIENT,
            method="POST",
            increment=True,
        )
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        address_limited = is_ratelimited(
            self.request,
            group="password-reset-address",
            key=_address_key,
            rate=settings.AMHE_PASSWORD_RESET_RATE_ADDRESS,
            method="POST",
            increment=True,
        )
        if self.client_limited or address_limited:
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)


# --- Invitations ---------------------------------------------------------------------


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def invitation(request, token):
    """Accept (or decline) an invitation to join a project.

    The link is a secret (redacted from logs). Someone with an account accepts
    after logging in as that account; someone without one creates it here.
    """
    invitation = services.invitation_for_token(token)
    if invitation is None:
        return TemplateResponse(request, "registration/invitation.html", {"state": "invalid"}, status=404)
    account = services.invitation_account(invitation)
    context = {"invitation": invitation, "project": invitation.project}
    signed_in = request.user.is_authenticated
    if signed_in and (account is None or request.user.pk != account.pk):
        return TemplateResponse(request, "registration/invitation.html", {**context, "state": "other"}, status=403)
    if account is not None and not signed_in:
        login_url = reverse("login") + "?" + urlencode({REDIRECT_FIELD_NAME: request.path})
        return TemplateResponse(
            request, "registration/invitation.html", {**context, "state": "log_in", "login_url": login_url}
        )
    if account is not None:
        if request.method == "POST":
            if "decline" in request.POST:
                services.invitation_decline(invitation=invitation)
                messages.success(request, f"You declined the invitation to {invitation.project.name}.")
                return redirect("core:home")
            try:
                services.invitation_accept(invitation=invitation, user=request.user)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
                return redirect("core:home")
            messages.success(request, f"You have joined {invitation.project.name}.")
            return redirect(invitation.project)
        return TemplateResponse(request, "registration/invitation.html", {**context, "state": "accept"})
    # No account yet: create it and join.
    form = InvitationAccountForm(
        request.POST or None, email=invitation.email, initial={"full_name": invitation.full_name}
    )
    if request.method == "POST" and "decline" in request.POST:
        services.invitation_decline(invitation=invitation)
        return TemplateResponse(request, "registration/invitation.html", {**context, "state": "declined"})
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.invitation_accept_new_account(
                invitation=invitation, full_name=form.cleaned_data["full_name"], password=form.cleaned_data["password1"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, f"Your account is ready and you have joined {invitation.project.name}.")
            return redirect(invitation.project)
    return TemplateResponse(request, "registration/invitation.html", {**context, "state": "create", "form": form})
