"""Deliver 3B: actions and milestones -> what the pages show. Every state is said
in words (status, "Red: off track", "Overdue by 12 days"), never by colour alone.
Roll-ups count actions, not people, so they need no small-number suppression."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.formats import date_format

from amhe.analysis.charts import (
    NHS_BLUE,
    NHS_DARK_GREY,
    NHS_DARK_PINK,
    NHS_PURPLE,
    NHS_RED,
    NHS_TEXT,
    Chart,
    _axis,
    _figure,
    _layout,
    _table,
    _text,
    _trace,
    _wrap,
)
from deliver.models.tracking import Rag, Status

RAG_TAGS = {Rag.RED: "nhsuk-tag--red", Rag.AMBER: "nhsuk-tag--orange", Rag.GREEN: "nhsuk-tag--green"}
STATUS_TAGS = {
    Status.NOT_STARTED: "nhsuk-tag--grey",
    Status.IN_PROGRESS: "nhsuk-tag--blue",
    Status.DONE: "nhsuk-tag--green",
    Status.BLOCKED: "nhsuk-tag--red",
}


def day(value: datetime.date) -> str:
    return date_format(value, "j F Y")


def overdue_days(item, today: datetime.date | None = None) -> int:
    """Days past the due date of an action that is not done (0 if it is not overdue)."""
    today = today or timezone.localdate()
    if item.status == Status.DONE or item.due_date >= today:
        return 0
    return (today - item.due_date).days


def overdue_text(days: int) -> str:
    return f"Overdue by {days} day{'s' if days != 1 else ''}" if days else ""


@dataclass
class ActionRow:
    action: object
    title: str
    intervention: str
    milestone: str
    owner: str
    due_date: str
    status: str
    status_tag: str
    rag: str
    rag_tag: str
    overdue: str  # "Overdue by 12 days", or ""
    overdue_days: int


def action_row(item, today=None) -> ActionRow:
    days = overdue_days(item, today)
    return ActionRow(
        action=item,
        title=item.title,
        intervention=item.intervention.title,
        milestone=item.milestone.title if item.milestone_id else "None",
        owner=str(item.owner) if item.owner_id else "No owner",
        due_date=day(item.due_date),
        status=item.get_status_display(),
        status_tag=STATUS_TAGS.get(item.status, ""),
        rag=item.get_rag_display(),
        rag_tag=RAG_TAGS.get(item.rag, ""),
        overdue=overdue_text(days),
        overdue_days=days,
    )


@dataclass
class UpdateRow:
    date: str
    by: str
    status: str
    rag: str
    note: str


def update_row(update) -> UpdateRow:
    return UpdateRow(
        date=day(update.date),
        by=str(update.by) if update.by_id else "Someone no longer on the app",
        status=update.get_status_display(),
        rag=update.get_rag_display(),
        note=update.note,
    )


# --- Roll-up --------------------------------------------------------------------


@dataclass
class RollUp:
    name: str
    total: int
    done: int
    overdue: int
    by_status: list[tuple[str, int]] = field(default_factory=list)  # every status, in order, with its count
    by_rag: list[tuple[str, int]] = field(default_factory=list)

    @property
    def share_done(self) -> str:
        """'3 of 8 actions done (38%)', or 'No actions yet'."""
        if not self.total:
            return "No actions yet"
        percent = round(100 * self.done / self.total)
        return f"{self.done} of {self.total} action{'s' if self.total != 1 else ''} done ({percent}%)"

    @property
    def overdue_text(self) -> str:
        return f"{self.overdue} overdue" if self.overdue else "None overdue"


def roll_up(name: str, items, today=None) -> RollUp:
    items = list(items)
    statuses = Counter(item.status for item in items)
    rags = Counter(item.rag for item in items)
    return RollUp(
        name=name,
        total=len(items),
        done=statuses[Status.DONE],
        overdue=sum(1 for item in items if overdue_days(item, today)),
        by_status=[(label, statuses[value]) for value, label in Status.choices],
        by_rag=[(label, rags[value]) for value, label in Rag.choices],
    )


# --- Timeline -------------------------------------------------------------------

# One marker shape per status, so the chart never rests on colour alone; the legend names them.
STATUS_MARKERS = {
    Status.NOT_STARTED: ("circle-open", NHS_DARK_GREY),
    Status.IN_PROGRESS: ("circle", NHS_BLUE),
    Status.DONE: ("square", NHS_PURPLE),
    Status.BLOCKED: ("x", NHS_RED),
}


def _label(text: str, width: int = 28) -> str:
    return _wrap(text if len(text) <= 60 else text[:57] + "...", width)


def timeline_chart(milestones, items, today=None, chart_id: str = "timeline") -> Chart | None:
    """Milestones and actions on a dated timeline (a Gantt-like scatter: one row each, a line from
    when the action was added to its due date, a marker at the due date, a dashed line on to today
    for an overdue one), with the same dates as a table and a sentence. None when there is nothing to show."""
    today = today or timezone.localdate()
    milestones, items = list(milestones), list(items)
    if not milestones and not items:
        return None
    entries = sorted(
        [("milestone", m.due_date, m) for m in milestones] + [("action", a.due_date, a) for a in items],
        key=lambda entry: (entry[1], entry[0] != "milestone", entry[2].pk),
    )
    labels = {}
    for kind, _, record in entries:
        prefix = "Milestone: " if kind == "milestone" else ""
        text = _label(prefix + record.title)
        while text in labels.values():  # two records with the same title each keep their row
            text += " "
        labels[(kind, record.pk)] = text
    order = [labels[(kind, record.pk)] for kind, _, record in entries]

    traces = []
    line_x, line_y = [], []
    for item in items:
        start = min(timezone.localtime(item.created_at).date(), item.due_date)
        line_x += [start.isoformat(), item.due_date.isoformat(), None]
        line_y += [labels[("action", item.pk)]] * 2 + [None]
    if items:
        traces.append(
            _trace(
                "scatter",
                x=line_x,
                y=line_y,
                mode="lines",
                name="From added to due",
                line={"color": NHS_DARK_GREY, "width": 2},
                hoverinfo="skip",
                showlegend=False,
            )
        )
    for status, label in Status.choices:
        group = [item for item in items if item.status == status]
        if not group:
            continue
        symbol, colour = STATUS_MARKERS[status]
        traces.append(
            _trace(
                "scatter",
                x=[item.due_date.isoformat() for item in group],
                y=[labels[("action", item.pk)] for item in group],
                mode="markers",
                name=_text(label),
                marker={"symbol": symbol, "size": 12, "color": colour, "line": {"color": colour, "width": 2}},
                text=[
                    _text(
                        f"{item.title}: due {day(item.due_date)}, {label.lower()}"
                        + (f", {overdue_text(overdue_days(item, today)).lower()}" if overdue_days(item, today) else "")
                    )
                    for item in group
                ],
                hoverinfo="text",
            )
        )
    late = [item for item in items if overdue_days(item, today)]
    if late:
        late_x, late_y = [], []
        for item in late:
            late_x += [item.due_date.isoformat(), today.isoformat(), None]
            late_y += [labels[("action", item.pk)]] * 2 + [None]
        traces.append(
            _trace(
                "scatter",
                x=late_x,
                y=late_y,
                mode="lines",
                name="Overdue: due date to today",
                line={"color": NHS_RED, "width": 4, "dash": "dash"},
                hoverinfo="skip",
            )
        )
    if milestones:
        traces.append(
            _trace(
                "scatter",
                x=[m.due_date.isoformat() for m in milestones],
                y=[labels[("milestone", m.pk)] for m in milestones],
                mode="markers",
                name="Milestone",
                marker={"symbol": "diamond", "size": 14, "color": NHS_DARK_PINK},
                text=[_text(f"Milestone: {m.title}, {day(m.due_date)}") for m in milestones],
                hoverinfo="text",
            )
        )
    traces.append(
        _trace(
            "scatter",
            x=[today.isoformat(), today.isoformat()],
            y=[order[0], order[-1]],
            mode="lines",
            name="Today",
            line={"color": NHS_TEXT, "width": 2, "dash": "dot"},
            hoverinfo="skip",
        )
    )
    layout = _layout(
        max(260, 120 + 48 * len(order)),
        showlegend=True,
        xaxis=_axis("Date", type="date"),
        yaxis=_axis("", type="category", categoryorder="array", categoryarray=order, autorange="reversed"),
    )
    figure = _figure(traces, layout)

    rows = []
    for kind, when, record in entries:
        if kind == "milestone":
            rows.append([record.title, "Milestone", day(when), "", "", ""])
        else:
            days = overdue_days(record, today)
            rows.append(
                [
                    record.title,
                    "Action",
                    day(when),
                    record.get_status_display(),
                    record.get_rag_display(),
                    overdue_text(days) or "No",
                ]
            )
    table = _table(
        "Milestones and actions in date order",
        ["Milestone or action", "Kind", "Due", "Status", "RAG rating", "Overdue"],
        rows,
        [False] * 6,
    )
    return Chart(
        id=chart_id,
        title="Timeline of milestones and actions",
        figure=figure,
        table=table,
        summary=timeline_summary(milestones, items, today),
        kind="Timeline chart",
    )


def timeline_summary(milestones, items, today=None) -> str:
    today = today or timezone.localdate()
    dates = [m.due_date for m in milestones] + [a.due_date for a in items]
    parts = []
    if items:
        parts.append(f"{len(items)} action{'s' if len(items) != 1 else ''}")
    if milestones:
        parts.append(f"{len(milestones)} milestone{'s' if len(milestones) != 1 else ''}")
    sentence = f"{' and '.join(parts).capitalize()} due from {day(min(dates))} to {day(max(dates))}"
    if items:
        done = sum(1 for item in items if item.status == Status.DONE)
        overdue = sum(1 for item in items if overdue_days(item, today))
        sentence += f"; {done} of {len(items)} action{'s' if len(items) != 1 else ''} done"
        sentence += f" and {overdue} overdue" if overdue else " and none overdue"
    return sentence + "."
