"""Answering a survey (any step): online through an open or single-use link,
or typed in by staff from a paper form or a phone call.

Anonymous by design (ADR 0007): a response keeps no IP address, user, cookie
or device identifier, and its dates are days. What ties a person to their
answers is the secret in their own save-and-resume link (`resume_token`),
which only they hold; an invitation link keeps no name or address either.

Single use. A single-use invitation has at most one response (a one-to-one
row: of two people starting from the same link at once, one starts it and
the other is told it was started; re-opening a started invitation never
leads to its answers, only the response's own resume link does) and is
spent by exactly one submission: :func:`submit` moves the response from in
progress to submitted with a conditional UPDATE, and marks the invitation
used the same way, in one transaction; of two concurrent submits one finds
nothing left to update and is told the answers were already sent.

Pages. Questions are grouped into pages by `Question.new_page` (one question
a page by default). A page is skipped when show-if rules hide every question
on it. Answers to questions that a later change hides (the respondent went
back and changed a trigger) are removed when the response is submitted, so a
submitted response holds only what its respondent was asked.
"""

from __future__ import annotations

import datetime
import threading
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from amhe.core.prepared import Prepared
from amhe.surveys import building, i18n, logic
from amhe.surveys import figures as survey_figures
from amhe.surveys.models import Answer, Invitation, Question, Survey, SurveyParticipation, SurveyResponse

Channel = SurveyResponse.Channel
State = SurveyResponse.State


class NotAvailable(Exception):
    """The survey cannot be answered now. `reason` is one of the names below."""

    def __init__(self, reason: str, survey: Survey | None = None):
        super().__init__(reason)
        self.reason = reason
        self.survey = survey


# Why a link does not lead to questions; each has its own page for respondents.
DRAFT, NOT_OPEN_YET, CLOSED, LINK_OFF, USED, UNKNOWN = "draft", "not_open_yet", "closed", "link_off", "used", "unknown"
# An invitation whose response was started: only that response's resume link reaches the answers.
STARTED = "started"
# Answering from inside the app: the member must be signed in to send, and answers once.
SIGN_IN, TOOK_PART = "sign_in", "took_part"


# --- Finding the survey -------------------------------------------------------------


@dataclass(frozen=True)
class Link:
    survey: Survey
    invitation: Invitation | None  # None for the open link


def link_for(token: str) -> Link:
    """The survey an open or invitation link points at, or NotAvailable(UNKNOWN)."""
    survey = Survey.objects.select_related("project").filter(open_token=token).first()
    if survey is not None:
        return Link(survey, None)
    invitation = Invitation.objects.select_related("survey__project").filter(token=token).first()
    if invitation is not None:
        return Link(invitation.survey, invitation)
    raise NotAvailable(UNKNOWN)


def availability(survey: Survey, now: datetime.datetime | None = None) -> str | None:
    """None when the survey takes answers now, otherwise why not."""
    now = now or timezone.now()
    if survey.state == Survey.State.DRAFT:
        return DRAFT
    if survey.state == Survey.State.CLOSED or (survey.closes_at and survey.closes_at < now):
        return CLOSED
    if survey.opens_at and survey.opens_at > now:
        return NOT_OPEN_YET
    return None


def check_link(link: Link) -> None:
    """NotAvailable unless this link may start (or continue) a response now."""
    reason = availability(link.survey)
    if reason:
        raise NotAvailable(reason, link.survey)
    if link.invitation is None and not link.survey.open_link_enabled:
        raise NotAvailable(LINK_OFF, link.survey)
    if link.invitation is not None:
        if link.invitation.used_at is not None:
            raise NotAvailable(USED, link.survey)
        if SurveyResponse.objects.filter(invitation=link.invitation).exists():
            # Not the answers: whoever holds the invitation list must not read or change them.
            raise NotAvailable(STARTED, link.survey)


# Each respondent page starts with these two reads: compiled to SQL once (amhe.core.prepared).
_RESPONSE = Prepared(
    lambda token: (
        SurveyResponse.objects.select_related("survey")
        .filter(resume_token=token, channel__in=(Channel.OPEN, Channel.INVITATION))
        .order_by()
    ),
    "resume_token",
)
_ANSWERS = Prepared(
    lambda response_id: Answer.objects.filter(response_id=response_id).order_by().values_list("question_id", "value"),
    "response",
)


