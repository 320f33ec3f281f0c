"""Research 2C pages (namespace research): priorities and the panel's views."""

from django.urls import path

from research.priorities import views

urlpatterns = [
    path("priorities/", views.priority_list, name="priorities"),
    path("priorities/new/", views.priority_new, name="priority-new"),
    path("priorities/<int:priority_id>/", views.priority_detail, name="priority"),
    path("priorities/<int:priority_id>/edit/", views.priority_edit, name="priority-edit"),
    path("priorities/<int:priority_id>/delete/", views.priority_delete, name="priority-delete"),
    path("priorities/<int:priority_id>/agree/", views.priority_agree, name="priority-agree"),
    path("priorities/<int:priority_id>/your-view/", views.priority_give_view, name="priority-give-view"),
]
