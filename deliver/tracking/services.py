"""Deliver 3B writes: milestones, actions and their update log. Keyword-only,
`by=` the user, atomic. Every rule is checked before anything is saved, and each
problem says what to fix. The log is only ever added to: an update sets the
action's status and RAG rating, and no service changes or deletes an update."""

from __future__ import annotations

import datetime
import logging
import smtplib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from amhe.core import audit, history
from deliver.models import ActionReminder, ActionUpdate, DeliveryAction, Milestone
from deliver.models.tracking import Rag, Status
from deliver.tracking import selectors
from research.evidence import importing

logger = logging.getLogger(__name__)

ACTION_FIELDS = ("intervention", "milestone", "title", "owner", "due_date", "blockers", "next_step")
MILESTONE_FIELDS = ("title", "description", "due_date")
TEXT = {"blockers", "next_step", "description", "note"}


def _day(value) -> str:
    return date_format(value, "j F Y")


def _apply(record, fields: dict, allowed) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"Not fields of {type(record).__name__}: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        if isinstance(value, str):
            value = importing.clean_text(value, multiline=name in TEXT)
        setattr(record, name, value)


def _check_status(errors, status, rag) -> None:
    if status not in Status.values:
        errors["status"] = ["Choose the status: not started, in progress, done or blocked."]
    if rag not in Rag.values:
        errors["rag"] = ["Choose the RAG rating: red, amber or green."]


# --- Milestones -----------------------------------------------------------------


def _check_milestone(milestone: Milestone) -> None:
    errors: dict[str, list[str]] = {}
    if not milestone.title:
        errors["title"] = ["Enter the milestone."]
    if not isinstance(milestone.due_date, datetime.date):
        errors["due_date"] = ["Enter the milestone's due date."]
    elif milestone.pk:
        late = [item for item in milestone.actions.all() if item.due_date > milestone.due_date]
        if late:
            first = min(late, key=lambda item: item.due_date)
            errors["due_date"] = [
                f"The milestone cannot be due before its actions: '{first.title}' is due on {_day(first.due_date)}. "
                "Give a later date, or move the action first."
            ]
    if errors:
        raise ValidationError(errors)
    milestone.full_clean(exclude=["strategy", "created_by"])


@history.records_by
@transaction.atomic
def milestone_create(*, by, strategy, **fields) -> Milestone:
    milestone = Milestone(strategy=strategy, created_by=by)
    _apply(milestone, fields, MILESTONE_FIELDS)
    _check_milestone(milestone)
    milestone.save()
    return milestone


@history.records_by
@transaction.atomic
def milestone_update(*, by, milestone: Milestone, **fields) -> Milestone:
    _apply(milestone, fields, MILESTONE_FIELDS)
    _check_milestone(milestone)
    milestone.save()
    return milestone


@history.records_by
@transaction.atomic
def milestone_delete(*, by, milestone: Milestone) -> None:
    """The milestone goes; its actions stay, without it."""
    audit.record_deletion(by=by, instance=milestone)
    milestone.delete()


# --- Actions --------------------------------------------------------------------


def _check_action(item: DeliveryAction, strategy) -> None:
    errors: dict[str, list[str]] = {}
    if not item.title:
        errors["title"] = ["Enter the action."]
    if item.intervention_id is None:
        errors["intervention"] = ["Choose the intervention the action belongs to."]
    elif item.intervention.strategy_id != strategy.pk:
        errors["intervention"] = ["Choose an intervention of this project's strategy."]
    if item.milestone is not None and item.milestone.strategy_id != strategy.pk:
        errors["milestone"] = ["Choose a milestone of this project's strategy."]
    if item.owner is None:
        errors["owner"] = ["Choose who owns the action."]
    elif not selectors.is_member(strategy.project, item.owner):
        errors["owner"] = ["Choose someone on this project as the owner."]
    if not isinstance(item.due_date, datetime.date):
        errors["due_date"] = ["Enter the action's due date."]
    elif "milestone" not in errors and item.milestone is not None and item.due_date > item.milestone.due_date:
        errors["due_date"] = [
            f"The action must be due by its milestone's date ({_day(item.milestone.due_date)}): "
            "give an earlier date or choose a later milestone."
        ]
    _check_status(errors, item.status, item.rag)
    if errors:
        raise ValidationError(errors)
    item.full_clean(exclude=["intervention", "milestone", "owner", "created_by"])


@history.records_by
@transaction.atomic
def action_create(*, by, strategy, status: str = Status.NOT_STARTED, rag: str = Rag.GREEN, **fields) -> DeliveryAction:
    """Add an action with the status and RAG rating it starts with; later changes to them are updates."""
    item = DeliveryAction(created_by=by, status=status, rag=rag)
    _apply(item, fields, ACTION_FIELDS)
    _check_action(item, strategy)
    item.save()
    return item


