"""Journeys for Identify 1B surveys, in a real browser, every page checked with axe:

1. the demo commissioner builds a survey through the builder's forms (a choice
   question, a show-if follow-up, an agreement scale, the equality section and
   an Urdu translation), publishes it and reads its open link, which opens the
   survey's start page in Urdu for someone not logged in;
2. two anonymous respondents answer the demo survey by keyboard alone (Tab,
   Space, Enter and arrow keys; no mouse), one in English and one in Urdu, where
   every page is right to left and shows the survey's Urdu words; the answers
   are then checked in the database;
3. the commissioner sees the results of a question by ethnic group, with small
   numbers suppressed and marked;
4. a lived-experience panel member signs in by keyboard, finds the demo survey
   under "Surveys for you to answer", is told its results show once they have
   answered, answers it from inside the app and then sees the results; the app
   keeps only that they took part, not which response is theirs.
"""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from amhe.core.management.commands.load_demo import DEMO_PASSWORD, WEST_YORKSHIRE
from amhe.core.models import Project, User
from amhe.surveys import equality
from amhe.surveys.models import Question, Survey, SurveyParticipation, SurveyResponse
from identify.demo_communities import SURVEY_TITLE, TRANSLATIONS
from tests.browser.conftest import AXE_SOURCE, AxeChecked

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LEAD = "lead@wy-icb.example"
PANEL = "panel@wy-icb.example"
RTL = ["ur", "rtl"]


# --- Helpers -------------------------------------------------------------------------------


@pytest.fixture
def new_journey(browser, live_server):
    """new_journey() -> an AxeChecked page in a fresh browser context (no cookies, not
    logged in). As with the `journey` fixture, every page it visits must be axe-checked."""
    made = []

    def make() -> AxeChecked:
        context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
        checker = prepare(AxeChecked(context.new_page(), live_server.url))
        made.append((context, checker))
        return checker

    yield make
    for context, _checker in made:
        context.close()
    for _context, checker in made:
        checked = {url.split("#")[0] for url in checker.checked}
        unchecked = [url for url in checker.visited if url.split("#")[0] not in checked and url != "about:blank"]
        assert not unchecked, f"Pages visited without an axe check: {unchecked}"


def prepare(journey: AxeChecked) -> AxeChecked:
    """Keep a long journey quick: axe-core is in every page of the journey's context from
    the start (a DevTools init script, so the pages' CSP still applies to their own
    scripts), so AxeChecked.check runs it without injecting it again on each page; and a
    step that cannot happen fails after 10 seconds rather than Playwright's 30."""
    journey.page.context.add_init_script(script=AXE_SOURCE)
    journey.page.set_default_timeout(10_000)
    return journey


