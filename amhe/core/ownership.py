"""Whose a record is: the foreign keys from a model to its project or organisation.

One walk serves the audit log (the project a deleted record belonged to) and the
retention purge (the organisation a history row belongs to: a history row has its
model's fields). A record belongs to the project or organisation at the end of its
most direct path of foreign keys: through the fewest optional keys, then the fewest
keys. Never through a person (who made or changed a record is not who owns it, so
a record belongs to its project's organisation, not to its author's) and never on
through an organisation.
"""

from __future__ import annotations

import functools

from django.contrib.auth import get_user_model
from django.db import models

from amhe.core.models import Organisation, Project

MAX_KEYS = 7  # the longest path followed (an action update's is six keys)


@functools.cache
def paths(model, target) -> tuple[tuple[models.ForeignKey, ...], ...]:
    """The paths of forward foreign keys from `model` to `target`, most direct first
    (fewest optional keys, then fewest keys; among equals, in field order), each
    through models not yet on it, at most MAX_KEYS keys."""
    user_model = get_user_model()
    found = []

    def walk(current, path, seen):
        for field in current._meta.fields:
            if not isinstance(field, models.ForeignKey) or field.related_model is user_model:
                continue
            if field.related_model is target:
                found.append((*path, field))
            elif (
                field.related_model is not Organisation and field.related_model not in seen and len(path) + 1 < MAX_KEYS
            ):
                walk(field.related_model, (*path, field), seen | {field.related_model})

    walk(model, (), {model})
    return tuple(sorted(found, key=lambda path: (sum(field.null for field in path), len(path))))


def organisation_lookup(model) -> str | None:
    """The lookup from `model` to its organisation's id ("organisation_id",
    "project__organisation_id", "survey__project__organisation_id"), or None."""
    found = paths(model, Organisation)
    if not found:
        return None
    return "__".join(field.name for field in found[0]) + "_id"


def project_of(instance) -> Project | None:
    """The project `instance` belongs to (a project is its own): the end of its most
    direct path whose keys are all set, or None."""
    if isinstance(instance, Project):
        return instance
    for path in paths(type(instance), Project):
        current = instance
        for field in path:
            if getattr(current, field.attname) is None:
                break
            current = getattr(current, field.name)
        else:
            return current
    return None