def response_for(resume_token: str) -> SurveyResponse:
    """An online response (with its survey) by its resume token, or NotAvailable(UNKNOWN)."""
    found = _RESPONSE.instances(resume_token) if resume_token else []
    if len(found) != 1:  # the token is unique
        raise NotAvailable(UNKNOWN)
    return found[0]


def check_response(response: SurveyResponse) -> None:
    """NotAvailable unless this response can still be changed and sent."""
    if response.state == State.SUBMITTED:
        raise NotAvailable(USED, response.survey)
    reason = availability(response.survey)
    if reason:
        raise NotAvailable(reason, response.survey)


# --- Starting -------------------------------------------------------------------------


def language_for(survey: Survey, wanted: str | None) -> str:
    """`wanted` if the survey is offered in it, else English."""
    return wanted if wanted in i18n.offered_languages(survey) else i18n.DEFAULT


def start(*, link: Link, language: str, easy_read: bool, consented: bool) -> SurveyResponse:
    """A new response from an open link, or an invitation's one response.
    An invitation that already has a response (even one started a moment ago
    in another tab) raises NotAvailable(STARTED): its answers are reached
    only through that response's resume link, never through the invitation."""
    check_link(link)
    survey = link.survey
    if survey.consent_text.strip() and not consented:
        raise ValidationError({"consent": "consent"})
    fields = {"language": language_for(survey, language), "easy_read": easy_read, "consented": True}
    if link.invitation is None:
        return SurveyResponse.objects.create(survey=survey, channel=Channel.OPEN, **fields)
    try:
        with transaction.atomic():
            return SurveyResponse.objects.create(
                survey=survey, channel=Channel.INVITATION, invitation=link.invitation, **fields
            )
    except IntegrityError:
        # Someone started from this link first (perhaps the same person in another tab).
        raise NotAvailable(STARTED, survey) from None


def took_part(user, survey: Survey) -> bool:
    """Whether this user has sent answers to this survey from inside the app."""
    return user.is_authenticated and SurveyParticipation.objects.filter(survey=survey, user=user).exists()


def is_member(user, survey: Survey) -> bool:
    return user.is_authenticated and survey.project.memberships.filter(user=user).exists()


def member_start(*, user, survey: Survey, language: str, easy_read: bool, consented: bool) -> SurveyResponse:
    """A project member starts answering from inside the app. The response is an
    ordinary online one (channel "open"), linked to no one; it is only marked as
    awaiting a member, so that sending it needs them signed in (see submit)."""
    reason = availability(survey)
    if reason:
        raise NotAvailable(reason, survey)
    if not is_member(user, survey):
        raise NotAvailable(UNKNOWN)
    if took_part(user, survey):
        raise NotAvailable(TOOK_PART, survey)
    if survey.consent_text.strip() and not consented:
        raise ValidationError({"consent": "consent"})
    return SurveyResponse.objects.create(
        survey=survey,
        channel=Channel.OPEN,
        awaiting_member=True,
        language=language_for(survey, language),
        easy_read=easy_read,
        consented=True,
    )


def staff_start(*, by, survey: Survey, channel: str, language: str) -> SurveyResponse:
    """A response typed in by staff from a paper form or a phone call."""
    if channel not in (Channel.PAPER, Channel.PHONE):
        raise ValidationError({"channel": "Choose paper form or phone call"})
    if survey.state == Survey.State.DRAFT:
        raise ValidationError("Publish the survey before entering answers")
    return SurveyResponse.objects.create(
        survey=survey,
        channel=channel,
        language=language_for(survey, language),
        consented=True,
        entered_by=by,
    )


def set_language(*, response: SurveyResponse, language: str | None = None, easy_read: bool | None = None) -> None:
    fields = []
    if language is not None:
        response.language = language_for(response.survey, language)
        fields.append("language")
    if easy_read is not None:
        response.easy_read = easy_read
        fields.append("easy_read")
    if fields:
        SurveyResponse.objects.filter(pk=response.pk, state=State.IN_PROGRESS).update(
            **{field: getattr(response, field) for field in fields}
        )


# --- Pages ------------------------------------------------------------------------------


