"""`load_demo` gives the Leeds project feedback forms with a few coded answers and
"you said, we did" entries (two published, one draft), through the services, once
however often it runs."""

from unittest import mock

import pytest
from django.core.management import call_command
from django.urls import reverse

from amhe.core.management.commands.load_demo import WEST_YORKSHIRE
from amhe.core.models import Project
from amhe.surveys.models import SurveyResponse
from evaluate.feedback import services
from evaluate.models import FeedbackForm, YouSaidWeDid

pytestmark = pytest.mark.django_db


def test_demo_has_feedback_and_you_said_we_did(client, settings):
    settings.DEBUG = True
    with (
        mock.patch.object(services, "feedback_form_create", wraps=services.feedback_form_create) as make_form,
        mock.patch.object(services, "ysd_publish", wraps=services.ysd_publish) as publish,
    ):
        call_command("load_demo", verbosity=0)
        call_command("load_demo", verbosity=0)  # idempotent
    assert (make_form.call_count, publish.call_count) == (2, 2)
    project = Project.objects.get(name=WEST_YORKSHIRE.project_name)
    forms = FeedbackForm.objects.filter(project=project)
    assert forms.count() == 2
    sent = SurveyResponse.objects.filter(survey__feedback_form__project=project, state="submitted")
    assert sent.count() >= 8
    entries = YouSaidWeDid.objects.filter(project=project)
    assert {e.state for e in entries} == {"published", "draft"}
    html = client.get(reverse("public:feedback", kwargs={"token": project.feedback_page.token})).content.decode()
    for entry in entries:
        assert (entry.we_did in html) == (entry.state == "published")
