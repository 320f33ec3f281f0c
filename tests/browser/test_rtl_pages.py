"""Urdu pages in Chromium: right to left, set in Noto Nastaliq Urdu (served from
this origin, fetched only for Urdu pages), with no axe
violations at desktop and phone widths. The server-side rendering of lang,
dir and the translated chrome is tested in tests/integration/test_rtl.py."""

import pytest

from tests.browser.conftest import AxeChecked

LOGIN = "/accounts/login/"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [1280, 375])
def test_urdu_pages_pass_axe_and_read_right_to_left(browser, live_server, width):
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": width, "height": 900},
        extra_http_headers={"Accept-Language": "ur"},
    )
    page = context.new_page()
    checker = AxeChecked(page, live_server.url)
    try:
        checker.goto(LOGIN)
        assert page.evaluate("[document.documentElement.lang, document.dir]") == ["ur", "rtl"]
        # The skip link starts at the right edge; Urdu text is set in Nastaliq.
        page.keyboard.press("Tab")
        box = page.locator(".nhsuk-skip-link").bounding_box()
        assert box["x"] + box["width"] > width - 40
        assert "Noto Nastaliq Urdu" in page.evaluate("getComputedStyle(document.body).fontFamily")
        page.evaluate("document.fonts.ready")
        assert page.evaluate("document.fonts.check('16px \"Noto Nastaliq Urdu\"', 'اردو')")
        # The form with errors: the error summary and the red bar on the right.
        page.locator("form[action] button[type=submit]").click()
        page.wait_for_load_state("load")
        checker.check()
        assert page.locator(".nhsuk-error-summary").is_visible()
        group = page.locator(".nhsuk-form-group--error").first
        assert group.evaluate("e => getComputedStyle(e).borderRightWidth") == "4px"
        assert group.evaluate("e => getComputedStyle(e).borderLeftWidth") == "0px"
        checker.goto("/no-such-page/")
        assert page.locator("h1").inner_text() == "صفحہ نہیں ملا"
    finally:
        context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_only_urdu_pages_download_the_urdu_font(browser, live_server):
    fetched = {}
    for language in ("pl", "en-GB", "ur"):
        context = browser.new_context(base_url=live_server.url, extra_http_headers={"Accept-Language": language})
        page = context.new_page()
        fonts = []
        page.on(
            "requestfinished",
            lambda request, fonts=fonts: request.resource_type == "font" and fonts.append(request.url),
        )
        page.goto(LOGIN)
        page.wait_for_load_state("networkidle")
        fetched[language] = fonts
        context.close()
    assert fetched["pl"] == [] and fetched["en-GB"] == []
    assert fetched["ur"], "the Urdu page should fetch Noto Nastaliq Urdu"
    assert all(url.startswith(live_server.url + "/static/vendor/fonts/noto-nastaliq-urdu-") for url in fetched["ur"])
