"""Research 2B NGT pages (namespace research, under /projects/<project_id>/research/ngt/)."""

from django.urls import path

from research.ngt import views

urlpatterns = [
    path("", views.session_list, name="ngt-sessions"),
    path("new/", views.session_new, name="ngt-new"),
    path("<int:session_id>/", views.session_detail, name="ngt-session"),
    path("<int:session_id>/next/", views.session_phase, name="ngt-phase"),
    path("<int:session_id>/screen/", views.session_screen, name="ngt-screen"),
    path("<int:session_id>/screen.json", views.session_screen_json, name="ngt-screen-json"),
    path("<int:session_id>/qr-code.svg", views.session_qr, name="ngt-qr"),
    path("<int:session_id>/ideas/new/", views.idea_new, name="ngt-idea-new"),
    path("<int:session_id>/ideas/<int:idea_id>/merge/", views.idea_merge, name="ngt-idea-merge"),
    path("<int:session_id>/ideas/<int:idea_id>/priority/", views.idea_priority, name="ngt-idea-priority"),
    path("<int:session_id>/papers/new/", views.paper_new, name="ngt-paper-new"),
    path("<int:session_id>/results/", views.session_results, name="ngt-results"),
]
