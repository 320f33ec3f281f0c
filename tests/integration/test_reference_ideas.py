"""Research 2A evidence linked to the NGT ideas (2B) it supports: chosen on the
reference form, refused from another project, listed on the reference's page."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from amhe.core.models import Role
from research.evidence import services
from tests.factories import NgtIdeaFactory, NgtSessionFactory, ReferenceFactory

pytestmark = pytest.mark.django_db


def test_a_reference_names_the_ideas_it_supports(client, project, member_of):
    lead = member_of(project, Role.LEAD)
    session = NgtSessionFactory(project=project, question="What would help after 5pm?")
    idea = NgtIdeaFactory(session=session, number=1, text="An evening crisis café")
    merged = NgtIdeaFactory(session=session, number=2, text="A café at night", merged_into=idea)
    reference = ReferenceFactory(project=project, title="Crisis cafés: an evaluation")
    url = reverse("research:reference-edit", args=[project.pk, reference.pk])
    client.force_login(lead)
    form = client.get(url).context["form"]
    assert list(form.fields["ngt_ideas"].queryset) == [idea]  # not the merged one
    reply = client.post(url, {"title": reference.title, "year": 2020, "ngt_ideas": [idea.pk]})
    assert reply.status_code == 302, reply.context["form"].errors
    assert list(reference.ngt_ideas.all()) == [idea]
    page = client.get(reverse("research:reference", args=[project.pk, reference.pk])).content.decode()
    assert "An evening crisis café (idea 1," in page
    assert reverse("research:ngt-results", args=[project.pk, session.pk]) in page
    for wrong in (merged, NgtIdeaFactory(text="Another project's idea")):
        with pytest.raises(ValidationError, match="this project's NGT sessions"):
            services.reference_update(by=lead, reference=reference, ngt_ideas=[wrong])
    assert list(reference.ngt_ideas.all()) == [idea]
    # Without any NGT idea in the project the form does not ask.
    other = ReferenceFactory()
    client.force_login(member_of(other.project, Role.LEAD))
    form = client.get(reverse("research:reference-edit", args=[other.project.pk, other.pk])).context["form"]
    assert "ngt_ideas" not in form.fields
