"""Research 2A through the web: references (form, CSV and RIS import), the
register of existing initiatives, and the overlap warning on a priority's page."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from amhe.core.models import Role
from research.evidence import importing, services
from research.models import Initiative, Reference
from tests.factories import InitiativeFactory, PopulationFactory, PriorityFactory, ProjectFactory, ReferenceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead(project, member_of):
    return member_of(project, Role.LEAD)


@pytest.fixture
def signed_in(client, lead):
    client.force_login(lead)
    return client


def _url(name, project, **kwargs):
    return reverse(f"research:{name}", kwargs={"project_id": project.pk, **kwargs})


def _upload(client, project, name, data):
    return client.post(_url("references-import", project), {"file": SimpleUploadedFile(name, data)})


RIS = (
    b"TY  - JOUR\nTI  - Ethnic inequalities in involuntary admission\nAU  - Barnett, P\nPY  - 2019\n"
    b"DO  - 10.1016/S2215-0366(19)30027-6\nER  - \n"
    b"TY  - RPRT\nTI  - Advancing mental health equalities strategy\nUR  - https://www.england.nhs.uk/\nER  - \n"
)


def test_ris_import_adds_references_and_skips_dois_already_there(signed_in, project, lead):
    ReferenceFactory(project=project, title="Already here", doi="10.1016/s2215-0366(19)30027-6")
    response = _upload(signed_in, project, "export.ris", RIS)
    assert response.status_code == 302
    titles = sorted(Reference.objects.filter(project=project).values_list("title", flat=True))
    assert titles == ["Advancing mental health equalities strategy", "Already here"]
    page = signed_in.get(response.url).content.decode()
    assert "Import finished: 1 reference added. 1 was already in the evidence base" in page
    added = Reference.objects.get(title="Advancing mental health equalities strategy")
    assert (added.url, added.created_by) == ("https://www.england.nhs.uk/", lead)


def test_bad_csv_says_what_to_fix_and_adds_nothing(signed_in, project):
    data = b"title,year\nFine,2019\nBad,twenty\n"
    response = _upload(signed_in, project, "refs.csv", data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Nothing was imported: the file has 1 problem. Fix it and upload the file again." in page
    assert "Row 3: &#x27;twenty&#x27; is not a year." in page
    assert not Reference.objects.filter(project=project).exists()


def test_import_refuses_other_kinds_and_huge_files(signed_in, project):
    response = _upload(signed_in, project, "refs.xlsx", b"PK\x03\x04")
    assert "The selected file must be a CSV or a RIS file" in response.content.decode()
    response = _upload(signed_in, project, "refs.ris", b"x" * (importing.MAX_BYTES + 1))
    assert "The selected file must be smaller than 2 MB" in response.content.decode()
    assert not Reference.objects.exists()


def test_import_template_is_the_headings(signed_in, project):
    response = signed_in.get(_url("references-import-template", project))
    assert response.content.decode("utf-8-sig") == "title,authors,year,doi,url,summary\r\n"


def test_reference_form_checks_doi_and_web_address(signed_in, project):
    response = signed_in.post(
        _url("reference-new", project), {"title": "A study", "doi": "11.2/x", "url": "javascript:alert(1)"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "is not a DOI" in page
    assert "is not a web address" in page
    assert not Reference.objects.exists()

    response = signed_in.post(
        _url("reference-new", project),
        {"title": "A study", "doi": "https://doi.org/10.1192/bjp.2019.22", "characteristics": ["race"]},
    )
    reference = Reference.objects.get()
    assert response.url == _url("reference", project, reference_id=reference.pk)
    assert (reference.doi, reference.characteristics) == ("10.1192/bjp.2019.22", ["race"])
    response = signed_in.post(_url("reference-new", project), {"title": "Another", "doi": "10.1192/BJP.2019.22"})
    assert "already has this DOI" in response.content.decode()


def test_services_refuse_another_organisations_population(project, lead):
    other = PopulationFactory()
    with pytest.raises(ValidationError):
        services.reference_create(by=lead, project=project, title="A study", populations=[other])
    assert not Reference.objects.exists()


def test_initiative_register(signed_in, project):
    response = signed_in.post(
        _url("initiative-new", project),
        {
            "name": "Crisis café",
            "sector": "vcse",
            "owner": "Touchstone",
            "characteristics": ["race"],
            "start_date_day": "1",
            "start_date_month": "4",
            "start_date_year": "2025",
            "end_date_day": "1",
            "end_date_month": "4",
            "end_date_year": "2024",
        },
    )
    assert "The end date must be the same as or after the start date" in response.content.decode()
    assert not Initiative.objects.exists()
    response = signed_in.post(
        _url("initiative-new", project),
        {"name": "Crisis café", "sector": "vcse", "owner": "Touchstone", "characteristics": ["race"]},
    )
    initiative = Initiative.objects.get()
    assert response.url == _url("initiative", project, initiative_id=initiative.pk)
    page = signed_in.get(_url("initiatives", project)).content.decode()
    assert "Crisis café" in page
    assert "Voluntary, community and social enterprise (VCSE)" in page


def test_a_priority_that_overlaps_an_initiative_links_it_after_saving(signed_in, project):
    cafe = InitiativeFactory(
        project=project, name="Crisis café", description="Crisis café run by peers", characteristics=["race"]
    )
    InitiativeFactory(project=project, name="Housing advice", description="Housing advice", characteristics=["race"])
    InitiativeFactory(  # another project's: never matched
        project=ProjectFactory(organisation=project.organisation),
        name="Elsewhere",
        description="Peer support for Black carers in crisis",
        characteristics=["race"],
    )
    response = signed_in.post(
        _url("priority-new", project),
        {
            "title": "Peer support for Black carers in crisis",
            "source": "other",
            "impact": "high",
            "effort": "low",
            "horizon": "short",
            "characteristics": ["race", "carer"],
        },
        follow=True,
    )
    page = response.content.decode()
    assert "This looks like an existing initiative" in page
    link = f'<a href="{_url("initiative", project, initiative_id=cafe.pk)}">Crisis café</a>'
    assert f"This looks like an existing initiative: {link}." in page
    assert "words in common: crisis, peer" in page
    assert "Join up with its owner" in page
    assert "Housing advice" not in page
    assert "Elsewhere" not in page


def test_a_priority_for_other_people_gives_no_warning(signed_in, project):
    InitiativeFactory(
        project=project, name="Crisis café", description="Crisis café run by peers", characteristics=["age"]
    )
    priority = PriorityFactory(project=project, title="Crisis café run by peers", characteristics=["race"])
    page = signed_in.get(_url("priority", project, priority_id=priority.pk)).content.decode()
    assert "This looks like an existing initiative" not in page
