"""Browser test: Identify charts draw with the vendored plotly.js under the
strict Content Security Policy, with no CSP violation, and the page passes axe.

The page is test-only (tests/browser/chart_urls.py): every chart builder in
identify/charts.py, through templates/_components/chart.html.
"""

import pytest

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.urls("tests.browser.chart_urls"),
]

CSP_WORDS = ("Content Security Policy", "Refused")


def _collect_console(page):
    messages = []
    page.on("console", lambda message: messages.append(f"{message.type}: {message.text}"))
    page.on("pageerror", lambda error: messages.append(f"pageerror: {error}"))
    return messages


def test_charts_draw_under_strict_csp(journey):
    from tests.browser.chart_urls import chart_list

    page = journey.page
    console = _collect_console(page)
    # Also record violations through the DOM event, whatever the console says.
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => "
        "(window.__cspViolations = window.__cspViolations || []).push(e.violatedDirective + ' ' + e.blockedURI));"
    )
    requests = []
    page.on("request", lambda request: requests.append(request.url))

    response = page.goto(journey.base_url + "/test-charts/")
    csp = response.headers.get("content-security-policy", "")
    assert "style-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp

    expected = chart_list()
    page.wait_for_function(
        "n => document.querySelectorAll('.amhe-chart--drawn').length === n", arg=len(expected), timeout=20_000
    )
    journey.check()

    for chart in expected:
        figure = page.locator(f"#{chart.id}")
        # The SVG is drawn, with the marks of the chart in it.
        assert figure.locator("[data-chart-plot] svg.main-svg").count() >= 1, chart.id
        assert figure.locator("[data-chart-plot] g.trace, [data-chart-plot] g.hm").count() >= 1, chart.id
        plot = figure.locator("[data-chart-plot]")
        assert plot.get_attribute("role") == "img"
        assert plot.get_attribute("aria-label") == chart.alt
        assert plot.bounding_box()["height"] > 100
        # The table is there, with a row for every group.
        table = figure.locator("table.nhsuk-table")
        assert table.locator("caption").inner_text() == chart.table["caption"]
        assert table.locator("tbody tr").count() == len(chart.table["rows"])
        assert figure.get_by_text(chart.summary).count() == 1

    # plotly.js's CSS came from the static file; nothing injected a <style>.
    assert page.locator("head style").count() == 0
    assert page.evaluate("getComputedStyle(document.querySelector('.main-svg')).position") == "absolute"
    # The modebar (which relies on injected styles) is off.
    assert page.locator(".modebar").count() == 0
    # Everything came from this server: no CDN.
    assert all(url.startswith(journey.base_url) for url in requests), requests
    assert any(url.endswith("/static/vendor/plotly/plotly-partial.min.js") for url in requests)

    # Suppressed groups show "*" and the footnote.
    rates = page.locator(f"#{expected[0].id}")
    assert rates.locator("td", has_text="*").count() >= 1
    assert rates.get_by_text("Suppressed: too few people to show safely").count() == 1

    # Hover tooltips work on every chart (for mouse users; keyboard users have the table),
    # and drawing them breaks no CSP rule either.
    for chart in expected:
        target = page.locator(f"#{chart.id} g.point path, #{chart.id} path.point").first
        if not target.count():
            target = page.locator(f"#{chart.id} .nsewdrag").first  # the heat map: a cell near the middle
        target.scroll_into_view_if_needed()
        box = target.bounding_box()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.wait_for_selector(f"#{chart.id} .hoverlayer .hovertext", timeout=5_000)

    page.wait_for_timeout(300)  # let any late violation report arrive
    blocked = [m for m in console if any(word in m for word in CSP_WORDS)]
    assert not blocked, blocked
    assert not page.evaluate("window.__cspViolations || []")
    errors = [m for m in console if m.startswith(("error", "pageerror"))]
    assert not errors, errors


def test_without_javascript_the_table_and_summary_show(browser, live_server):
    from tests.browser.chart_urls import chart_list

    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(live_server.url + "/test-charts/")
        for chart in chart_list():
            figure = page.locator(f"#{chart.id}")
            assert figure.get_by_text(chart.summary).is_visible()
            assert figure.locator("table.nhsuk-table").is_visible()
            assert not figure.locator("[data-chart-plot]").is_visible()
        assert page.locator("script[src*='plotly']").count() == 0
    finally:
        context.close()
