"""Public pages (no login; namespace public): a project's feedback page."""

from django.urls import path

from evaluate.feedback import views_public

urlpatterns = [
    path("f/<str:token>/", views_public.feedback, name="feedback"),
]
