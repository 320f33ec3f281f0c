"""Research 2C: a priority made from a case study (the project's own or one shared by
another organisation) or from a theme coded in 1B, linked rather than retyped."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from amhe.core.models import Role
from research.models import CaseStudy, Priority
from research.priorities import services
from tests.factories import (
    CaseStudyFactory,
    NgtIdeaFactory,
    NgtSessionFactory,
    PriorityFactory,
    ProjectFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db

PLACING = {"impact": "high", "effort": "low", "horizon": "short"}


def _url(name, project, **kwargs):
    return reverse(f"research:{name}", kwargs={"project_id": project.pk, **kwargs})


@pytest.fixture
def lead(project, member_of):
    return member_of(project, Role.LEAD)


@pytest.fixture
def elsewhere():
    """Another organisation's case studies: one shared with everyone, one not."""
    other = ProjectFactory()
    return {
        "shared": CaseStudyFactory(
            project=other, title="Street triage", sharing=CaseStudy.Sharing.SHARED, reviewed_at=timezone.now()
        ),
        "private": CaseStudyFactory(project=other, title="Their private pilot"),
    }


def test_a_priority_links_the_case_study_or_theme_it_came_from(project, lead, elsewhere):
    own = CaseStudyFactory(project=project, title="Navigators")
    theme = ThemeFactory(project=project, name="Waiting too long")
    from_own = services.priority_create(
        by=lead, project=project, title="Navigators in Harehills", source="case_study", case_study=own, **PLACING
    )
    from_shared = services.priority_create(
        by=lead,
        project=project,
        title="Street triage here",
        source="case_study",
        case_study=elsewhere["shared"],
        **PLACING,
    )
    from_theme = services.priority_create(
        by=lead, project=project, title="Call people back", source="theme", theme=theme, **PLACING
    )
    assert (from_own.case_study, from_shared.case_study, from_theme.theme) == (own, elsewhere["shared"], theme)


@pytest.mark.parametrize(
    "given, field, message",
    [
        (
            {"source": "case_study", "case_study": "private"},
            "case_study",
            "this project's case studies or a shared one",
        ),
        ({"source": "other", "case_study": "shared"}, "case_study", "You chose a case study"),
        ({"source": "theme", "theme": "other"}, "theme", "this project's themes"),
        ({"source": "case_study", "theme": "own"}, "theme", "You chose a theme"),
    ],
)
def test_a_record_the_project_cannot_read_or_that_disagrees_with_the_source_is_refused(
    project, lead, elsewhere, given, field, message
):
    themes = {"own": ThemeFactory(project=project), "other": ThemeFactory()}
    arguments = dict(given)
    if "case_study" in arguments:
        arguments["case_study"] = elsewhere[arguments["case_study"]]
    if "theme" in arguments:
        arguments["theme"] = themes[arguments["theme"]]
    with pytest.raises(ValidationError) as refused:
        services.priority_create(by=lead, project=project, title="A priority", **PLACING, **arguments)
    assert message in " ".join(refused.value.message_dict[field])
    assert not Priority.objects.exists()


def test_changing_where_it_came_from_drops_the_link_and_an_agreed_priority_is_proposed_again(project, lead, member_of):
    theme = ThemeFactory(project=project)
    priority = services.priority_create(
        by=lead, project=project, title="Call back", source="theme", theme=theme, **PLACING
    )
    priority.state = Priority.State.AGREED
    priority.save()
    analyst = member_of(project, Role.ANALYST)
    services.priority_update(by=analyst, priority=priority, source="other", source_text="A staff meeting")
    priority.refresh_from_db()
    assert priority.theme is None and priority.source_text == "A staff meeting"
    assert priority.state == Priority.State.PROPOSED
    # An update that does not mention the links keeps them.
    services.priority_update(by=lead, priority=priority, source="theme", theme=theme)
    services.priority_update(by=lead, priority=priority, title="Call people back")
    priority.refresh_from_db()
    assert priority.theme == theme


