"""Evaluate 4A benchmarking: stored rows -> the funnel plot, table and sentence.

Disclosure control (ADR 0004, 0008): every count goes through the organisation's
suppression rule. A figure whose count or denominator would be suppressed is not
shown at all, and a figure that is shown is worked out from the counts as shown
(rounded, under the NHS rule), never from the counts as stored."""

from __future__ import annotations

from dataclasses import dataclass

from amhe.analysis import funnel_charts
from amhe.stats import funnel
from amhe.stats import suppression as sdc
from evaluate.models import Benchmark

POLARITY = {
    Benchmark.Polarity.HIGHER: funnel.Polarity.HIGHER,
    Benchmark.Polarity.LOWER: funnel.Polarity.LOWER,
    Benchmark.Polarity.NEITHER: funnel.Polarity.NEITHER,
}


@dataclass(frozen=True)
class BenchmarkView:
    result: funnel_charts.FunnelResult | None
    empty: str  # why there is no chart
    own_note: str  # about the project's own figure, when it is not shown
    hidden: int
    england_text: str

    @property
    def chart(self):
        return self.result.chart if self.result else None


def england_text(benchmark: Benchmark) -> str:
    """England's figure in words, with its published counts where there are both."""
    value = float(benchmark.england_value)
    text = f"{value:,.1f}%" if benchmark.kind == Benchmark.Kind.PROPORTION else f"{value:,.1f} per 100,000"
    if benchmark.england_numerator is not None and benchmark.england_denominator:
        text += f" ({benchmark.england_numerator:,} of {benchmark.england_denominator:,})"
    elif benchmark.england_numerator is not None:
        text += f" ({benchmark.england_numerator:,} in all)"
    return text


def _shown(numerator, denominator, rule) -> tuple[int, int] | None:
    """The counts as they may be shown, or None when either would be suppressed."""
    if numerator is None or denominator is None:
        return None
    shown_n, shown_d = sdc.display_count(numerator, rule), sdc.display_count(denominator, rule)
    if shown_n is None or shown_d is None or shown_d == 0:
        return None
    return shown_n, shown_d


def own_counts(benchmark: Benchmark, latest) -> tuple[tuple[int, int] | None, str]:
    """The project's own counts (as stored) and, when there are none, why."""
    if benchmark.measure_id:
        if latest is None:
            return None, f"The measure {benchmark.measure.name} has no values yet."
        if latest.suppressed or latest.numerator is None or latest.denominator is None:
            return None, (
                f"The latest value of {benchmark.measure.name} has no count and denominator to compare, "
                "or is suppressed."
            )
        return (latest.numerator, latest.denominator), ""
    if benchmark.own_numerator is None or benchmark.own_denominator is None:
        return None, f"No figure for {benchmark.own_name} yet."
    return (benchmark.own_numerator, benchmark.own_denominator), ""


def benchmark_view(benchmark: Benchmark, comparators, latest, rule) -> BenchmarkView:
    kind = funnel.Kind(benchmark.kind)
    target = float(benchmark.england_value) / funnel_charts.SCALE[kind]
    figures: list[funnel_charts.Figure] = []
    hidden = 0
    own, own_note = own_counts(benchmark, latest)
    if own is not None:
        shown = _shown(*own, rule)
        if shown is None:
            hidden += 1
            own_note = f"{benchmark.own_name}'s figure is not shown: built from a count too small to show safely."
        elif kind is funnel.Kind.PROPORTION and shown[0] > shown[1]:
            own_note = f"{benchmark.own_name}'s count is larger than its denominator, so it cannot be shown."
        else:
            figures.append(funnel_charts.Figure(benchmark.own_name, *shown, own=True))
    for comparator in comparators:
        shown = _shown(comparator.numerator, comparator.denominator, rule)
        if shown is None:
            hidden += 1
            continue
        name = comparator.name + (f" ({comparator.period})" if comparator.period else "")
        figures.append(funnel_charts.Figure(name, *shown))
    if not figures:
        return BenchmarkView(
            None,
            "There is nothing to plot yet: add the project's figure or comparators.",
            own_note,
            hidden,
            england_text(benchmark),
        )
    result = funnel_charts.funnel_chart(
        kind,
        figures,
        target=target,
        polarity=POLARITY[benchmark.polarity],
        title=benchmark.title,
        chart_id=f"benchmark-{benchmark.pk}",
        hidden=hidden,
    )
    return BenchmarkView(result, "", own_note, hidden, england_text(benchmark))


def own_verdict(benchmark: Benchmark, latest, rule) -> str:
    """The list page's short answer: "Similar to England at 95%", or why there is none."""
    own, _ = own_counts(benchmark, latest)
    shown = _shown(*own, rule) if own else None
    if shown is None or (benchmark.kind == Benchmark.Kind.PROPORTION and shown[0] > shown[1]):
        return "No figure to compare"
    kind = funnel.Kind(benchmark.kind)
    target = float(benchmark.england_value) / funnel_charts.SCALE[kind]
    result = funnel.compare(kind, *shown, target, POLARITY[benchmark.polarity])
    return f"{funnel_charts.VERDICT_WORDS[result.verdict].capitalize()} England at 95%"
