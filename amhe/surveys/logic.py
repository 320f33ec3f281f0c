"""Show-if logic, shared by the respondent's pages, staff entry and the results.

A question with a show-if rule is shown only when the answer to its trigger
question (an earlier one, on an earlier page: the builder will not publish
anything else) is one of the rule's values, and the trigger was itself shown.
Pure Python over question rows and an answers mapping {question pk: value}.
"""

from __future__ import annotations

from collections.abc import Mapping

from amhe.surveys.models import Question


def matches(value, wanted: set[str]) -> bool:
    if value is None:
        return False
    if isinstance(value, list):
        return bool(wanted & {str(v) for v in value})
    if isinstance(value, float) and value.is_integer():
        return str(int(value)) in wanted or str(value) in wanted
    return str(value) in wanted


def shown_questions(questions: list[Question], answers: Mapping[int, object]) -> dict[int, bool]:
    """Which questions this respondent was shown, following show-if rules (and
    chains of them: a question whose trigger was not shown is not shown)."""
    by_pk = {q.pk: q for q in questions}
    shown: dict[int, bool] = {}

    def visit(q: Question, seen: frozenset) -> bool:
        if q.pk in shown:
            return shown[q.pk]
        parent_id = q.show_if_question_id
        if not parent_id or parent_id not in by_pk or parent_id in seen:
            result = True
        else:
            parent = by_pk[parent_id]
            wanted = {str(v) for v in (q.show_if_values or [])}
            result = visit(parent, seen | {q.pk}) and matches(answers.get(parent_id), wanted)
        shown[q.pk] = result
        return result

    for q in questions:
        visit(q, frozenset())
    return shown
