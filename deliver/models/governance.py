"""Deliver 3C: the governance structure. Groups (boards, committees), each with
its purpose and terms of reference, the group it reports to (of the same
project, never in a circle), a chair and members from the project, members
from outside it by name and role, and its meeting dates."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from amhe.core.models import Project


class GovernanceGroup(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="governance_groups")
    name = models.CharField(max_length=200)
    purpose = models.TextField(blank=True, max_length=2000)
    terms_of_reference = models.TextField("terms of reference", blank=True, max_length=10000)
    reports_to = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="reporting_groups"
    )
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    # One a line, for example "Dr A Patel, ICB clinical director".
    external_members = models.TextField("members from outside the project", blank=True, max_length=4000)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "name"],
                name="deliver_governance_group_name_unique",
                violation_error_message="The project already has a group of this name.",
            ),
            models.CheckConstraint(
                name="deliver_governance_group_not_own_parent",
                condition=Q(reports_to__isnull=True) | ~Q(reports_to=F("pk")),
                violation_error_message="A group cannot report to itself.",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def external_member_lines(self) -> list[str]:
        return [line.strip() for line in self.external_members.splitlines() if line.strip()]


class GovernanceMeeting(models.Model):
    group = models.ForeignKey(GovernanceGroup, on_delete=models.CASCADE, related_name="meetings")
    date = models.DateField()
    notes = models.TextField(blank=True, max_length=4000)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "pk"]

    def __str__(self):
        return f"{self.group} meeting"
