"""Approvals, step-neutral: a record of a project (a changed SMART goal here, Deliver's
strategy in deliver/approvals/) is submitted for approval, and a governance lead
(Action.APPROVE) approves it or returns it with comments, never their own submission.

The rules are the equality impact assessment's (deliver/eia/): the request's row is
locked for a decision, so concurrent decisions record one; a record waiting for a
decision cannot be changed (`note_change` refuses); an approved record changed
afterwards is marked "changed since approval" and is submitted again. Each
submission is one `core.Approval` row; a record's latest row is its state.

Emails (sent on commit): a submission tells the project's governance leads what
waits for them, with a link; a decision tells the submitter, with the comments.
They hold names and the project's and record's titles, nothing else personal.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format

from amhe.core import access
from amhe.core.access import Action
from amhe.core.models import Approval, Membership, Role

logger = logging.getLogger(__name__)
State = Approval.State


def _of(subject):
    return Approval.objects.filter(content_type=ContentType.objects.get_for_model(subject), object_id=subject.pk)


def latest(subject) -> Approval | None:
    """The latest request about `subject`, or None if it was never submitted."""
    if subject is None or subject.pk is None:
        return None
    return _of(subject).select_related("submitted_by", "decided_by").order_by("-submitted_at", "-pk").first()


def waiting(project, model=None):
    """The project's requests waiting for a decision (of one kind of record if `model`), oldest first."""
    found = Approval.objects.filter(project=project, state=State.SUBMITTED).select_related("submitted_by")
    if model is not None:
        found = found.filter(content_type=ContentType.objects.get_for_model(model))
    return found.order_by("submitted_at", "pk")


def may_approve(user, project) -> bool:
    membership = access.membership_for(user, project)
    return membership is not None and access.role_can(membership.role, Action.APPROVE)


# --- Emails -----------------------------------------------------------------------


def governance_leads(project, *, leaving_out=None) -> list:
    """The project's active governance leads (but `leaving_out`, the person who submitted)."""
    members = Membership.objects.filter(project=project, role=Role.GOVERNANCE, user__is_active=True).select_related(
        "user"
    )
    return [m.user for m in members.order_by("user__full_name", "pk") if leaving_out is None or m.user != leaving_out]


def _send(*, to: list[tuple[str, str]], subject: str, template: str, context: dict) -> None:
    for name, email in to:
        send_mail(
            subject=subject,
            message=render_to_string(template, {**context, "name": name}),
            from_email=None,
            recipient_list=[email],
        )


def email_submitted(*, project, by, what: str, link: str) -> None:
    """On commit: tell the project's governance leads (not the submitter) that `what`
    ("the strategy 'Fairer crisis care'") waits for their decision at `link`."""
    to = [(user.full_name, user.email) for user in governance_leads(project, leaving_out=by)]
    context = {"project": project.name, "by": by.full_name if by else "Someone", "what": what, "link": link}
    subject = f"Waiting for your decision: {what} ({project.name})"
    transaction.on_commit(
        lambda: _send(to=to, subject=subject[:200], template="core/emails/approval_submitted.txt", context=context)
    )


def email_decided(*, project, to, by, what: str, outcome: str, comment: str, link: str) -> None:
    """On commit: tell the submitter `to` that `what` was `outcome` ("approved",
    "returned with comments", "signed off") by `by`, with the comments."""
    if to is None or not to.is_active:
        return
    context = {
        "project": project.name,
        "by": by.full_name,
        "what": what,
        "outcome": outcome,
        "comment": comment,
        "link": link,
    }
    subject = f"{what[:1].upper()}{what[1:]} was {outcome} ({project.name})"
    recipients = [(to.full_name, to.email)]
    transaction.on_commit(
        lambda: _send(
            to=recipients, subject=subject[:200], template="core/emails/approval_decided.txt", context=context
        )
    )


# --- Writes -----------------------------------------------------------------------


def _lock_subject(subject) -> None:
    type(subject)._default_manager.select_for_update().filter(pk=subject.pk).first()


