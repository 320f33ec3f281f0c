"""Research 2A, positive practice: case studies, their search (on SQLite and on
PostgreSQL: set DATABASE_URL to run these on PostgreSQL), attachments checked
by content, and sharing beyond the organisation through a reviewer.

The cross-organisation access itself is walked in test_access.py.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from amhe.core.models import Role
from research.models import CaseStudy, CaseStudyAttachment
from research.practice import attachments, selectors, services
from research.practice.selectors import Filters
from tests.factories import (
    CaseStudyAttachmentFactory,
    MembershipFactory,
    OrganisationFactory,
    PopulationFactory,
    UserFactory,
    docx_bytes,
    pdf_bytes,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path / "media"


@pytest.fixture
def lead(project, member_of):
    return member_of(project, Role.LEAD)


@pytest.fixture
def reviewer(project, member_of):
    return member_of(project, Role.GOVERNANCE)


def url(name, project, **kwargs):
    return reverse(f"research:{name}", kwargs={"project_id": project.pk, **kwargs})


def study(project, lead, **fields):
    """A case study made through the service, characteristics included."""
    defaults = {
        "title": "Case study",
        "action": "Something was done.",
        "delivery": "It was delivered.",
        "impact": "It helped.",
        "intervention_type": "outreach",
        "setting": "community",
        "area": "Leeds",
        "evidence_strength": "described",
    }
    return services.case_study_create(by=lead, project=project, **{**defaults, **fields})


# --- Search: the same answers on SQLite and PostgreSQL -----------------------------------


@pytest.fixture
def library(project, lead):
    """Three case studies. 'interpreters' is in two fields of A (title and action), one
    field of B (impact) and nowhere in C, so A ranks above B and C is never found."""
    population = PopulationFactory(organisation=project.organisation, name="Black men aged 18 to 35")
    a = study(
        project,
        lead,
        title="Interpreters in crisis care",
        action="Trained interpreters join the crisis team's assessments.",
        characteristics=["race", "refugee_asylum"],
        populations=[population],
        intervention_type="culturally_appropriate",
        setting="crisis",
    )
    b = study(
        project,
        lead,
        title="Navigators in community centres",
        action="Navigators meet people where they already go.",
        impact="Families said the interpreters helped them ask for support early.",
        characteristics=["carer"],
        intervention_type="where_people_live",
        setting="community",
    )
    c = study(
        project,
        lead,
        title="Peer support line",
        action="A phone line run by people with lived experience.",
        characteristics=["race"],
        intervention_type="phone",
        setting="online",
    )
    return {"a": a, "b": b, "c": c, "population": population}


def titles(queryset) -> list[str]:
    return [case_study.title for case_study in queryset]


def test_search_finds_and_ranks_on_this_database(project, library):
    found = selectors.case_studies(project, Filters(q="interpreters"))
    assert titles(found) == ["Interpreters in crisis care", "Navigators in community centres"]
    # Every word must match: only A has both.
    assert titles(selectors.case_studies(project, Filters(q="interpreters crisis"))) == ["Interpreters in crisis care"]
    assert titles(selectors.case_studies(project, Filters(q="NAVIGATORS"))) == ["Navigators in community centres"]
    assert titles(selectors.case_studies(project, Filters(q="dentistry"))) == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL full-text search only")
def test_postgresql_search_stems_words_and_ranks_with_weights(project, library):
    # English stemming: "interpreter" finds "interpreters"; the title (weight A) ranks first.
    found = list(selectors.case_studies(project, Filters(q="interpreter")))
    assert titles(found) == ["Interpreters in crisis care", "Navigators in community centres"]
    assert found[0].rank > found[1].rank > 0
    # websearch syntax: a phrase in quotes, and "-" to leave a word out.
    assert titles(selectors.case_studies(project, Filters(q='"crisis team"'))) == ["Interpreters in crisis care"]
    assert titles(selectors.case_studies(project, Filters(q="interpreters -crisis"))) == [
        "Navigators in community centres"
    ]


def test_fallback_ranks_by_the_number_of_fields_that_match(project, library):
    # The fallback SQLite uses, run on whichever database the tests use.
    found = list(selectors.search(CaseStudy.objects.filter(project=project), "interpreters", full_text=False))
    assert [(cs.title, cs.rank) for cs in found] == [
        ("Interpreters in crisis care", 2),
        ("Navigators in community centres", 1),
    ]


def test_filters_alone_and_with_search(project, library):
    def filtered(**given):
        return titles(selectors.case_studies(project, Filters(**given)))

    assert filtered(characteristic="race") == ["Interpreters in crisis care", "Peer support line"]
    assert filtered(characteristic="carer") == ["Navigators in community centres"]
    assert filtered(population=library["population"].pk) == ["Interpreters in crisis care"]
    assert filtered(intervention_type="phone") == ["Peer support line"]
    assert filtered(setting="community") == ["Navigators in community centres"]
    assert filtered(characteristic="race", q="interpreters") == ["Interpreters in crisis care"]
    assert filtered(characteristic="carer", setting="crisis") == []


HOSTILE_TERMS = [
    "'; DROP TABLE research_casestudy; --",
    "a' OR '1'='1",
    "%",
    "_",
    "\\",
    '"unclosed',
    "interpreters & | ! ( ) :*",
    "<script>alert('x')</script>",
    "<img src=x onerror=alert(1)>",
    "NULL",
    "\x00",
    "-",
    "🙂",
]


@pytest.mark.parametrize("term", HOSTILE_TERMS)
def test_hostile_search_terms_are_harmless(client, project, lead, library, term):
    client.force_login(lead)
    response = client.get(url("practice", project), {"q": term})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert(" not in html
    assert "<img src=x" not in html
    assert CaseStudy.objects.count() == 3
    # Nothing matches only because of quotes, wildcards or markup.
    if term in ("%", "_", "\\", "-", "'; DROP TABLE research_casestudy; --", "a' OR '1'='1", "NULL"):
        assert "No case studies match" in html, term


@pytest.mark.parametrize("term", HOSTILE_TERMS)
def test_the_search_itself_takes_any_text(project, library, term):
    """Below the form too (which refuses NUL characters): any text is a search, never SQL."""
    found = titles(selectors.case_studies(project, Filters(q=term)))
    assert set(found) <= {"Interpreters in crisis care", "Navigators in community centres", "Peer support line"}
    assert CaseStudy.objects.count() == 3


def test_wildcards_are_taken_literally(project, lead):
    study(project, lead, title="Waits fell by 50% in a year")
    study(project, lead, title="Waits fell by half")
    assert titles(selectors.case_studies(project, Filters(q="50"))) == ["Waits fell by 50% in a year"]


def test_list_page_searches_and_filters(client, project, lead, library):
    client.force_login(lead)
    response = client.get(url("practice", project), {"q": "interpreters", "characteristic": "race"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "1 of 3 case studies matches" in html
    assert "Interpreters in crisis care" in html
    assert "Navigators in community centres" not in html


# --- Recording case studies ------------------------------------------------------------------


def form_data(**changes) -> dict:
    data = {
        "title": "Navigators in Harehills",
        "action": "Mental health navigators in community centres.",
        "delivery": "A VCSE partner and the trust, two years' funding.",
        "impact": "More people asked for help early.",
        "impact_figures": "Referrals rose from 40 to 95 a year.",
        "impact_source": "The service's own records, 2024-25",
        "characteristics": ["race", "carer"],
        "intervention_type": "where_people_live",
        "setting": "community",
        "area": "Leeds",
        "evidence_strength": "monitored",
        "contact": "Service manager, navigators@example.nhs.uk",
        "links": "https://www.example.org/report\n\nhttps://www.example.org/leaflet",
    }
    data.update(changes)
    return data


def test_lead_records_a_case_study(client, project, lead):
    population = PopulationFactory(organisation=project.organisation)
    client.force_login(lead)
    assert client.get(url("practice-new", project)).status_code == 200
    response = client.post(url("practice-new", project), form_data(populations=[population.pk]))
    case_study = CaseStudy.objects.get()
    assert response.status_code == 302
    assert response.url == url("practice-case-study", project, case_study_id=case_study.pk)
    assert case_study.characteristics == ["race", "carer"]
    assert list(case_study.populations.all()) == [population]
    assert case_study.links == ["https://www.example.org/report", "https://www.example.org/leaflet"]
    assert (case_study.organisation, case_study.created_by, case_study.sharing) == (
        project.organisation,
        lead,
        CaseStudy.Sharing.PRIVATE,
    )
    detail = client.get(response.url).content.decode()
    assert "Referrals rose from 40 to 95 a year." in detail
    assert "Source: The service&#x27;s own records, 2024-25" in detail


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"characteristics": ["race", "star_sign"]}, "Select a valid choice"),
        ({"links": "javascript:alert(1)"}, "is not a web address"),
        ({"impact_source": ""}, "Enter where the figures come from, or remove the figures"),
        ({"intervention_type": "magic"}, "Select the kind of intervention"),
        ({"title": ""}, "Enter a title"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_kept(client, project, lead, changes, message):
    client.force_login(lead)
    response = client.post(url("practice-new", project), form_data(**changes))
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert "There is a problem" in html
    assert "A VCSE partner and the trust" in html  # what was typed is kept
    assert not CaseStudy.objects.exists()


def test_services_refuse_unknown_characteristics_and_other_organisations_populations(project, lead):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="star_sign"):
        study(project, lead, characteristics=["star_sign"])
    other = PopulationFactory(organisation=OrganisationFactory(name="Elsewhere ICB"))
    with pytest.raises(ValidationError, match="Choose populations of your own organisation"):
        study(project, lead, populations=[other])
    assert not CaseStudy.objects.exists()


def test_overview_shows_positive_practice(client, project, lead, reviewer):
    case_study = study(project, lead, title="Interpreters in crisis care")
    services.sharing_submit(by=lead, case_study=case_study)
    client.force_login(reviewer)
    html = client.get(reverse("research:overview", kwargs={"project_id": project.pk})).content.decode()
    assert "Positive practice" in html
    assert "1 case study in this project" in html
    assert "Review 'Interpreters in crisis care'" in html
    assert reverse("research-shared:search") in html


# --- Attachments ------------------------------------------------------------------------------


def attach(client, project, case_study, name, content):
    return client.post(
        url("practice-attachment-new", project, case_study_id=case_study.pk),
        {"file": SimpleUploadedFile(name, content), "description": "Evaluation report"},
    )


def stored_files(media) -> list:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


def test_a_real_pdf_is_attached_and_downloaded_safely(client, project, lead, media):
    case_study = study(project, lead)
    client.force_login(lead)
    response = attach(client, project, case_study, '../../evil"name<>.pdf', pdf_bytes())
    assert response.status_code == 302
    attachment = CaseStudyAttachment.objects.get()
    assert (attachment.kind, attachment.filename, attachment.size) == ("pdf", "evil-name.pdf", len(pdf_bytes()))
    assert attachment.file.name.startswith("research/practice/")
    assert "evil" not in attachment.file.name  # stored under a random name
    download = client.get(url("practice-attachment", project, case_study_id=case_study.pk, attachment_id=attachment.pk))
    assert download.status_code == 200
    assert download.content == pdf_bytes()
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == 'attachment; filename="evil-name.pdf"'
    assert download["Cache-Control"] == "no-store"
    assert download["X-Content-Type-Options"] == "nosniff"


def test_a_docx_built_here_is_attached(client, project, lead):
    case_study = study(project, lead)
    client.force_login(lead)
    assert attach(client, project, case_study, "Leaflet.docx", docx_bytes()).status_code == 302
    attachment = CaseStudyAttachment.objects.get()
    assert (attachment.kind, attachment.filename) == ("docx", "Leaflet.docx")
    download = client.get(url("practice-attachment", project, case_study_id=case_study.pk, attachment_id=attachment.pk))
    assert download["Content-Type"] == attachments.CONTENT_TYPES["docx"]


def test_a_renamed_program_is_refused_and_nothing_is_stored(client, project, lead, media):
    case_study = study(project, lead)
    client.force_login(lead)
    response = attach(client, project, case_study, "report.pdf", b"MZ\x90\x00" + b"\x00" * 500)
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert "&#x27;report.pdf&#x27; is not a PDF or a Word document, whatever its name says." in html
    assert not CaseStudyAttachment.objects.exists()
    assert stored_files(media) == []


def test_a_file_over_the_limit_is_refused_before_it_is_read(client, project, lead):
    case_study = study(project, lead)
    client.force_login(lead)
    big = b"%PDF-1.4\n" + b"0" * (attachments.MAX_BYTES + 100 * 1024)
    response = attach(client, project, case_study, "big.pdf", big)
    assert response.status_code == 413
    assert "larger than 10 MB" in response.content.decode()
    assert not CaseStudyAttachment.objects.exists()


def test_removing_an_attachment_deletes_its_file_once_committed(
    client, project, lead, media, django_capture_on_commit_callbacks
):
    case_study = study(project, lead)
    attachment = CaseStudyAttachmentFactory(case_study=case_study)
    assert len(stored_files(media)) == 1
    client.force_login(lead)
    delete_url = url("practice-attachment-delete", project, case_study_id=case_study.pk, attachment_id=attachment.pk)
    assert client.get(delete_url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(delete_url).status_code == 302
    assert not CaseStudyAttachment.objects.exists()
    assert stored_files(media) == []


def test_attachment_of_another_case_study_is_404(client, project, lead):
    mine, other = study(project, lead, title="Mine"), study(project, lead, title="Other")
    attachment = CaseStudyAttachmentFactory(case_study=other)
    client.force_login(lead)
    wrong = url("practice-attachment", project, case_study_id=mine.pk, attachment_id=attachment.pk)
    assert client.get(wrong).status_code == 404


# --- Sharing ----------------------------------------------------------------------------------


@pytest.fixture
def outsider(db):
    other = MembershipFactory(project__organisation=OrganisationFactory(name="Greater Manchester ICB"))
    return other.user


def test_the_whole_sharing_journey(client, project, lead, reviewer, outsider):
    case_study = study(project, lead, title="Interpreters in crisis care")
    CaseStudyAttachmentFactory(case_study=case_study)
    shared_url = reverse("research-shared:case-study", kwargs={"case_study_id": case_study.pk})
    sharing_url = url("practice-sharing", project, case_study_id=case_study.pk)
    review_url = url("practice-review", project, case_study_id=case_study.pk)

    client.force_login(lead)
    assert client.get(sharing_url).status_code == 200
    assert client.post(sharing_url, {"action": "submit"}).status_code == 302
    case_study.refresh_from_db()
    assert (case_study.sharing, case_study.submitted_by) == (CaseStudy.Sharing.SUBMITTED, lead)
    assert client.get(review_url).status_code == 403  # the lead does not review their own

    client.force_login(reviewer)
    response = client.post(review_url, {"decision": "decline", "reason": ""})
    assert "Enter why it is not approved" in response.content.decode()
    client.post(review_url, {"decision": "decline", "reason": "Remove the quote: it could identify someone"})
    case_study.refresh_from_db()
    assert case_study.sharing == CaseStudy.Sharing.DECLINED

    client.force_login(lead)
    detail = client.get(url("practice-case-study", project, case_study_id=case_study.pk)).content.decode()
    assert "Remove the quote: it could identify someone" in detail
    client.post(sharing_url, {"action": "submit"})

    client.force_login(reviewer)
    assert client.post(review_url, {"decision": "approve"}).status_code == 302
    case_study.refresh_from_db()
    assert (case_study.sharing, case_study.reviewed_by) == (CaseStudy.Sharing.SHARED, reviewer)

    client.force_login(outsider)
    assert client.get(shared_url).status_code == 200
    listing = client.get(reverse("research-shared:search"), {"q": "interpreters"}).content.decode()
    assert "Interpreters in crisis care" in listing
    assert client.get(url("practice-case-study", project, case_study_id=case_study.pk)).status_code == 404

    client.force_login(lead)
    assert client.post(sharing_url, {"action": "withdraw"}).status_code == 302
    client.force_login(outsider)
    assert client.get(shared_url).status_code == 404


def test_shared_attachments_may_be_cached_privately_unshared_never(client, project, lead, reviewer, outsider):
    case_study = study(project, lead)
    attachment = CaseStudyAttachmentFactory(case_study=case_study)
    services.sharing_submit(by=lead, case_study=case_study)
    services.sharing_review(by=reviewer, case_study=case_study, approve=True)
    client.force_login(outsider)
    shared = client.get(
        reverse("research-shared:attachment", kwargs={"case_study_id": case_study.pk, "attachment_id": attachment.pk})
    )
    assert shared.status_code == 200
    assert shared["Cache-Control"].startswith("private")
    assert shared["Content-Disposition"] == 'attachment; filename="report.pdf"'


def test_submitting_needs_a_reviewer_of_the_organisation(client, project, lead):
    case_study = study(project, lead)
    # A governance lead from another organisation (invited to the project) is no reviewer.
    MembershipFactory(project=project, role=Role.GOVERNANCE, user=UserFactory())
    client.force_login(lead)
    response = client.post(url("practice-sharing", project, case_study_id=case_study.pk), {"action": "submit"})
    assert response.status_code == 400
    assert "Nobody on this project can review it" in response.content.decode()
    case_study.refresh_from_db()
    assert case_study.sharing == CaseStudy.Sharing.PRIVATE


def test_a_reviewer_of_another_organisation_cannot_approve(client, project, lead, reviewer):
    case_study = study(project, lead)
    services.sharing_submit(by=lead, case_study=case_study)
    visitor = MembershipFactory(project=project, role=Role.GOVERNANCE, user=UserFactory()).user
    client.force_login(visitor)
    response = client.post(url("practice-review", project, case_study_id=case_study.pk), {"decision": "approve"})
    assert f"Only a reviewer from {project.organisation.name} can review it." in response.content.decode()
    case_study.refresh_from_db()
    assert case_study.sharing == CaseStudy.Sharing.SUBMITTED


def test_changing_a_shared_case_study_sends_it_back_for_review(client, project, lead, reviewer):
    case_study = study(project, lead)
    services.sharing_submit(by=lead, case_study=case_study)
    services.sharing_review(by=reviewer, case_study=case_study, approve=True)
    client.force_login(lead)
    response = attach(client, project, case_study, "new.pdf", pdf_bytes())
    assert response.status_code == 302
    case_study.refresh_from_db()
    assert case_study.sharing == CaseStudy.Sharing.SUBMITTED
    assert case_study.reviewed_by is None


# --- Demo data ---------------------------------------------------------------------------------


def test_demo_case_studies_are_illustrative_and_load_once(project, member_of):
    import io

    from research.practice import demo

    users = {role: member_of(project, role) for role in (Role.LEAD, Role.GOVERNANCE)}
    for _ in range(2):
        demo.load(project=project, users=users, stdout=io.StringIO())
    case_studies = CaseStudy.objects.filter(project=project)
    assert case_studies.count() == len(demo.CASE_STUDIES) == 3
    assert all(case_study.illustrative for case_study in case_studies)
    assert sorted(case_studies.values_list("sharing", flat=True)) == ["private", "shared", "submitted"]
    assert titles(selectors.shared_case_studies()) == [
        "Community mental health navigators in faith and community centres"
    ]


def test_a_case_study_puts_2a_in_progress(project, lead):
    from amhe.core.progress import substeps_with_work

    assert "2A" not in substeps_with_work(project)
    study(project, lead)
    assert "2A" in substeps_with_work(project)


def test_attaching_still_checks_the_csrf_token(project, lead):
    from django.test import Client

    case_study = study(project, lead)
    client = Client(enforce_csrf_checks=True)
    client.force_login(lead)
    response = attach(client, project, case_study, "report.pdf", pdf_bytes())
    assert response.status_code == 403
    assert not CaseStudyAttachment.objects.exists()
