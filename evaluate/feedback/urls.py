"""Evaluate 4B pages (namespace evaluate): feedback forms and "you said, we did"."""

from django.urls import path

from evaluate.feedback import views

urlpatterns = [
    path("feedback/", views.feedback, name="feedback"),
    path("feedback/forms/new/", views.form_new, name="feedback-form-new"),
    path("feedback/public-page/", views.page_settings, name="feedback-page"),
    path("feedback/you-said-we-did/new/", views.entry_new, name="ysd-new"),
    path("feedback/you-said-we-did/<int:entry_id>/edit/", views.entry_edit, name="ysd-edit"),
    path("feedback/you-said-we-did/<int:entry_id>/publish/", views.entry_publish, name="ysd-publish"),
    path("feedback/you-said-we-did/<int:entry_id>/delete/", views.entry_delete, name="ysd-delete"),
]