# Each survey's questions, in order, per process: {(survey pk, revision): questions}. Every
# builder service that changes a survey or its questions gives it a new revision
# (building.survey_changed), and each page reads the survey's current revision with the
# response, so a page never sees questions older than that. Read-only: shared by requests.
_QUESTIONS: dict[tuple, tuple[Question, ...]] = {}
_QUESTIONS_KEPT = 200  # surveys; the oldest entry goes first
_questions_lock = threading.Lock()


def questions_of(survey: Survey) -> list[Question]:
    """The survey's questions in the order respondents see them (building.ordered_questions),
    from this process's cache when the survey's revision has not changed. Treat them as
    read-only: the same objects serve every respondent of the survey."""
    cached = _QUESTIONS.get((survey.pk, survey.revision))
    if cached is not None:
        return list(cached)
    # The revision comes in the same statement as the questions, so it is the one they are at
    # (a change committed since the survey row was read gives them a newer revision).
    rows = list(survey.questions.annotate(at_revision=F("survey__revision")).order_by("position", "pk"))
    questions = building.in_survey_order(rows)
    if rows:
        with _questions_lock:
            while len(_QUESTIONS) >= _QUESTIONS_KEPT:
                _QUESTIONS.pop(next(iter(_QUESTIONS)))
            _QUESTIONS[(survey.pk, rows[0].at_revision)] = tuple(questions)
    return questions


def pages_of(questions: list[Question]) -> list[list[Question]]:
    """All the survey's pages in order, whatever the answers."""
    numbers = building.page_numbers(questions)
    pages: list[list[Question]] = []
    for question in questions:
        if numbers[question.pk] > len(pages):
            pages.append([])
        pages[-1].append(question)
    return pages


def answers_of(response: SurveyResponse) -> dict[int, object]:
    """{question pk: value} of the response's saved answers."""
    return dict(_ANSWERS.rows(response.pk))


@dataclass
class Plan:
    """The pages this respondent sees, given their answers so far."""

    pages: list[list[Question]]  # only the questions shown, only pages with any
    answers: dict[int, object]

    @property
    def count(self) -> int:
        return len(self.pages)

    def page(self, number: int) -> list[Question]:
        return self.pages[number - 1]

    def shown(self) -> list[Question]:
        return [q for page in self.pages for q in page]

    def first_unanswered(self) -> int:
        """The page to go back to: the first with a question not yet answered, or the last."""
        for number, page in enumerate(self.pages, start=1):
            if any(q.pk not in self.answers for q in page):
                return number
        return max(self.count, 1)

    def missing_required(self) -> list[tuple[int, Question]]:
        return [
            (number, q)
            for number, page in enumerate(self.pages, start=1)
            for q in page
            if q.required and is_blank(self.answers.get(q.pk))
        ]


def plan(questions: list[Question], answers: dict[int, object]) -> Plan:
    shown = logic.shown_questions(questions, answers)
    pages = [[q for q in page if shown[q.pk]] for page in pages_of(questions)]
    return Plan(pages=[page for page in pages if page], answers=answers)


def is_blank(value) -> bool:
    return value in (None, "", [])


def merged(answers: dict[int, object], values: dict[int, object]) -> dict[int, object]:
    """The answers after saving `values` over them, as _save_answers stores them."""
    after = {pk: value for pk, value in answers.items() if pk not in values}
    after.update({pk: value for pk, value in values.items() if not is_blank(value)})
    return after


def _save_answers(response: SurveyResponse, questions: list[Question], values: dict[int, object]) -> None:
    """Upsert these questions' answers; a blank answer removes the row."""
    keep = {pk: value for pk, value in values.items() if not is_blank(value)}
    blank = [q.pk for q in questions if q.pk not in keep]
    if blank:
        Answer.objects.filter(response=response, question_id__in=blank).delete()
    existing = {a.question_id: a for a in Answer.objects.filter(response=response, question_id__in=list(keep))}
    changed = []
    for pk, value in keep.items():
        answer = existing.get(pk)
        if answer is None:
            Answer.objects.create(response=response, question_id=pk, value=value)
        elif answer.value != value:
            answer.value = value
            changed.append(answer)
    if changed:
        Answer.objects.bulk_update(changed, ["value"])


