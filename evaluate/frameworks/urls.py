"""Evaluate 4A pages (namespace evaluate): self-assessments against frameworks."""

from django.urls import path

from evaluate.frameworks import views

urlpatterns = [
    path("frameworks/", views.framework_list, name="frameworks"),
    path("frameworks/new/", views.framework_new, name="framework-new"),
    path("frameworks/<int:framework_id>/", views.framework_detail, name="framework"),
    path("frameworks/<int:framework_id>/edit/", views.framework_edit, name="framework-edit"),
    path("frameworks/<int:framework_id>/copy/", views.framework_copy, name="framework-copy"),
    path("frameworks/<int:framework_id>/assessments/new/", views.assessment_new, name="assessment-new"),
    path("assessments/<int:assessment_id>/", views.assessment_detail, name="assessment"),
    path("assessments/<int:assessment_id>/edit/", views.assessment_edit, name="assessment-edit"),
    path("assessments/<int:assessment_id>/ratings/<int:rating_id>/", views.rating_edit, name="rating-edit"),
    path("assessments/<int:assessment_id>/ratings/<int:rating_id>/action/", views.action_make, name="rating-action"),
]
