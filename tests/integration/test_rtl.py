"""Pages in Urdu read right to left, in Polish left to right, in the language asked for.

base.html sets <html lang dir> from the active language (LocaleMiddleware: the
django_language cookie, then Accept-Language). The app's chrome comes from the
gettext catalogues; frontend/amhe.scss mirrors NHS.UK frontend for dir="rtl"
and sets Urdu in Noto Nastaliq Urdu. tests/browser/test_rtl_pages.py runs axe
(WCAG 2.2 AA) on the Urdu pages in Chromium. See docs/adr/0006-translations.md.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.template.loader import render_to_string
from django.utils import translation

from amhe.core import views as core_views

LOGIN = "/accounts/login/"
CSS = Path(settings.BASE_DIR) / "static" / "css" / "amhe.min.css"

URDU = {
    "skip": "مرکزی مواد پر جائیں",
    "service": "ذہنی صحت میں برابری کا فروغ",
    "homepage": "NHS ذہنی صحت میں برابری کا فروغ – ہوم پیج",
    "accessibility": "رسائی کا بیان",
}
POLISH = {
    "skip": "Przejdź do głównej treści",
    "service": "Wspieranie równości w zdrowiu psychicznym",
    "homepage": "NHS Wspieranie równości w zdrowiu psychicznym – strona główna",
    "accessibility": "Deklaracja dostępności",
}
ENGLISH = {
    "skip": "Skip to main content",
    "service": "Advancing Mental Health Equality",
    "homepage": "NHS Advancing Mental Health Equality homepage",
    "accessibility": "Accessibility statement",
}


@pytest.fixture(autouse=True)
def english_afterwards():
    """LocaleMiddleware leaves the request's language active in this thread:
    later tests that render without a request would come out in Urdu."""
    yield
    translation.deactivate()


def html_tag(content: str) -> str:
    return re.search(r"<html[^>]*>", content).group(0)


def assert_chrome(content: str, words: dict) -> None:
    assert f">{words['skip']}</a>" in content
    assert f'<span class="nhsuk-header__service-name">{words["service"]}</span>' in content
    assert f'aria-label="{words["homepage"]}"' in content
    assert f">{words['accessibility']}</a>" in content


# --------------------------------------------------------------------------- lang and dir


@pytest.mark.django_db
@pytest.mark.parametrize(
    "header, lang, direction, words",
    [
        ("ur", "ur", "rtl", URDU),
        ("ur-PK,ur;q=0.9,en;q=0.5", "ur", "rtl", URDU),
        ("pl-PL,pl;q=0.9", "pl", "ltr", POLISH),
        ("en-GB,en;q=0.9", "en-gb", "ltr", ENGLISH),
        ("fr-FR", "en-gb", "ltr", ENGLISH),  # not offered: English
    ],
)
def test_accept_language_sets_lang_dir_and_chrome(client, header, lang, direction, words):
    response = client.get(LOGIN, HTTP_ACCEPT_LANGUAGE=header)
    assert response.status_code == 200
    content = response.content.decode()
    assert html_tag(content) == f'<html lang="{lang}" dir="{direction}">'
    assert_chrome(content, words)
    assert response.headers["Content-Language"] == lang


@pytest.mark.django_db
def test_the_language_cookie_wins_over_the_browser(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ur"
    content = client.get(LOGIN, HTTP_ACCEPT_LANGUAGE="pl").content.decode()
    assert html_tag(content) == '<html lang="ur" dir="rtl">'
    assert_chrome(content, URDU)


@pytest.mark.django_db
def test_english_by_default(client):
    content = client.get(LOGIN).content.decode()
    assert html_tag(content) == '<html lang="en-gb" dir="ltr">'
    assert_chrome(content, ENGLISH)


@pytest.mark.django_db
def test_not_found_page_in_urdu(client):
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="ur")
    assert response.status_code == 404
    content = response.content.decode()
    assert html_tag(content) == '<html lang="ur" dir="rtl">'
    assert "<h1>صفحہ نہیں ملا</h1>" in content
    assert "اپنے پروجیکٹس پر جائیں" in content


def test_server_error_page_in_urdu_and_polish(rf):
    with translation.override("ur"):
        content = core_views.server_error(rf.get("/")).content.decode()
    assert html_tag(content) == '<html lang="ur" dir="rtl">'
    assert "<h1>معذرت، سروس میں ایک مسئلہ ہے</h1>" in content
    with translation.override("pl"):
        content = core_views.server_error(rf.get("/")).content.decode()
    assert html_tag(content) == '<html lang="pl" dir="ltr">'
    assert "<h1>Przepraszamy, wystąpił problem z usługą</h1>" in content


# --------------------------------------------------------------------------- chrome components


def test_back_link_names_the_page_in_the_translators_word_order():
    crumbs = [("Home", "/"), ("Survey", "/survey/")]
    with translation.override("ur"):
        html = render_to_string("_components/breadcrumbs.html", {"crumbs": crumbs})
    assert 'aria-label="صفحات کا راستہ"' in html
    assert 'href="/survey/">Survey<span class="nhsuk-u-visually-hidden"> پر واپس جائیں</span></a>' in html
    with translation.override("pl"):
        html = render_to_string("_components/breadcrumbs.html", {"crumbs": crumbs})
    assert 'href="/survey/"><span class="nhsuk-u-visually-hidden">Wróć do: </span>Survey</a>' in html


def test_page_names_are_escaped_in_the_back_link():
    with translation.override("ur"):
        html = render_to_string("_components/breadcrumbs.html", {"crumbs": [("<b>Q&A</b>", "/q/")]})
    assert "&lt;b&gt;Q&amp;A&lt;/b&gt;" in html
    assert "<b>" not in html


def test_messages_banner_titles_are_translated():
    class Message:
        level_tag = "success"

        def __str__(self):
            return "Saved"

    with translation.override("ur"):
        html = render_to_string("_components/messages.html", {"messages": [Message()]})
    assert ">کامیابی</h2>" in html


def component_attributes(html: str, module: str) -> dict:
    """The data-i18n.* attributes of the element with data-module=`module`."""
    found = {}

    class Parser(HTMLParser):
        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if attrs.get("data-module") == module:
                found.update({k: v for k, v in attrs.items() if k.startswith("data-i18n.")})

    Parser().feed(html)
    return found


def render_form(language: str, form) -> str:
    with translation.override(language):
        return Template("{% load crispy_forms_tags %}{{ form|crispy }}").render(Context({"form": form}))


def test_form_chrome_in_urdu():
    from django import forms

    from amhe.core.nhsuk_forms import CharacterCountTextarea

    class StoryForm(forms.Form):
        story = forms.CharField(label="Story", widget=CharacterCountTextarea(maxlength=300))
        note = forms.CharField(label="Note", required=False)

    html = render_form("ur", StoryForm(data={"story": ""}))
    assert "ایک مسئلہ ہے" in html  # There is a problem
    assert '<span class="nhsuk-u-visually-hidden">خرابی: </span>' in html  # Error:
    assert "Note (اختیاری)" in html  # (optional)
    assert "آپ زیادہ سے زیادہ 300 حروف لکھ سکتے ہیں" in html  # You can enter up to 300 characters
    # The attributes parse: the component gets every message.
    i18n = component_attributes(html, "nhsuk-character-count")
    assert sorted(i18n) == sorted(
        f"data-i18n.characters-{key}"
        for key in (
            *(f"under-limit.{c}" for c in ("one", "few", "many", "other")),
            "at-limit",
            *(f"over-limit.{c}" for c in ("one", "few", "many", "other")),
        )
    )
    # NHS.UK frontend's live count messages, one per plural category, %{count} kept.
    assert 'data-i18n.characters-under-limit.one="آپ مزید %{count} حرف لکھ سکتے ہیں"' in html
    assert 'data-i18n.characters-under-limit.other="آپ مزید %{count} حروف لکھ سکتے ہیں"' in html
    assert 'data-i18n.characters-at-limit="آپ مزید کوئی حرف نہیں لکھ سکتے"' in html


def test_character_count_plurals_in_polish():
    from django import forms

    from amhe.core.nhsuk_forms import CharacterCountTextarea

    class StoryForm(forms.Form):
        story = forms.CharField(label="Story", widget=CharacterCountTextarea(maxwords=100))

    html = render_form("pl", StoryForm())
    # Intl.PluralRules("pl"): 1 one, 2-4 few, 5-21 many.
    assert 'data-i18n.words-under-limit.one="Możesz wpisać jeszcze %{count} słowo"' in html
    assert 'data-i18n.words-under-limit.few="Możesz wpisać jeszcze %{count} słowa"' in html
    assert 'data-i18n.words-under-limit.many="Możesz wpisać jeszcze %{count} słów"' in html
    assert 'data-i18n.words-over-limit.few="Masz o %{count} słowa za dużo"' in html
    assert "data-i18n.characters-" not in html


def test_password_toggle_speaks_polish():
    from django import forms

    class LoginForm(forms.Form):
        password = forms.CharField(label="Hasło", widget=forms.PasswordInput)

    html = render_form("pl", LoginForm())
    assert 'data-i18n.show-password="Pokaż"' in html
    assert 'data-i18n.hide-password-aria-label="Ukryj hasło"' in html
    assert 'aria-label="Pokaż hasło"' in html


# --------------------------------------------------------------------------- the stylesheet


def test_stylesheet_mirrors_nhsuk_frontend_for_rtl():
    css = CSS.read_text()
    for rule in (
        ":where([dir=rtl]) .nhsuk-radios__label::before",
        ":where([dir=rtl]) .nhsuk-checkboxes__label::before",
        ":where([dir=rtl]) .nhsuk-radios__hint",
        ":where([dir=rtl]) .nhsuk-back-link::before",
        ":where([dir=rtl]) .nhsuk-breadcrumb__list-item::before",
        ":where([dir=rtl]) .nhsuk-form-group--error",
        ":where([dir=rtl]) .nhsuk-inset-text",
        ":where([dir=rtl]) .nhsuk-summary-list__actions",
        ":where([dir=rtl]) .nhsuk-date-input__item",
        ":where([dir=rtl]) .nhsuk-button-group",
        ":where([dir=rtl]) .nhsuk-pagination",
        ":where([dir=rtl]) .nhsuk-header__service",
        ":where([dir=rtl]) .nhsuk-details__summary::before",
        ":where([dir=rtl]) th",
        ":where([dir=rtl]) .nhsuk-skip-link",
    ):
        assert rule in css, rule
    # The radio's circle moves to the right edge.
    radio = re.search(r"[^{}]*:where\(\[dir=rtl\]\) \.nhsuk-radios__label::before[^{]*\{([^}]*)\}", css)
    assert radio.group(1) == "right:.125rem;left:auto"


def test_stylesheet_sets_urdu_in_nastaliq_from_this_origin():
    css = CSS.read_text()
    faces = re.findall(r"@font-face\{[^}]*\}", css)
    urdu = [face for face in faces if "Noto Nastaliq Urdu" in face]
    assert len(urdu) == 4  # Arabic and Latin subsets, weights 400 and 600
    for face in urdu:
        assert "font-display:swap" in face
        assert "unicode-range:" in face
        (url,) = re.findall(r'url\("?([^")]+)"?\)', face)
        assert url.startswith("../vendor/fonts/") and url.endswith(".woff2")
        assert (CSS.parent / url).resolve().is_file(), url
    # Only Urdu pages use (and so download) the font.
    assert re.search(r'html:lang\(ur\),html:lang\(ur\) \[lang\]:lang\(ur\)\{font-family:"Noto Nastaliq Urdu"', css)
    assert len(re.findall(r'font-family:"Noto Nastaliq Urdu",', css)) == 1
    assert "html:lang(ur) body" in css and "line-height:2" in css
    # Nothing from another origin (the CSP allows font-src 'self').
    assert not re.search(r"url\(\s*[\"']?(https?:)?//", css)
    assert not re.search(r"@import", css)


def test_font_licence_travels_with_the_fonts():
    fonts = CSS.parent.parent / "vendor" / "fonts"
    assert "SIL OPEN FONT LICENSE" in (fonts / "LICENSE").read_text()
    assert "Noto Project Authors" in (fonts / "README").read_text()
    assert sorted(p.name for p in fonts.glob("*.woff2")) == [
        "noto-nastaliq-urdu-arabic-400-normal.woff2",
        "noto-nastaliq-urdu-arabic-600-normal.woff2",
        "noto-nastaliq-urdu-latin-400-normal.woff2",
        "noto-nastaliq-urdu-latin-600-normal.woff2",
    ]
