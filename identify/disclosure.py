"""What every published table says about how its figures were worked out
(docs/adr/0008-published-figures-from-published-counts.md)."""

from __future__ import annotations

import dataclasses

from amhe import stats


def published_note(rule: stats.SuppressionRule | str) -> str | None:
    """One sentence for under a published table: figures worked out from the
    counts as shown. None for the unsuppressed (analyst's) view."""
    rule = stats.get_rule(rule)
    if rule.primary_max == 0 and not rule.round_to:
        return None
    if rule.round_to:
        return (
            "Percentages, rates, ratios and their confidence intervals are worked out from the rounded counts "
            "shown, not the exact ones, so they cannot be used to work out an exact or hidden number."
        )
    return (
        "Percentages, rates, ratios and their confidence intervals are worked out from the counts shown, "
        "and are hidden wherever they could be used to work out a hidden number."
    )


def with_note(chart, rule: stats.SuppressionRule | str):
    """The chart with the published-figures note under its table (unchanged for an unsuppressed view)."""
    note = published_note(rule)
    if chart is None or note is None or note in chart.footnotes:
        return chart
    return dataclasses.replace(chart, footnotes=(*chart.footnotes, note))
