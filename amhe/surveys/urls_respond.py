"""Public pages for answering a survey (no login; namespace public)."""

from django.urls import path

from amhe.surveys import views_respond as views

urlpatterns = [
    path("s/<str:token>/", views.start, name="survey-start"),
    path("s/<str:token>/privacy/", views.privacy, name="survey-privacy"),
    path("r/<str:token>/", views.resume, name="survey-resume"),
    path("r/<str:token>/page/<int:page>/", views.page, name="survey-page"),
    path("r/<str:token>/check/", views.check, name="survey-check"),
    path("r/<str:token>/saved/", views.saved, name="survey-saved"),
    path("r/<str:token>/language/", views.language, name="survey-language"),
    path("r/<str:token>/done/", views.done, name="survey-done"),
]
