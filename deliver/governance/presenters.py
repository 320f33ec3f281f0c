"""Deliver 3C: the governance structure as the pages show it. The groups as a
tree (who reports to whom), each with the groups reporting to it; people by
name; meetings said in words ("Tuesday 12 January 2027")."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.formats import date_format


@dataclass
class Node:
    group: object
    children: list[Node] = field(default_factory=list)


def person(user) -> str:
    if user is None:
        return "Not chosen"
    return user.full_name or user.email


def tree(groups) -> list[Node]:
    """Top-level groups (reporting to no group of the project) with their reporting groups under
    them, by name. A group in a circle (only possible in data written around the services) is
    shown at the top level, so nothing is hidden."""
    groups = list(groups)
    nodes = {group.pk: Node(group) for group in groups}
    roots, placed = [], set()

    def attach(node, ancestors):
        placed.add(node.group.pk)
        for child in groups:
            if child.reports_to_id == node.group.pk and child.pk not in ancestors and child.pk not in placed:
                node.children.append(nodes[child.pk])
                attach(nodes[child.pk], ancestors | {child.pk})

    for group in groups:
        if group.reports_to_id is None or group.reports_to_id not in nodes:
            roots.append(nodes[group.pk])
            attach(nodes[group.pk], {group.pk})
    for group in groups:
        if group.pk not in placed:
            roots.append(nodes[group.pk])
            attach(nodes[group.pk], {group.pk})
    return roots


def day(value) -> str:
    return date_format(value, "l j F Y")


@dataclass(frozen=True)
class MeetingRow:
    meeting: object
    day: str


def meeting_rows(meetings) -> list[MeetingRow]:
    return [MeetingRow(meeting=meeting, day=day(meeting.date)) for meeting in meetings]
