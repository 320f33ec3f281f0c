"""Turn models into what templates show, so templates hold no logic."""

from dataclasses import dataclass

from amhe.core import approvals, cycle, progress
from amhe.core.models import Job, Project, SmartGoal, SubStepStatus

STATE_TAGS = {
    SubStepStatus.State.NOT_STARTED: "nhsuk-tag--grey",
    SubStepStatus.State.IN_PROGRESS: "nhsuk-tag--blue",
    SubStepStatus.State.DONE: "nhsuk-tag--green",
}

GOAL_TAGS = {
    SmartGoal.Status.DRAFT: "nhsuk-tag--grey",
    SmartGoal.Status.AGREED: "nhsuk-tag--blue",
    SmartGoal.Status.ACHIEVED: "nhsuk-tag--green",
    SmartGoal.Status.NOT_ACHIEVED: "nhsuk-tag--red",
    SmartGoal.Status.WITHDRAWN: "nhsuk-tag--white",
}

JOB_TAGS = {
    Job.State.QUEUED: "nhsuk-tag--grey",
    Job.State.RUNNING: "nhsuk-tag--blue",
    Job.State.SUCCEEDED: "nhsuk-tag--green",
    Job.State.FAILED: "nhsuk-tag--red",
}


@dataclass
class SubStepView:
    code: str
    title: str
    summary: str
    pages: str
    state: str
    state_label: str
    tag_class: str
    note: str
    can_edit: bool


@dataclass
class StepView:
    number: int
    slug: str
    title: str
    summary: str
    is_current: bool
    substeps: list[SubStepView]

    @property
    def done_count(self) -> int:
        return sum(1 for sub in self.substeps if sub.state == SubStepStatus.State.DONE)

    @property
    def heading_id(self) -> str:
        return f"step-{self.number}"


def cycle_view(project: Project, *, can_edit: bool) -> list[StepView]:
    """The four steps and their sub-steps with where the project stands on each."""
    statuses = {status.code: status for status in project.substep_statuses.all()}
    with_work = progress.substeps_with_work(project)
    labels = dict(SubStepStatus.State.choices)
    steps = []
    for step in cycle.STEPS:
        subs = []
        for sub in step.substeps:
            status = statuses.get(sub.code)
            state = status.state if status else SubStepStatus.State.NOT_STARTED
            if state == SubStepStatus.State.NOT_STARTED and sub.code in with_work:
                state = SubStepStatus.State.IN_PROGRESS  # work has started, whatever was (not) set
            subs.append(
                SubStepView(
                    code=sub.code,
                    title=sub.title,
                    summary=sub.summary,
                    pages=sub.page_reference,
                    state=state,
                    state_label=labels[state],
                    tag_class=STATE_TAGS[state],
                    note=status.note if status else "",
                    can_edit=can_edit,
                )
            )
        steps.append(
            StepView(
                number=step.number,
                slug=step.slug,
                title=step.title,
                summary=step.summary,
                is_current=project.current_step == step.number,
                substeps=subs,
            )
        )
    return steps


@dataclass
class GoalView:
    pk: int
    statement: str
    status_label: str
    tag_class: str
    measure: str
    baseline: str
    target: str
    owner: str
    missing: list[str]
    # Approval of a change to a goal agreed before (amhe.core.approvals): None if never asked.
    approval: object = None
    needs_approval: bool = False  # a draft agreed before, not waiting: to be submitted
    waiting: bool = False  # waiting for a governance lead's decision


def _number(value) -> str:
    if value is None:
        return "Not set"
    text = f"{value:,.4f}".rstrip("0").rstrip(".")
    return text


def goal_view(goal: SmartGoal, approval=None) -> GoalView:
    """`approval`: the goal's latest request for approval (amhe.core.approvals.latest)."""
    baseline = _number(goal.baseline_value)
    if goal.baseline_value is not None and goal.baseline_date:
        baseline += f" ({goal.baseline_date:%-d %B %Y})"
    target = _number(goal.target_value)
    if goal.target_value is not None and goal.target_date:
        target += f" by {goal.target_date:%-d %B %Y}"
    again = goal.status == SmartGoal.Status.DRAFT and goal.first_agreed_at is not None
    waiting = approval is not None and approval.state == approval.State.SUBMITTED
    return GoalView(
        pk=goal.pk,
        statement=goal.statement,
        status_label=goal.get_status_display(),
        tag_class=GOAL_TAGS[goal.status],
        measure=str(goal.measure) if goal.measure_id else (goal.measure_description or "Not set"),
        baseline=baseline,
        target=target,
        owner=goal.owner.full_name if goal.owner_id else "Not set",
        missing=list(goal.missing_smart_parts().values()),
        approval=approvals.status(approval) if approval or again else None,
        needs_approval=again and not waiting,
        waiting=waiting,
    )


def job_tag(job: Job) -> str:
    return JOB_TAGS[job.state]


def job_result_rows(job: Job) -> list[tuple[str, str]]:
    """A finished job's result as (label, value) rows: "database_round_trips" -> "Database round trips"."""
    return [(str(key).replace("_", " ").capitalize(), str(value)) for key, value in (job.result or {}).items()]


def page_links(page) -> list[dict]:
    """Numbered pagination (templates/_components/pagination.html): the first and
    last pages and those either side of this one, with gaps marked."""
    links, last = [], None
    for number in page.paginator.page_range:
        if number in (1, page.paginator.num_pages) or abs(number - page.number) <= 1:
            if last is not None and number - last > 1:
                links.append({"ellipsis": True})
            links.append({"number": number, "current": number == page.number})
            last = number
    return links


# --- The audit log ---------------------------------------------------------------------


def audit_account(event) -> str:
    """Who, as the audit log shows it: the account's name (or its number, for an
    account since removed), the API token's prefix, or "Nobody signed in"."""
    if event.user_id:
        name = event.user.full_name if event.user else ""
        who = name or f"Account {event.user_id}"
    else:
        who = ""
    if event.token_prefix:
        token = f"API token {event.token_prefix}…"
        return f"{who}, {token}" if who else token
    return who or "Nobody signed in"


def audit_rows(events) -> list[dict]:
    return [
        {
            "event": event,
            "who": audit_account(event),
            "what": " ".join(part for part in (event.object_kind, str(event.object_id or "")) if part),
        }
        for event in events
    ]