@history.records_by
@transaction.atomic
def action_update(*, by, action: DeliveryAction, **fields) -> DeliveryAction:
    """Change what the action is (title, owner, dates, blockers, next step). Its status and RAG
    rating change only through `action_record_update`, so the log says when and why."""
    _apply(action, fields, ACTION_FIELDS)
    _check_action(action, action.intervention.strategy)
    action.save()
    return action


@history.records_by
@transaction.atomic
def action_delete(*, by, action: DeliveryAction) -> None:
    """The action goes with its log."""
    audit.record_deletion(by=by, instance=action)
    action.delete()


@history.records_by
@transaction.atomic
def action_record_update(
    *, by, action: DeliveryAction, date, status: str, rag: str, note: str = "", blockers=None, next_step=None
) -> ActionUpdate:
    """Add a dated entry to the action's log and make its status and RAG rating the action's.
    An update cannot be dated in the future, nor before the latest one (the log reads in order).
    `blockers` and `next_step`, when given, replace the action's."""
    item = DeliveryAction.objects.select_for_update(of=("self",)).get(pk=action.pk)
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    latest = selectors.latest_update(item)
    if not isinstance(date, datetime.date):
        errors["date"] = ["Enter the date of the update."]
    elif date > today:
        errors["date"] = ["The date of the update must be today or in the past."]
    elif latest is not None and date < latest.date:
        errors["date"] = [
            f"The date of the update cannot be before the latest one ({_day(latest.date)}): "
            "the log keeps updates in the order they happened."
        ]
    _check_status(errors, status, rag)
    note = importing.clean_text(note, multiline=True)
    if len(note) > 2000:
        errors["note"] = ["The note must be 2,000 characters or fewer."]
    if errors:
        raise ValidationError(errors)
    update = ActionUpdate.objects.create(action=item, date=date, by=by, status=status, rag=rag, note=note)
    item.status, item.rag = status, rag
    changed = ["status", "rag", "updated_at"]
    for name, value in (("blockers", blockers), ("next_step", next_step)):
        if value is not None:
            setattr(item, name, importing.clean_text(value, multiline=True))
            changed.append(name)
    item.full_clean(exclude=["intervention", "milestone", "owner", "created_by"])
    item.save(update_fields=changed)
    action.refresh_from_db()
    return update


# --- Overdue-action reminders ---------------------------------------------------

OVERDUE_REMINDERS = "deliver.overdue_reminders"


def overdue_reminders_send(*, day: datetime.date | None = None, progress=None) -> dict:
    """Email each overdue action's owner once on `day` (today in Europe/London by default).

    Run daily by Celery beat (deliver.tasks -> the job kind in deliver/jobs.py), or by hand
    with `manage.py overdue_reminders`. Done actions, actions without an owner who can be
    emailed and actions already reminded about on `day` get nothing. Safe to run again,
    and on two workers at once: each reminder is an `ActionReminder` row, unique per
    action and day, inserted in the same transaction as the email is sent. A second
    sender waits on that row's unique key and then finds it taken, so it sends nothing;
    an email that fails to send rolls its row back, so a later run that day tries again.
    `progress(percent, message)`, if given, is told how far it has got (the job's heartbeat)."""
    day = day or timezone.localdate()
    sent, already, failed = 0, 0, 0
    items = list(selectors.actions_to_remind(day))
    for number, item in enumerate(items):
        if progress is not None and number % 20 == 0:
            progress(10 + 89 * number // len(items), f"Sending reminders ({number} of {len(items)})")
        outcome = _remind(item=item, day=day)
        sent += outcome == "sent"
        already += outcome == "already"
        failed += outcome == "failed"
    return {"day": day.isoformat(), "sent": sent, "already_sent": already, "failed": failed}


def _remind(*, item: DeliveryAction, day: datetime.date) -> str:
    try:
        with transaction.atomic():
            ActionReminder.objects.create(
                action=item, day=day, sent_to=item.owner.email, days_overdue=(day - item.due_date).days
            )
            _send_reminder(item=item, day=day)
    except IntegrityError:  # reminded already today, by this run's twin; or the action has just gone
        return "already"
    except (OSError, smtplib.SMTPException):
        logger.exception("Could not send the overdue reminder for action %s", item.pk)
        return "failed"
    return "sent"


def _one_line(text: str, limit: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _send_reminder(*, item: DeliveryAction, day: datetime.date) -> None:
    project = item.intervention.strategy.project
    days = (day - item.due_date).days
    link = settings.AMHE_BASE_URL.rstrip("/") + reverse(
        "deliver:action", kwargs={"project_id": project.pk, "action_id": item.pk}
    )
    context = {
        "action": item,
        "owner": item.owner,
        "project": project,
        "due": _day(item.due_date),
        "overdue": f"{days} day{'s' if days != 1 else ''}",
        "status": item.get_status_display(),
        "rag": item.get_rag_display(),
        "link": link,
    }
    send_mail(
        subject=_one_line(f"Overdue action: {item.title}"),
        message=render_to_string("deliver/tracking/overdue_reminder_email.txt", context),
        from_email=None,
        recipient_list=[item.owner.email],
    )
