"""Deliver 3B: implementing the strategy. Milestones of the strategy, actions
under its interventions (each optionally towards a milestone), and each
action's dated update log, which the services only ever add to."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from deliver.models.strategy import Intervention, Strategy


class Status(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    BLOCKED = "blocked", "Blocked"


class Rag(models.TextChoices):
    """Red, amber, green: always shown in words, never by colour alone."""

    RED = "red", "Red: off track"
    AMBER = "amber", "Amber: at risk"
    GREEN = "green", "Green: on track"


class Milestone(models.Model):
    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=2000)
    due_date = models.DateField("due date")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    # Every change is kept (deliver.audit shows it in words).
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_date", "pk"]

    def __str__(self):
        return self.title


class DeliveryAction(models.Model):
    """An action of the strategy (named so as not to be confused with the access
    matrix's actions). Its status and RAG rating are the latest update's."""

    intervention = models.ForeignKey(Intervention, on_delete=models.CASCADE, related_name="actions")
    milestone = models.ForeignKey(Milestone, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions")
    title = models.CharField(max_length=300)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    due_date = models.DateField("due date")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    rag = models.CharField("RAG rating", max_length=5, choices=Rag.choices, default=Rag.GREEN)
    blockers = models.TextField(blank=True, max_length=2000)
    next_step = models.TextField("next step", blank=True, max_length=2000)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Every change is kept (deliver.audit shows it in words).
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_date", "pk"]
        constraints = [
            models.CheckConstraint(
                name="deliver_action_status_known",
                condition=models.Q(status__in=Status.values),
            ),
            models.CheckConstraint(name="deliver_action_rag_known", condition=models.Q(rag__in=Rag.values)),
        ]

    def __str__(self):
        return self.title


class ActionUpdate(models.Model):
    """One dated entry of an action's log: who, the status and RAG rating at the
    time, and a note. Added by deliver.tracking.services and never changed."""

    action = models.ForeignKey(DeliveryAction, on_delete=models.CASCADE, related_name="updates")
    date = models.DateField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    status = models.CharField(max_length=12, choices=Status.choices)
    rag = models.CharField("RAG rating", max_length=5, choices=Rag.choices)
    note = models.TextField(blank=True, max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    # Every change is kept (deliver.audit shows it in words).
    history = HistoricalRecords()

    class Meta:
        ordering = ["date", "pk"]

    def __str__(self):
        return f"Update on {self.action} ({self.date})"


class ActionReminder(models.Model):
    """An overdue-action reminder sent to the action's owner. One per action per day:
    the unique constraint is what makes the daily job send once, even when it runs twice
    on a day or on two workers at once (deliver.tracking.reminders)."""

    action = models.ForeignKey(DeliveryAction, on_delete=models.CASCADE, related_name="reminders")
    day = models.DateField(help_text="The day (Europe/London) the reminder is for.")
    sent_to = models.EmailField()
    days_overdue = models.PositiveIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-day", "pk"]
        constraints = [models.UniqueConstraint(fields=["action", "day"], name="deliver_action_reminder_once_a_day")]

    def __str__(self):
        return f"Reminder about {self.action} on {self.day}"
