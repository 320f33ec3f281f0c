from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.report_list, name="list"),
    path("<uuid:report_id>/", views.report_detail, name="report"),
    path("<uuid:report_id>/download/", views.report_download, name="download"),
    path("schedules/new/", views.schedule_new, name="schedule-new"),
    path("schedules/<int:schedule_id>/edit/", views.schedule_edit, name="schedule-edit"),
    path("schedules/<int:schedule_id>/cancel/", views.schedule_cancel, name="schedule-cancel"),
]