def test_make_it_a_priority_starts_the_form_from_the_record(client, project, lead, elsewhere):
    own = CaseStudyFactory(project=project, title="Navigators in community centres")
    theme = ThemeFactory(project=project, name="Nobody called back")
    client.force_login(lead)
    detail = client.get(_url("practice-case-study", project, case_study_id=own.pk)).content.decode()
    assert f"{_url('priority-new', project)}?case_study={own.pk}" in detail
    form = client.get(_url("priority-new", project), {"case_study": own.pk}).context["form"]
    assert form.initial == {"title": own.title, "source": "case_study", "case_study": own.pk}
    form = client.get(_url("priority-new", project), {"case_study": elsewhere["shared"].pk}).context["form"]
    assert form.initial["case_study"] == elsewhere["shared"].pk
    form = client.get(_url("priority-new", project), {"theme": theme.pk}).context["form"]
    assert form.initial == {"title": theme.name, "source": "theme", "theme": theme.pk}
    # Another organisation's unshared case study and a theme of another project are ignored: no title leaks.
    page = client.get(_url("priority-new", project), {"case_study": elsewhere["private"].pk})
    assert page.context["form"].initial == {} and "Their private pilot" not in page.content.decode()
    assert client.get(_url("priority-new", project), {"theme": ThemeFactory().pk}).context["form"].initial == {}
    assert client.get(_url("priority-new", project), {"theme": "1 OR 1=1"}).status_code == 200


def test_the_form_saves_the_link_and_the_priority_page_names_it(client, project, lead, elsewhere):
    client.force_login(lead)
    reply = client.post(
        _url("priority-new", project),
        {"title": "Street triage in Leeds", "source": "case_study", "case_study": elsewhere["shared"].pk, **PLACING},
    )
    priority = Priority.objects.get()
    assert reply.url == _url("priority", project, priority_id=priority.pk)
    page = client.get(reply.url).content.decode()
    shared_url = reverse("research-shared:case-study", args=[elsewhere["shared"].pk])
    assert f'<a href="{shared_url}">Street triage</a>' in page
    assert f"(shared by {elsewhere['shared'].project.organisation.name})" in page
    # Once its organisation stops sharing it, the priority no longer names it.
    CaseStudy.objects.filter(pk=elsewhere["shared"].pk).update(sharing=CaseStudy.Sharing.PRIVATE)
    page = client.get(reply.url).content.decode()
    assert "Street triage</a>" not in page and "a case study another organisation no longer shares" in page
    # A private case study of another organisation cannot be chosen.
    reply = client.post(
        _url("priority-new", project),
        {"title": "Copy", "source": "case_study", "case_study": elsewhere["private"].pk, **PLACING},
    )
    assert reply.status_code == 200 and "Select a valid choice" in reply.content.decode()


def test_research_page_offers_each_theme_as_a_priority(client, project, lead, member_of):
    theme = ThemeFactory(project=project, name="Nobody called back")
    PriorityFactory(project=project)
    client.force_login(lead)
    page = client.get(reverse("research:overview", args=[project.pk])).content.decode()
    assert f"{_url('priority-new', project)}?theme={theme.pk}" in page
    client.force_login(member_of(project, Role.PANEL))
    page = client.get(reverse("research:overview", args=[project.pk])).content.decode()
    assert "?theme=" not in page


def test_an_ngt_idea_is_linked_like_the_other_origins(client, project, lead):
    session = NgtSessionFactory(project=project, question="What would help after 5pm?")
    idea = NgtIdeaFactory(session=session, text="A café open in the evening")
    merged = NgtIdeaFactory(session=session, text="An evening café", merged_into=idea)
    elsewhere = NgtIdeaFactory(text="Another project's idea")
    for record, message in ((merged, "not one merged into another"), (elsewhere, "this project's NGT sessions")):
        with pytest.raises(ValidationError, match=message):
            services.priority_create(by=lead, project=project, title="x", source="ngt_idea", ngt_idea=record, **PLACING)
    client.force_login(lead)
    form = client.get(_url("priority-new", project)).context["form"]
    assert list(form.fields["ngt_idea"].queryset) == [idea]
    reply = client.post(
        _url("priority-new", project), {"title": "Evening café", "source": "ngt_idea", "ngt_idea": idea.pk, **PLACING}
    )
    priority = Priority.objects.get()
    assert priority.ngt_idea == idea
    page = client.get(reply.url).content.decode()
    results = reverse("research:ngt-results", args=[project.pk, session.pk])
    assert 'the idea "A café open in the evening"' in page and f'href="{results}"' in page
    # Saying it came from somewhere else drops the link.
    services.priority_update(by=lead, priority=priority, source="other")
    priority.refresh_from_db()
    assert priority.ngt_idea is None
