"""The funnel plot's sentence and table (amhe.analysis.funnel_charts) say no more than
the numbers: the project's verdict against England at 95% with its interval, its place
on the funnel, and a count of the comparators by verdict."""

from amhe.analysis import funnel_charts
from amhe.analysis.funnel_charts import Figure


def _chart(polarity="higher", figures=None, **kwargs):
    figures = figures or [
        Figure("Leeds", 170, 380, own=True),
        Figure("Peer A", 450, 940),
        Figure("Peer B", 600, 1000),
    ]
    return funnel_charts.funnel_chart(
        "proportion", figures, target=0.505, polarity=polarity, title="Recovery", chart_id="t", **kwargs
    )


def test_sentence_gives_the_verdict_interval_and_comparators():
    result = _chart()
    assert result.sentences[0] == (
        "Leeds is worse than England at 95%: 44.7% (95% confidence interval 39.8% to 49.8%) against 50.5%."
    )
    assert result.sentences[1] == "On the funnel it is below the 95% limit."
    assert result.sentences[2] == "Of 2 comparators: 1 better and 1 similar compared with England at 95%."


def test_with_no_better_direction_it_says_higher_or_lower():
    result = _chart(polarity="neither", hidden=1)
    assert result.sentences[0].startswith("Leeds is lower than England at 95%")
    assert result.sentences[2] == "Of 2 comparators: 1 higher and 1 similar compared with England at 95%."
    assert result.sentences[3] == "1 figure is not shown: built from a count too small to show safely."


def test_table_puts_the_project_first_with_every_figure():
    table = _chart().chart.table
    assert [row[0] for row in table["rows"]] == ["Leeds (this project)", "Peer A", "Peer B"]
    assert table["rows"][0][1:4] == ["170", "380", "44.7%"]
    assert table["rows"][2][5:] == ["Above the 99.8% limit", "Better than"]


def test_rates_are_per_100000():
    result = funnel_charts.funnel_chart(
        "rate",
        [Figure("Leeds", 120, 50_000, own=True)],
        target=239.0 / 100_000,
        polarity="lower",
        title="Detentions",
        chart_id="r",
    )
    assert result.sentences[0].startswith("Leeds is similar to England at 95%: 240.0 (95% confidence interval")
    assert result.sentences[0].endswith("against 239.0.")
