"""Evaluate 4C pages (namespace evaluate): the review of the cycle and the next cycle."""

from django.urls import path

from evaluate.review import views

urlpatterns = [
    path("review/", views.review_detail, name="review"),
    path("review/edit/", views.review_edit, name="review-edit"),
    path("review/goals/<int:goal_id>/", views.goal_mark, name="review-goal"),
    path("review/complete/", views.review_complete, name="review-complete"),
    path("review/next-cycle/", views.next_cycle_start, name="review-next-cycle"),
    path("review/view/", views.view_edit, name="review-view"),
    path("review/view/remove/", views.view_remove, name="review-view-remove"),
]
