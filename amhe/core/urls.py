from django.urls import path

from amhe.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("projects/new/", views.project_new, name="project-new"),
    path("projects/<int:project_id>/", views.project_home, name="project"),
    path("projects/<int:project_id>/edit/", views.project_edit, name="project-edit"),
    path("projects/<int:project_id>/members/<int:membership_id>/", views.member_edit, name="member-edit"),
    path("projects/<int:project_id>/populations/new/", views.population_edit, name="population-new"),
    path("projects/<int:project_id>/populations/<int:population_id>/", views.population_edit, name="population-edit"),
    path("projects/<int:project_id>/progress/<str:code>/", views.substep_edit, name="substep-edit"),
    path("projects/<int:project_id>/members/", views.members, name="members"),
    path(
        "projects/<int:project_id>/invitations/<int:invitation_id>/cancel/",
        views.invitation_cancel,
        name="invitation-cancel",
    ),
    path("projects/<int:project_id>/goals/", views.goal_list, name="goals"),
    path("projects/<int:project_id>/goals/new/", views.goal_edit, name="goal-new"),
    path("projects/<int:project_id>/goals/<int:goal_id>/", views.goal_edit, name="goal-edit"),
    path("projects/<int:project_id>/goals/<int:goal_id>/submit/", views.goal_submit, name="goal-submit"),
    path("projects/<int:project_id>/goals/<int:goal_id>/decide/", views.goal_decide, name="goal-decide"),
    path("projects/<int:project_id>/goals/<int:goal_id>/history/", views.goal_history, name="goal-history"),
    path("organisations/<int:organisation_id>/settings/", views.organisation_settings, name="organisation-settings"),
    path("jobs/<uuid:job_id>/", views.job_detail, name="job"),
    path("jobs/<uuid:job_id>/status/", views.job_status, name="job-status"),
    path("system/", views.system_status, name="system"),
    path("accessibility/", views.accessibility, name="accessibility"),
]
