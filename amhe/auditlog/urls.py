from django.urls import path

from amhe.auditlog import views

app_name = "audit"

urlpatterns = [
    # The organisation's audit log, for its governance leads (amhe.core.access.audit_log_organisation).
    path("", views.audit_log, name="log"),
    path("csv/", views.audit_log_csv, name="csv"),
]