@transaction.atomic
def save_page(*, response: SurveyResponse, questions: list[Question], values: dict[int, object]) -> None:
    """Keep the answers to one page (or, for staff entry, the whole form).
    Refused once the response is submitted: its answers no longer change."""
    # of=("self",): the model's ordering joins the survey, and FOR UPDATE without it locked the
    # survey's row too, so every respondent queued on that one row, and the foreign-key checks
    # of other respondents' commits deadlocked with it (benchmarks/load_under_job.py).
    locked = (
        SurveyResponse.objects.select_for_update(of=("self",)).filter(pk=response.pk, state=State.IN_PROGRESS).first()
    )
    if locked is None:
        raise NotAvailable(USED, response.survey)
    _save_answers(locked, questions, values)


class Incomplete(Exception):
    """Required questions the respondent was shown are not answered: [(page, question)]."""

    def __init__(self, missing: list[tuple[int, Question]]):
        super().__init__(f"{len(missing)} required questions not answered")
        self.missing = missing


def submit(
    *,
    response: SurveyResponse,
    questions: list[Question] | None = None,
    enforce_required: bool = True,
    member=None,
) -> SurveyResponse:
    """Send the answers: exactly once per response and per invitation.

    Raises Incomplete if a required question shown is unanswered, NotAvailable
    if the survey has closed or the answers (or the invitation) were sent
    already, by this request or a concurrent one. Staff entering a paper form
    record what is on it, so `enforce_required=False` skips the required check.

    A response a member started inside the app is sent only by a signed-in
    `member` of the project who has not taken part yet (NotAvailable SIGN_IN or
    TOOK_PART); sending it records that they took part, in the same
    transaction, and clears the mark, so nothing links them to the answers.
    A member who is signed in while sending through an open or invitation link
    is recorded as having taken part as well."""
    questions = questions if questions is not None else questions_of(response.survey)
    with transaction.atomic():
        locked = SurveyResponse.objects.select_for_update(of=("self",)).filter(pk=response.pk).first()  # see save_page
        if locked is None or locked.state == State.SUBMITTED:
            raise NotAvailable(USED, response.survey)
        if locked.channel in (Channel.OPEN, Channel.INVITATION):
            reason = availability(response.survey)
            if reason:
                raise NotAvailable(reason, response.survey)
        answers = answers_of(locked)
        the_plan = plan(questions, answers)
        missing = the_plan.missing_required() if enforce_required else []
        if missing:
            raise Incomplete(missing)
        hidden = set(answers) - {q.pk for q in the_plan.shown()}
        if hidden:
            Answer.objects.filter(response=locked, question_id__in=hidden).delete()
        if locked.awaiting_member:
            _record_participation(member, response.survey)
        elif locked.channel in (Channel.OPEN, Channel.INVITATION) and member is not None:
            # A member signed in while answering through a link took part too (nothing more is kept).
            if is_member(member, response.survey):
                SurveyParticipation.objects.get_or_create(survey=response.survey, user=member)
        today = timezone.localdate()
        sent = SurveyResponse.objects.filter(pk=locked.pk, state=State.IN_PROGRESS).update(
            state=State.SUBMITTED, submitted_on=today, awaiting_member=False
        )
        if sent != 1:
            raise NotAvailable(USED, response.survey)
        if locked.invitation_id is not None:
            spent = Invitation.objects.filter(pk=locked.invitation_id, used_at__isnull=True).update(
                used_at=timezone.now()
            )
            if spent != 1:
                # The invitation was spent by another submission: raising undoes this one.
                raise NotAvailable(USED, response.survey)
        # The results are worked out again by one job, once this commits.
        survey_figures.request_refresh(survey=response.survey)
    response.state = State.SUBMITTED
    response.submitted_on = today
    response.awaiting_member = False
    return response


def _record_participation(member, survey: Survey) -> None:
    """Inside submit's transaction: that `member` took part (once), or NotAvailable."""
    if member is None or not is_member(member, survey):
        raise NotAvailable(SIGN_IN, survey)
    try:
        with transaction.atomic():
            SurveyParticipation.objects.create(survey=survey, user=member)
    except IntegrityError:
        # They sent answers already (another tab, another response): raising undoes this one.
        raise NotAvailable(TOOK_PART, survey) from None


def staff_enter(*, by, survey: Survey, channel: str, language: str, values: dict[int, object]) -> SurveyResponse:
    """A whole paper or phone response in one go: created, answered and submitted together."""
    questions = questions_of(survey)
    with transaction.atomic():
        response = staff_start(by=by, survey=survey, channel=channel, language=language)
        _save_answers(response, questions, values)
        return submit(response=response, questions=questions, enforce_required=False)
