"""One confirmation page for deleting a step's records, captioned with its step."""

import pytest
from django.urls import reverse

from amhe.core.models import Role
from tests.factories import ReferenceFactory, RiskFactory

pytestmark = pytest.mark.django_db


def test_the_delete_page_names_the_record_and_its_step(client, project, member_of):
    client.force_login(member_of(project, Role.LEAD))
    reference = ReferenceFactory(project=project, title="Crisis cafés")
    page = client.get(reverse("research:reference-delete", args=[project.pk, reference.pk])).content.decode()
    assert "Delete reference – Crisis cafés – 2 Research –" in page and f"{project.name} · 2 Research" in page
    risk = RiskFactory(project=project, title="Funding ends")
    page = client.get(reverse("deliver:risk-delete", args=[project.pk, risk.pk])).content.decode()
    assert "Delete risk – Funding ends – 3 Deliver –" in page and f"{project.name} · 3 Deliver" in page


def test_deleting_an_intervention_says_what_goes_with_it(client, project, member_of):
    from tests.factories import InterventionFactory, StrategyFactory

    client.force_login(member_of(project, Role.LEAD))
    intervention = InterventionFactory(strategy=StrategyFactory(project=project), title="Evening café")
    page = client.get(reverse("deliver:intervention-delete", args=[project.pk, intervention.pk])).content.decode()
    assert "equality impact assessment with every version, are deleted with it" in page


def test_sending_the_delete_page_deletes_says_so_and_goes_back_to_the_list(client, project, member_of):
    from django.contrib.messages import get_messages

    from research.models import Reference

    client.force_login(member_of(project, Role.LEAD))
    reference = ReferenceFactory(project=project, title="Crisis cafés")
    reply = client.post(reverse("research:reference-delete", args=[project.pk, reference.pk]))
    assert reply.url == reverse("research:references", args=[project.pk])
    assert not Reference.objects.filter(pk=reference.pk).exists()
    assert [str(m) for m in get_messages(reply.wsgi_request)] == ["Reference 'Crisis cafés' deleted."]
