"""Signing in: the one login page (the admin's sends people here), and its
lockout.

Staff and everyone else log in through :class:`LoginView`, so there is one
lockout (django-axes, keyed on the normalised email and the client) and one
answer for a locked account, whatever password is sent.
"""

from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from amhe.core.accounts import axes_username, lockout_response
from amhe.core.forms import EmailAuthenticationForm


class LoginView(auth_views.LoginView):
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        # A locked account is answered before the form is read, so a blank,
        # wrong or right password all get the same page.
        from axes.handlers.proxy import AxesProxyHandler

        credentials = {settings.AXES_USERNAME_FORM_FIELD: axes_username(request, None)}
        if credentials[settings.AXES_USERNAME_FORM_FIELD] and AxesProxyHandler.is_locked(request, credentials):
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
    from functools import wraps

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not (request.user.is_active and request.user.is_superuser):
            raise PermissionDenied("Only administrators can see the system status.")
        return view(request, *args, **kwargs)

    return wrapped
