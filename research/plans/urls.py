"""Research 2B pages (namespace research, under /projects/<project_id>/research/plans/):
driver diagrams and theories of change."""

from django.urls import path

from research.plans import views

urlpatterns = [
    path("", views.diagram_list, name="diagrams"),
    path("new/", views.diagram_new, name="diagram-new"),
    path("<int:diagram_id>/", views.diagram_detail, name="diagram"),
    path("<int:diagram_id>/edit/", views.diagram_edit, name="diagram-edit"),
    path("<int:diagram_id>/delete/", views.diagram_delete, name="diagram-delete"),
    path("<int:diagram_id>/diagram.svg", views.diagram_svg, name="diagram-svg"),
    path("<int:diagram_id>/boxes/new/", views.node_new, name="node-new"),
    path("<int:diagram_id>/boxes/<int:node_id>/edit/", views.node_edit, name="node-edit"),
    path("<int:diagram_id>/boxes/<int:node_id>/delete/", views.node_delete, name="node-delete"),
]
