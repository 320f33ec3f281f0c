"""The public community input form at /c/<token>/ (Identify 1B): no login,
CSRF, honeypot and rate limit, closed and unknown links, what is kept (and
what is not: no IP address, user agent or session), and the language."""

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse

from identify.models import CommunityInput
from tests.factories import CommunityInputLinkFactory

pytestmark = pytest.mark.django_db

USER_AGENT = "Mozilla/5.0 (TestBrowser; community-input-test)"
ADDRESS = "203.0.113.77"


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Rate-limit counters live in the cache: start each test with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def link(project):
    return CommunityInputLinkFactory(project=project, prompt="Tell us what makes it hard to get help in a crisis.")


@pytest.fixture
def visitor():
    return Client(HTTP_USER_AGENT=USER_AGENT, REMOTE_ADDR=ADDRESS)


def form_url(link):
    return reverse("public:community-input", kwargs={"token": link.token})


def good_post(**overrides):
    data = {
        "organisation_name": "Gipton and Seacroft carers' group",
        "represents": "Unpaid carers",
        "input": "Carers are not told what is happening and wait for hours in A&E.",
        "contact": "",
        "website": "",
    }
    data.update(overrides)
    return data


def test_anyone_can_open_the_form_without_logging_in(visitor, link):
    response = visitor.get(form_url(link))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Tell us what makes it hard to get help in a crisis." in html  # the project's prompt
    assert "We do not record your IP address" in html  # the privacy sentence
    assert 'name="csrfmiddlewaretoken"' in html
    assert "<div hidden>" in html and 'name="website"' in html  # the honeypot, hidden from people
    assert response["Cache-Control"].startswith("max-age=0")
    assert not Session.objects.exists()
    # the header for people without an account: its logo stays on this page, not the login
    assert f'<a class="nhsuk-header__service-logo" href="{form_url(link)}">' in html


def test_sending_input_keeps_only_what_was_typed(visitor, link, project):
    response = visitor.post(form_url(link), good_post(contact="carers@example.org"))
    thanks = reverse("public:community-input-thanks", kwargs={"token": link.token})
    assert response.status_code == 302 and response.url == f"{thanks}?lang=en-gb"
    page = visitor.get(response.url)
    assert page.status_code == 200 and "What happens next" in page.content.decode()

    item = CommunityInput.objects.get()
    assert item.project == project and item.entered_by is None and item.language == "en-gb"
    assert (item.organisation_name, item.represents, item.input, item.contact) == (
        "Gipton and Seacroft carers' group",
        "Unpaid carers",
        "Carers are not told what is happening and wait for hours in A&E.",
        "carers@example.org",
    )
    assert item.themes.count() == 0
    # Nothing about the sender's connection or device is kept anywhere in the row.
    stored = " ".join(str(value) for value in CommunityInput.objects.values_list().get())
    assert ADDRESS not in stored and "TestBrowser" not in stored
    assert not Session.objects.exists()


def test_the_model_has_no_place_for_an_address_or_device():
    fields = {field.name for field in CommunityInput._meta.get_fields()}
    assert fields == {
        "id",
        "project",
        "organisation_name",
        "represents",
        "input",
        "contact",
        "language",
        "themes",
        "submitted_on",
        "entered_by",
    }


def test_bad_input_keeps_what_was_typed(visitor, link):
    response = visitor.post(form_url(link), good_post(input="", organisation_name="Beeston Polish group"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html and 'href="#id_input"' in html
    assert "Enter what you would like to tell us" in html
    assert 'value="Beeston Polish group"' in html and "Unpaid carers" in html
    assert not CommunityInput.objects.exists()


def test_a_bot_filling_the_honeypot_is_thanked_but_nothing_is_kept(visitor, link):
    response = visitor.post(form_url(link), good_post(website="http://spam.example"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("public:community-input-thanks", kwargs={"token": link.token}))
    assert not CommunityInput.objects.exists()


def test_a_closed_link_takes_nothing(visitor, link):
    link.is_open = False
    link.save()
    response = visitor.get(form_url(link))
    assert response.status_code == 410 and "This form is closed" in response.content.decode()
    assert visitor.post(form_url(link), good_post()).status_code == 410
    assert not CommunityInput.objects.exists()


def test_an_unknown_link_is_not_found(visitor, link):
    url = reverse("public:community-input", kwargs={"token": "not-a-real-token"})
    response = visitor.get(url)
    assert response.status_code == 404 and "Page not found" in response.content.decode()
    assert visitor.post(url, good_post()).status_code == 404
    thanks = reverse("public:community-input-thanks", kwargs={"token": "not-a-real-token"})
    assert visitor.get(thanks).status_code == 404
    assert not CommunityInput.objects.exists()


def test_the_form_needs_its_csrf_token(link):
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(form_url(link), good_post()).status_code == 403
    page = strict.get(form_url(link))
    token = page.cookies["csrftoken"].value
    assert strict.post(form_url(link), {**good_post(), "csrfmiddlewaretoken": token}).status_code == 302
    assert CommunityInput.objects.count() == 1


@override_settings(AMHE_PUBLIC_FORM_RATE="2/m")
def test_too_many_posts_from_one_address_are_refused_and_kept_on_the_page(visitor, link):
    assert visitor.post(form_url(link), good_post()).status_code == 302
    assert visitor.post(form_url(link), good_post(website="bot")).status_code == 302  # bots count too
    response = visitor.post(form_url(link), good_post(organisation_name="Third try"))
    html = response.content.decode()
    assert response.status_code == 429
    assert "A lot of forms have been sent from your internet connection" in html
    assert 'value="Third try"' in html
    assert CommunityInput.objects.count() == 1
    # Another address is not held up.
    other = Client(REMOTE_ADDR="198.51.100.9")
    assert other.post(form_url(link), good_post()).status_code == 302


def test_the_form_works_in_the_language_chosen(visitor, link):
    response = visitor.get(form_url(link), {"lang": "ur"})
    html = response.content.decode()
    assert '<html lang="ur" dir="rtl">' in html
    assert 'hreflang="pl"' in html and 'hreflang="en-gb"' in html  # links to the other languages
    assert f'action="{form_url(link)}?lang=ur"' in html
    response = visitor.post(f"{form_url(link)}?lang=pl", good_post())
    assert response.url.endswith("?lang=pl")
    assert CommunityInput.objects.get().language == "pl"


def test_the_browser_language_is_respected(link):
    polish = Client(HTTP_ACCEPT_LANGUAGE="pl-PL,pl;q=0.9")
    assert '<html lang="pl"' in polish.get(form_url(link)).content.decode()
    polish.post(form_url(link), good_post())
    assert CommunityInput.objects.get().language == "pl"


def test_the_form_text_is_marked_for_translation():
    from django.utils.functional import Promise

    from identify.community.forms import PublicInputForm
    from identify.community.views_public import TOO_MANY

    for name in PublicInputForm.FIELDS:
        field = PublicInputForm.base_fields[name]
        assert isinstance(field.label, Promise), name
        assert all(isinstance(message, Promise) for key, message in field.error_messages.items() if key != "invalid")
    assert isinstance(TOO_MANY, Promise)