@transaction.atomic
def submit(*, by, project, subject, what: str, link: str) -> Approval:
    """Submit `subject` (a record of `project`) for approval. The caller checks that
    `by` may, and that the record is ready. Two people submitting at once make one request."""
    _lock_subject(subject)
    current = latest(subject)
    if current is not None and current.state == State.SUBMITTED:
        raise ValidationError(f"{what[:1].upper()}{what[1:]} is already waiting for approval.")
    approval = Approval(
        project=project,
        content_type=ContentType.objects.get_for_model(subject),
        object_id=subject.pk,
        submitted_by=by,
    )
    approval.full_clean()
    approval.save()
    email_submitted(project=project, by=by, what=what, link=link)
    return approval


def clean_comment(comment) -> str:
    text = "\n".join(line.rstrip() for line in str(comment or "").replace("\r\n", "\n").split("\n")).strip()
    if len(text) > 4000:
        raise ValidationError({"comment": "Comments must be 4,000 characters or fewer."})
    return text


@transaction.atomic
def decide(*, by, project, subject, approve: bool, comment: str = "", what: str, link: str) -> Approval:
    """A governance lead approves the waiting request about `subject`, or returns it with
    comments. 403 (PermissionDenied) for anyone else and for the person who submitted it."""
    if not may_approve(by, project):
        raise PermissionDenied("Only governance leads of the project approve or return this.")
    text = clean_comment(comment)
    # Lock the waiting request: a second decision waits, then finds nothing waiting.
    approval = _of(subject).select_for_update().filter(state=State.SUBMITTED).first()
    if approval is None:
        raise ValidationError("This is not waiting for approval: someone may have decided on it already.")
    if approval.submitted_by_id == by.pk:
        raise PermissionDenied("You submitted this, so another governance lead must decide on it.")
    if not approve and not text:
        raise ValidationError({"comment": "Say what needs to change before you return it."})
    approval.state = State.APPROVED if approve else State.RETURNED
    approval.decided_by = by
    approval.decided_at = timezone.now()
    approval.comment = text
    approval.save()
    email_decided(
        project=project,
        to=approval.submitted_by,
        by=by,
        what=what,
        outcome="approved" if approve else "returned with comments",
        comment=text,
        link=link,
    )
    return approval


def note_change(*, subject, what: str = "This") -> None:
    """Call inside a write's transaction before changing `subject`: refused while it waits
    for a decision; an approved one is marked as changed since its approval."""
    if subject is None or subject.pk is None:
        return
    approval = _of(subject).select_for_update().order_by("-submitted_at", "-pk").first()
    if approval is None:
        return
    if approval.state == State.SUBMITTED:
        raise ValidationError(
            f"{what} is waiting for approval: it can be changed once a governance lead approves or returns it."
        )
    if approval.state == State.APPROVED and approval.changed_at is None:
        approval.changed_at = timezone.now()
        approval.save(update_fields=["changed_at"])


# --- What pages say ---------------------------------------------------------------


@dataclass
class Status:
    label: str  # "Approved", in words
    tag: str  # an NHS.UK tag class; the label says the same in words
    detail: str  # "Approved by Sam Jones on 7 December 2026"
    comment: str
    waiting: bool
    approved: bool  # approved and not changed since


def _day(moment) -> str:
    return date_format(timezone.localtime(moment), "j F Y")


def _name(user) -> str:
    return user.full_name if user else "someone no longer on the app"


def status(approval: Approval | None) -> Status:
    if approval is None:
        return Status(
            "Not submitted for approval", "nhsuk-tag--grey", "Not submitted for approval yet.", "", False, False
        )
    submitted = f"Submitted by {_name(approval.submitted_by)} on {_day(approval.submitted_at)}"
    if approval.state == State.SUBMITTED:
        return Status(
            "Submitted, awaiting approval",
            "nhsuk-tag--blue",
            f"{submitted}: waiting for a governance lead.",
            "",
            True,
            False,
        )
    decided = f"by {_name(approval.decided_by)} on {_day(approval.decided_at)}"
    if approval.state == State.RETURNED:
        return Status(
            "Returned with comments",
            "nhsuk-tag--orange",
            f"Returned with comments {decided}. Change it and submit it again.",
            approval.comment,
            False,
            False,
        )
    if approval.changed_at is not None:
        return Status(
            "Changed since approval",
            "nhsuk-tag--yellow",
            f"Approved {decided}, then changed on {_day(approval.changed_at)}: submit it again for approval.",
            approval.comment,
            False,
            False,
        )
    return Status("Approved", "nhsuk-tag--green", f"Approved {decided}.", approval.comment, False, True)
