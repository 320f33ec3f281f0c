from django.contrib import admin
from django.urls import include, path, register_converter

from amhe.core import oidc, views_accounts, views_security
from amhe.core import views as core_views
from amhe.surveys.steps import SurveyStepConverter

admin.site.site_header = "AMHE administration"
admin.site.site_title = "AMHE administration"

register_converter(SurveyStepConverter, "surveystep")

project_urls = [
    # Surveys are step-neutral: their staff pages sit under the step of the survey's sub-step.
    path("<surveystep:step>/surveys/", include("amhe.surveys.urls")),
    path("identify/", include("identify.urls")),
    path("research/", include("research.urls")),
    path("deliver/", include("deliver.urls")),
    path("evaluate/", include("evaluate.urls")),
    path("reports/", include("reports.urls")),
    path("api-tokens/", include("api.urls_tokens")),
]
# Public pages for respondents and community groups: no login, unguessable tokens.
public_urls = [
    path("", include("amhe.surveys.urls_respond")),
    path("", include("identify.community.urls_public")),
    path("", include("research.ngt.urls_public")),
    path("", include("evaluate.feedback.urls_public")),
]

urlpatterns = [
    path("health/", core_views.health, name="health"),
    path("accounts/login/", views_accounts.LoginView.as_view(), name="login"),
    path("accounts/password_reset/", views_accounts.PasswordResetView.as_view(), name="password_reset"),
    path("accounts/invitations/<str:token>/", views_accounts.invitation, name="invitation"),
    # Single sign-on (OpenID Connect): public, and off (404) unless configured.
    path("accounts/oidc/authenticate/", oidc.authenticate, name="oidc_authentication_init"),
    path("accounts/oidc/callback/", oidc.callback, name="oidc_authentication_callback"),
    path("accounts/", include("django.contrib.auth.urls")),
    # Two-factor sign-in (signed in; amhe.core.two_factor.TwoFactorMiddleware sends people here).
    path("two-factor/", views_security.two_factor_overview, name="two-factor"),
    path("two-factor/setup/", views_security.two_factor_setup, name="two-factor-setup"),
    path("two-factor/verify/", views_security.two_factor_verify, name="two-factor-verify"),
    path("two-factor/recovery-codes/", views_security.two_factor_codes, name="two-factor-codes"),
    # Signing in again before record-level exports and deletions (two_factor.recent_sign_in_required).
    path("reauthenticate/", views_security.reauthenticate, name="reauthenticate"),
    # Staff log in through the app's login, with its lockout: the admin's own
    # login page only sends them there.
    path("admin/login/", views_accounts.admin_login),
    path("admin/", admin.site.urls),
    path("projects/<int:project_id>/", include(project_urls)),
    # The read-only API: a bearer token on every request, never the session.
    path("api/v1/", include("api.urls")),
    # The organisation's audit log, for its governance leads.
    path("audit/", include("amhe.auditlog.urls")),
    # Case studies shared with every organisation (2A): not under a project.
    path("research/practice/", include("research.practice.urls_shared")),
    path("", include((public_urls, "public"))),
    path("", include("amhe.core.urls")),
]

handler404 = "amhe.core.views.page_not_found"
handler403 = "amhe.core.views.permission_denied"
handler500 = "amhe.core.views.server_error"