def log_in_as(journey: AxeChecked, email: str) -> None:
    """Start the journey logged in (a session cookie), for journeys that are not about logging in."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(User.objects.get(email=email))
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    journey.page.context.add_cookies(
        [{"name": cookie.key, "value": cookie.value, "url": journey.base_url, "httpOnly": True}]
    )


def html_lang_dir(page) -> list[str]:
    return page.evaluate("[document.documentElement.lang, document.documentElement.dir]")


def is_focused(page, selector: str) -> bool:
    return page.evaluate("(s) => !!document.activeElement && document.activeElement.matches(s)", selector)


def tab_to(page, selector: str, limit: int = 60) -> None:
    """Press Tab until the element matching `selector` has the focus (a keyboard user's way there)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if is_focused(page, selector):
            return
    where = page.evaluate("document.activeElement && document.activeElement.outerHTML.slice(0, 200)")
    pytest.fail(f"{limit} presses of Tab did not reach {selector!r} on {page.url} (focus is on {where})")


def press_and_wait(journey: AxeChecked, key: str = "Enter") -> None:
    """Press `key` on whatever has the focus, wait for the page it leads to, and axe-check that."""
    with journey.page.expect_navigation():
        journey.page.keyboard.press(key)
    journey.check()


def activate(journey: AxeChecked, locator) -> None:
    """Follow a link or press a button with the keyboard (Enter), then axe-check the next page."""
    with journey.page.expect_navigation():
        locator.press("Enter")
    journey.check()


def heading(page) -> str:
    return page.get_by_role("heading", level=1).inner_text().strip()


def resume_token(page) -> str:
    match = re.search(r"/r/([^/]+)/", page.url)
    assert match, page.url
    return match.group(1)


# --- 1. The commissioner builds and publishes a survey ----------------------------------------

URDU = {
    "title": "کرائسس کیفے کے بارے میں آپ کی رائے",
    "introduction": "ہم جاننا چاہتے ہیں کہ کرائسس کیفے آپ کے لیے کیسا رہا۔ اس میں تقریباً 3 منٹ لگتے ہیں۔",
    "privacy_notice": "آپ کے جوابات گمنام ہیں۔ ہم صرف گروپ کی صورت میں نتائج شائع کرتے ہیں۔",
    "consent_text": "میں سمجھتا/سمجھتی ہوں کہ حصہ لینا میری مرضی ہے۔",
    "confirmation_text": "شکریہ۔ ہم بہار میں بتائیں گے کہ ہم نے کیا سیکھا۔",
    "q1": "کیا آپ پچھلے سال کرائسس کیفے گئے؟",
    "q2": "کیفے کو آپ کے لیے بہتر کیا چیز بنا سکتی ہے؟",
    "q3": "کیفے کے عملے نے میری ثقافت اور پس منظر کو سمجھا۔",
    "yes": "ہاں",
    "no": "نہیں",
    "likert": ["بالکل متفق نہیں", "متفق نہیں", "نہ متفق نہ غیر متفق", "متفق", "بالکل متفق"],
}


def _add_question(
    journey, survey, kind_label: str, fields: dict[str, str], *, required=False, show_if: str = ""
) -> Question:
    """From the survey page: Add a question, choose its kind, fill it in, save it."""
    page = journey.page
    activate(journey, page.get_by_role("button", name="Add a question"))
    assert heading(page) == "Add a question"
    # The kinds are radios: Tab into the group, then arrow keys to the kind wanted.
    tab_to(page, "input[type=radio][name=kind]")
    page.keyboard.press("Space")
    for _ in range(page.get_by_role("radio").count()):
        if page.evaluate("document.activeElement.labels[0].textContent.trim()") == kind_label:
            break
        page.keyboard.press("ArrowDown")
    assert page.get_by_label(kind_label, exact=True).is_checked()
    activate(journey, page.get_by_role("button", name="Continue"))
    assert f"Kind: {kind_label}." in page.locator("main").inner_text()
    for label, value in fields.items():
        page.get_by_label(label, exact=True).fill(value)
    if required:
        page.get_by_label("People must answer this question").press("Space")
    if show_if:
        page.get_by_role("group", name=re.compile(r"^Question 1:")).get_by_label(show_if, exact=True).press("Space")
    activate(journey, page.get_by_role("button", name="Save question"))
    assert page.get_by_text("Question saved.").is_visible()
    return survey.questions.filter(equality_key="").order_by("-pk").first()


def test_commissioner_builds_translates_and_publishes_a_survey(demo, journey, new_journey):
    prepare(journey)
    page = journey.page
    project = Project.objects.get(name=WEST_YORKSHIRE.project_name)

    # Log in by keyboard, open the project and its Identify step.
    journey.goto("/accounts/login/")
    page.get_by_label("Email address").fill(LEAD)
    page.get_by_role("textbox", name="Password").fill(DEMO_PASSWORD)
    press_and_wait(journey)
    activate(journey, page.get_by_role("link", name=WEST_YORKSHIRE.project_name))
    activate(journey, page.get_by_role("link", name="1. Identify", exact=True).first)
    activate(journey, page.get_by_role("link", name="All surveys"))
    assert heading(page) == "Surveys"
    activate(journey, page.get_by_role("button", name="Create a survey"))
    assert heading(page) == "Create a survey"

    # Sending the form without a title shows the NHS error summary.
    activate(journey, page.get_by_role("button", name="Create survey"))
    summary = page.get_by_role("alert")
    assert summary.get_by_role("link", name="Enter a title for the survey").is_visible()

    title = "Your experience of the crisis café"
    page.get_by_label("Survey title").fill(title)
    page.get_by_label("Introduction").fill("We want to know how the crisis café worked for you. It takes 3 minutes.")
    page.get_by_label("Privacy notice").fill("Your answers are anonymous. We only publish results for groups.")
    page.get_by_label("What people agree to").fill("I understand that taking part is up to me.")
    page.get_by_label("What happens next").fill("Thank you. We will share what we learned in the spring.")
    closes = timezone.localdate() + datetime.timedelta(days=60)
    closing = page.get_by_role("group", name=re.compile("^Closing date"))
    closing.get_by_label("Day").fill(str(closes.day))
    closing.get_by_label("Month").fill(str(closes.month))
    closing.get_by_label("Year").fill(str(closes.year))
    urdu_box = page.get_by_label("اردو (Urdu)")
    urdu_box.press("Space")
    assert urdu_box.is_checked()
    # The equality section is on for a new survey; this commissioner adds it later, from its own page.
    equality_box = page.get_by_label("Include the standard equality monitoring questions")
    assert equality_box.is_checked()
    equality_box.press("Space")
    assert page.get_by_label("Let anyone with the open link answer").is_checked()
    activate(journey, page.get_by_role("button", name="Create survey"))
    assert page.get_by_text("Survey created. Now add its questions.").is_visible()
    assert heading(page) == title
    survey = Survey.objects.get(project=project, title=title)
    assert survey.languages == ["ur"] and not survey.include_equality
    assert timezone.localtime(survey.closes_at).date() == closes

    # Three questions: one answer from a list, a follow-up shown only after "Yes", an agreement scale.
    q1 = _add_question(
        journey,
        survey,
        "One answer from a list",
        {"Question": "Have you used the crisis café in the last year?", "Answer options": "Yes\nNo"},
        required=True,
    )
    q2 = _add_question(
        journey, survey, "Long text", {"Question": "What would make the café better for you?"}, show_if="Yes"
    )
    q3 = _add_question(
        journey,
        survey,
        "Agreement scale (strongly disagree to strongly agree)",
        {"Question": "Staff at the café understood my culture and background."},
    )
    assert [o["label"] for o in q1.options] == ["Yes", "No"] and q1.required
    assert q2.show_if_question_id == q1.pk and q2.show_if_values == [q1.options[0]["value"]]
    assert q3.kind == Question.Kind.LIKERT
    card = page.locator(f"#question-{q2.pk}")
    assert "Shown if the answer to question 1, 'Have you used the crisis café in the last year?', is 'Yes'" in (
        card.inner_text()
    )

    # The equality section: read what it asks, then add it.
    activate(journey, page.get_by_role("link", name="About the equality monitoring questions"))
    assert heading(page) == "Equality monitoring questions"
    assert page.get_by_role("heading", name=re.compile(r"What is your ethnic group\?")).is_visible()
    activate(journey, page.get_by_role("button", name="Add them to this survey"))
    assert page.get_by_text("Equality monitoring questions added.").is_visible()
    survey.refresh_from_db()
    assert survey.include_equality
    assert survey.questions.exclude(equality_key="").count() == len(equality.QUESTIONS)

    # The Urdu translation, on the translate page.
    activate(journey, page.get_by_role("link", name="Translate into Urdu"))
    assert heading(page) == "Translate into اردو (Urdu)"
    assert page.get_by_text(re.compile(r"Still to translate")).is_visible()
    texts = {f"survey__{field}": URDU[field] for field in ("title", "introduction", "privacy_notice")}
    texts |= {"survey__consent_text": URDU["consent_text"], "survey__confirmation_text": URDU["confirmation_text"]}
    texts |= {f"q{q1.pk}__text": URDU["q1"], f"q{q2.pk}__text": URDU["q2"], f"q{q3.pk}__text": URDU["q3"]}
    texts |= {f"q{q1.pk}__option__{o['value']}": URDU[o["label"].lower()] for o in q1.options}
    texts |= {f"q{q3.pk}__option__{o['value']}": URDU["likert"][i] for i, o in enumerate(q3.options)}
    for name, value in texts.items():
        box = page.locator(f"[name='{name}']")
        assert box.get_attribute("lang") == "ur" and box.get_attribute("dir") == "rtl", name
        box.fill(value)
    activate(journey, page.get_by_role("button", name="Save translation"))
    assert page.get_by_text("اردو (Urdu) translation saved. It is complete.").is_visible()
    assert page.get_by_text("Translation complete").is_visible()
    activate(journey, page.get_by_role("link", name="Back to the survey"))
    assert "translation complete" in page.locator(".nhsuk-summary-list").first.inner_text()

    # Check and publish, then the share page with the open link and QR code.
    activate(journey, page.get_by_role("button", name="Check and publish"))
    assert heading(page) == "Publish the survey"
    assert page.get_by_text("The survey is ready.").is_visible()
    activate(journey, page.get_by_role("button", name="Publish survey"))
    assert heading(page) == "Share the survey"
    assert page.get_by_text("Survey published.").is_visible()
    survey.refresh_from_db()
    assert survey.state == Survey.State.PUBLISHED
    open_link = page.get_by_label("Open link to the survey").input_value()
    assert open_link == f"{journey.base_url}/s/{survey.open_token}/"
    qr = page.get_by_role("img", name=re.compile("^QR code that opens the survey"))
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")

    # Someone not logged in opens the open link and chooses Urdu: the start page is in Urdu, right to left.
    visitor = new_journey()
    visitor.page.goto(open_link)
    visitor.check()
    assert heading(visitor.page) == title
    tab_to(visitor.page, "a[hreflang=ur]")
    press_and_wait(visitor)
    assert html_lang_dir(visitor.page) == RTL
    assert heading(visitor.page) == URDU["title"]
    main = visitor.page.locator("main").inner_text()
    assert URDU["introduction"] in main and URDU["consent_text"] in main


# --- 2. Respondents answer by keyboard alone, in English and in Urdu --------------------------


def choose(page, name: str, index: int) -> None:
    """Tab into a radio group and select its option number `index` (0 first) with the keyboard."""
    tab_to(page, f"input[type=radio][name={name}]")
    if index == 0:
        page.keyboard.press("Space")
    for _ in range(index):
        page.keyboard.press("ArrowDown")  # moves to the next radio and selects it, in either direction of text
    radios = page.locator(f"input[type=radio][name={name}]")
    assert radios.nth(index).is_checked()


def tick(page, name: str, values: list[str]) -> None:
    """Tab to each checkbox (in page order) and tick it with Space."""
    for value in values:
        tab_to(page, f"input[type=checkbox][name={name}][value='{value}']")
        page.keyboard.press("Space")
        assert page.locator(f"input[name={name}][value='{value}']").is_checked()


def value_of(question, label: str) -> str:
    """The value the builder gave the option with this label."""
    return next(option["value"] for option in question.options if option["label"] == label)


def write(page, name: str, text: str) -> None:
    tab_to(page, f"[name={name}]")
    page.keyboard.type(text)


# What each respondent does on each question's page, by the question's position among the
# survey's own questions or by its equality key. Questions not here are skipped (all are
# optional but the first): question 4 and most of the equality questions.
PLAN = {
    1: ("choose", 0),  # Yes
    2: ("tick", ["GP", "Crisis team"]),  # by label; only shown after Yes or Not sure
    3: ("choose", 3),  # Agree
    5: ("choose", 7),  # 7 out of 10
    6: ("write", "Someone who spoke my language on the phone."),
    "age": ("choose", 2),  # 25 to 34
    "ethnic_group": ("choose", 2),  # Asian, Asian British or Asian Welsh
    "ethnicity_asian": ("choose", 1),  # Pakistani, asked because of the answer before
    "health_condition": ("choose", 1),  # No: the follow-up about day-to-day activities is not asked
}


def _save_and_come_back(journey, token: str) -> None:
    """Save and come back later, by keyboard: the saved page gives the link to carry on with
    (a URL, so left to right even on an Urdu page), and the link leads back to the first
    question not answered yet."""
    page = journey.page
    tab_to(page, "button[value=save]")
    press_and_wait(journey)
    assert page.url.endswith(f"/r/{token}/saved/")
    assert html_lang_dir(page) == RTL
    link = page.locator(".amhe-resume-link a")
    assert link.inner_text() == f"{journey.base_url}/r/{token}/"
    assert link.evaluate("a => getComputedStyle(a).direction") == "ltr"
    with translation.override("ur"):
        carry_on = translation.gettext("Carry on answering now")
    tab_to(page, f"main a[href$='/r/{token}/']:not(.amhe-resume-link a)")
    assert page.evaluate("document.activeElement.textContent.trim()") == carry_on
    press_and_wait(journey)
    assert page.url.endswith(f"/r/{token}/page/4/"), page.url  # question 4 is the first not answered


def _respond(journey, survey, *, urdu: bool) -> tuple[str, list[Question]]:
    """Answer the survey from its start page to the confirmation, by keyboard alone.
    Returns the response's resume token and the questions shown, in order."""
    page = journey.page
    own = list(survey.questions.filter(equality_key="").order_by("position"))
    position = {q.pk: n for n, q in enumerate(own, start=1)}
    words = TRANSLATIONS["ur"] if urdu else {field: getattr(survey, field) for field in TRANSLATIONS["ur"]}

    journey.goto(f"/s/{survey.open_token}/")
    assert html_lang_dir(page) == ["en-gb", "ltr"]
    assert heading(page) == SURVEY_TITLE
    if urdu:
        # The language links come first on the page: Tab to اردو and press Enter.
        tab_to(page, "a[hreflang=ur]")
        assert page.evaluate("document.activeElement.textContent.trim()") == "اردو"
        press_and_wait(journey)
        assert page.url.endswith("?lang=ur")
        assert html_lang_dir(page) == RTL
        assert heading(page) == words["title"]
        assert page.locator("[aria-current=true]").inner_text() == "اردو"
        assert page.locator("main button[type=submit]").inner_text().strip() == "ابھی شروع کریں"  # Start now
    main = page.locator("main").inner_text()
    assert words["introduction"] in main and words["privacy_notice"] in main and words["consent_text"] in main

    # Consent: Tab to the box, tick it with Space, Tab on to Start now, press Enter.
    tab_to(page, "#id_consent")
    page.keyboard.press("Space")
    assert page.locator("#id_consent").is_checked()
    tab_to(page, "main button[type=submit]")
    press_and_wait(journey)
    token = resume_token(page)

    shown = []
    for _ in range(len(survey.questions.all()) + 1):
        if "/check/" in page.url:
            break
        assert "/page/" in page.url, page.url
        if urdu:
            assert html_lang_dir(page) == RTL, page.url
        name = page.locator("form:not(.amhe-language-form) [name^=q]").first.get_attribute("name")
        question = Question.objects.get(pk=int(name[1:]))
        shown.append(question)
        key = question.equality_key or position[question.pk]
        # The question is the page's heading, in the respondent's language (with "(optional)" after it
        # when it may be skipped).
        if question.equality_key:
            with translation.override("ur" if urdu else "en-gb"):
                expected = str(equality.BY_KEY[question.equality_key].text)
        else:
            expected = question.translations["ur"]["text"] if urdu else question.text
        assert heading(page).startswith(expected), (page.url, key, heading(page))
        action = PLAN.get(key)
        if action:
            verb, argument = action
            if verb == "tick":
                argument = [value_of(question, label) for label in argument]
            {"choose": choose, "tick": tick, "write": write}[verb](page, name, argument)
        if urdu and key == 3:
            _save_and_come_back(journey, token)
            continue
        tab_to(page, "button[value=continue]")
        press_and_wait(journey)
    else:
        pytest.fail("The survey did not reach the check page")

    # Check your answers, then send them: Tab to the button, press Enter.
    assert page.url.endswith(f"/r/{token}/check/")
    if urdu:
        assert html_lang_dir(page) == RTL
    answers = page.locator(".nhsuk-summary-list").inner_text()
    if urdu:
        assert TRANSLATIONS["ur"]["title"] in page.title()
        assert own[0].translations["ur"]["text"] in answers
        assert own[0].translations["ur"]["options"][value_of(own[0], "Yes")] in answers
        # What they wrote in English keeps its own direction on the right-to-left page.
        written = page.locator("dd bdi", has_text="Someone who spoke my language")
        assert written.evaluate("b => getComputedStyle(b).direction") == "ltr"
    else:
        assert own[0].text in answers and "Yes" in answers and "GP, Crisis team" in answers
    tab_to(page, "main button[type=submit]")
    press_and_wait(journey)
    assert page.url.endswith(f"/r/{token}/done/")
    if urdu:
        assert html_lang_dir(page) == RTL
    assert words["confirmation_text"] in page.locator("main").inner_text()
    return token, shown


def test_respondents_answer_by_keyboard_in_english_and_urdu(demo, journey, new_journey):
    prepare(journey)
    survey = Survey.objects.get(title=SURVEY_TITLE, project__name=WEST_YORKSHIRE.project_name)
    before = survey.responses.count()

    english_token, english_shown = _respond(journey, survey, urdu=False)
    urdu_token, urdu_shown = _respond(new_journey(), survey, urdu=True)

    # Both were asked the same questions: the Asian background follow-up, and not the one
    # about day-to-day activities (they have no long-term condition).
    keys = [q.equality_key for q in english_shown if q.equality_key]
    assert "ethnicity_asian" in keys and "ethnicity_white" not in keys and "day_to_day" not in keys
    assert english_shown == urdu_shown

    assert survey.responses.count() == before + 2
    own = list(survey.questions.filter(equality_key="").order_by("position"))
    by_key = {q.equality_key: q for q in survey.questions.exclude(equality_key="")}
    expected = {
        own[0].pk: value_of(own[0], "Yes"),
        own[1].pk: [value_of(own[1], "GP"), value_of(own[1], "Crisis team")],
        own[2].pk: "4",
        own[4].pk: "7",
        own[5].pk: "Someone who spoke my language on the phone.",
        by_key["age"].pk: "25-34",
        by_key["ethnic_group"].pk: "ASIAN",
        by_key["ethnicity_asian"].pk: "ASIAN_PAKISTANI",
        by_key["health_condition"].pk: "N",
    }
    for token, language in ((english_token, "en-gb"), (urdu_token, "ur")):
        response = SurveyResponse.objects.get(resume_token=token)
        assert response.survey_id == survey.pk
        assert response.state == SurveyResponse.State.SUBMITTED
        assert response.channel == SurveyResponse.Channel.OPEN
        assert response.language == language
        assert response.consented
        saved = {a.question_id: a.value for a in response.answers.all()}
        assert saved == expected, language


# --- 3. The commissioner sees the results by ethnic group ---------------------------------------


def test_commissioner_sees_results_by_ethnic_group(demo, journey):
    prepare(journey)
    page = journey.page
    survey = Survey.objects.get(title=SURVEY_TITLE, project__name=WEST_YORKSHIRE.project_name)
    dignity = survey.questions.get(equality_key="", position=3)

    log_in_as(journey, LEAD)  # the login page and the survey's page are part of the first journey
    journey.goto(
        reverse(
            "surveys:survey-results",
            kwargs={"step": "identify", "project_id": survey.project_id, "survey_id": survey.pk},
        )
    )
    assert heading(page) == f"Results: {SURVEY_TITLE}"
    assert page.get_by_text("counts from 1 to").first.is_visible()
    activate(journey, page.get_by_role("link", name="Question 3 by ethnic group and other characteristics"))

    # Ethnic group is the breakdown shown first, as a table with the small numbers suppressed.
    assert dignity.text in heading(page)
    by = page.get_by_label("Break down by")
    assert by.evaluate("s => s.selectedOptions[0].textContent") == "Ethnic group"
    table = page.get_by_role("table", name=re.compile(r"^Question 3 by ethnic group:"))
    assert table.get_by_role("columnheader", name="Ethnic group").is_visible()
    groups = table.locator("tbody th").all_inner_texts()
    for group in ("White", "Asian, Asian British or Asian Welsh", "Mixed or Multiple ethnic groups", "Not stated"):
        assert group in groups
    # A suppressed cell: a symbol for the eye, "Suppressed" for screen readers, and a note under the table.
    other = table.get_by_role("row", name=re.compile(r"^Other ethnic group"))
    assert other.locator("td").first.locator("[aria-hidden=true]").inner_text() == "*"
    assert other.locator("td .nhsuk-u-visually-hidden").first.text_content() == "Suppressed"
    assert table.locator("td .nhsuk-u-visually-hidden", has_text="Suppressed").count() >= 2
    white = table.get_by_role("row", name=re.compile(r"^White"))
    assert re.fullmatch(r"\d+", white.locator("td").first.inner_text().strip())
    assert white.locator("td .nhsuk-u-visually-hidden").count() == 0
    assert page.get_by_text(re.compile(r"^\* Suppressed: fewer than")).is_visible()

    # The detailed ethnic groups instead, by keyboard: an arrow key in the select, Tab to Show, Enter.
    by.focus()
    page.keyboard.press("ArrowDown")
    assert by.input_value() == "ethnicity"
    tab_to(page, "main button[type=submit]")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Show"
    press_and_wait(journey)
    assert "by=ethnicity" in page.url
    detailed = page.get_by_role("table", name=re.compile(r"^Question 3 by ethnic group \(detailed\):"))
    assert detailed.locator("tbody tr").count() > len(groups)
    assert detailed.locator("td .nhsuk-u-visually-hidden", has_text="Suppressed").count() >= 1


# --- 4. A panel member answers from inside the app, then sees the results ------------------------


def test_panel_member_answers_inside_the_app_then_sees_the_results(demo, journey):
    prepare(journey)
    page = journey.page
    survey = Survey.objects.get(title=SURVEY_TITLE, project__name=WEST_YORKSHIRE.project_name)
    panel = User.objects.get(email=PANEL)
    results = reverse(
        "surveys:survey-results", kwargs={"step": "identify", "project_id": survey.project_id, "survey_id": survey.pk}
    )
    before = set(survey.responses.values_list("pk", flat=True))

    # They sign in by keyboard alone.
    journey.goto("/accounts/login/")
    tab_to(page, "input[name=username]")
    page.keyboard.type(PANEL)
    page.keyboard.press("Tab")
    page.keyboard.type(DEMO_PASSWORD)
    press_and_wait(journey)
    assert heading(page) == "Your projects"
    tab_to(page, f"main a[href='{survey.project.get_absolute_url()}']")
    press_and_wait(journey)
    assert heading(page) == WEST_YORKSHIRE.project_name

    # Their project home lists the survey for them to answer.
    card = page.locator(".amhe-to-answer")
    assert card.get_by_role("heading", name="Surveys for you to answer").is_visible()
    answer_link = card.get_by_role("link", name=f"Answer “{SURVEY_TITLE}”")
    assert answer_link.is_visible()

    # The results wait until they have answered: the page says so and offers the survey.
    journey.goto(results)
    assert heading(page) == "You can see the results once you have answered"
    assert page.locator("table").count() == 0
    tab_to(page, "main a.nhsuk-button")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Answer this survey"
    press_and_wait(journey)

    # The survey's own start page, inside the app: consent with Space, Start now with Enter.
    assert heading(page) == SURVEY_TITLE
    assert "/answer/" in page.url
    tab_to(page, "#id_consent")
    page.keyboard.press("Space")
    tab_to(page, "main button[type=submit]")
    press_and_wait(journey)
    token = resume_token(page)

    # The same question pages as everyone: "No" to the first (so the follow-up is skipped),
    # then Continue past the optional ones.
    for _ in range(len(survey.questions.all()) + 1):
        if "/check/" in page.url:
            break
        name = page.locator("form:not(.amhe-language-form) [name^=q]").first.get_attribute("name")
        question = Question.objects.get(pk=int(name[1:]))
        if question.required:
            choose(page, name, 1)  # No
        tab_to(page, "button[value=continue]")
        press_and_wait(journey)
    else:
        pytest.fail("The survey did not reach the check page")
    tab_to(page, "main button[type=submit]")
    press_and_wait(journey)
    assert page.url.endswith(f"/r/{token}/done/")

    # From the confirmation, on to the results, which they may now see.
    tab_to(page, f"main a[href='{results}']")
    press_and_wait(journey)
    assert heading(page) == f"Results: {SURVEY_TITLE}"
    assert page.get_by_role("table").first.is_visible()

    # The project home no longer offers the survey (the demo's always-open 4B feedback forms may still be offered).
    journey.goto(survey.project.get_absolute_url())
    assert page.get_by_role("link", name=f"Answer “{SURVEY_TITLE}”").count() == 0

    # Kept: the response, sent and linked to no one, and apart from it the fact that they took part.
    (new,) = survey.responses.exclude(pk__in=before)
    assert new.resume_token == token and new.state == SurveyResponse.State.SUBMITTED
    assert new.channel == SurveyResponse.Channel.OPEN and not new.awaiting_member and new.entered_by is None
    assert list(SurveyParticipation.objects.values_list("user", "survey")) == [(panel.pk, survey.pk)]

    # Every page of the journey had no axe violation of any impact.
    found = {url: [v["id"] for v in violations] for url, violations in journey.reports.items() if violations}
    assert not found, found
