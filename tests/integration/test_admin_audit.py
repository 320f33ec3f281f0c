"""What is done in Django's admin is in the audit log (amhe/core/admin_audit.py): adds,
changes, deletions from the delete page and the bulk "Delete selected" action, inline
records, and every membership (role) change, with the object's kind and id, the account and
the outcome, and no personal data beyond the account."""

import datetime

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse
from django.utils import translation

from amhe.core.admin_audit import AuditedAdmin
from amhe.core.models import AuditEvent, Membership, Population, Project, Role
from tests.factories import MembershipFactory, PopulationFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db
A = AuditEvent.Action


@pytest.fixture
def superuser(client):
    user = UserFactory(is_staff=True, is_superuser=True, organisation=None)
    client.force_login(user)
    return user


def events(action=None):
    rows = AuditEvent.objects.order_by("pk")
    if action:
        rows = rows.filter(action=action)
    return list(rows.values_list("action", "user_id", "object_kind", "object_id", "outcome", "detail"))


def no_personal_data(*people):
    for event in AuditEvent.objects.all():
        text = " ".join(str(v) for v in (event.object_kind, event.object_id, event.detail, event.outcome))
        for person in people:
            assert person.email not in text and (not person.full_name or person.full_name not in text)


def _field_data(prefix, form) -> dict:
    """What a browser would send for `form` as the admin shows it: each widget's own
    rendering of the current value (a multi-part widget's parts under their own names)."""
    data = {}
    for name in form.fields:
        bound = form[name]
        value = bound.value()
        if isinstance(value, bool):
            if value:
                data[f"{prefix}{name}"] = "on"
            continue
        widget = bound.field.widget
        widget = getattr(widget, "widget", widget)  # inside the admin's related-object wrapper
        # A field with a callable default also sends its first value, hidden, to compare with.
        names = [bound.html_name] + ([bound.html_initial_name] if bound.field.show_hidden_initial else [])
        for html_name in names:
            rendered = widget.get_context(html_name, value, {})["widget"]
            for part in rendered.get("subwidgets") or [rendered]:
                data[part["name"]] = "" if part["value"] is None else part["value"]
    return data


def change_form_data(response) -> dict:
    """The admin change page's form and its inline formsets, as posted unchanged (dates
    written in the page's own language, as the browser had them)."""
    with translation.override(response.wsgi_request.LANGUAGE_CODE):
        form = response.context["adminform"].form
        data = _field_data("", form)
        for inline in response.context["inline_admin_formsets"]:
            formset = inline.formset
            data |= {f"{formset.prefix}-{k}": v for k, v in formset.management_form.initial.items()}
            for each in formset.forms[: formset.initial_form_count()]:
                data |= _field_data(f"{each.prefix}-", each)
    return data


def test_every_admin_of_the_app_is_audited():
    """Any ModelAdmin of the app's models (and of django-otp's devices) inherits AuditedAdmin,
    so a new admin cannot be added without it."""
    ours = {config.label for config in apps.get_app_configs() if "site-packages" not in config.path}
    ours |= {"otp_totp", "otp_static"}
    checked = 0
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label in ours:
            assert isinstance(model_admin, AuditedAdmin), model
            checked += 1
    assert checked >= 15
    assert not admin.site.is_registered(apps.get_model("otp_static", "StaticDevice"))


def test_a_deletion_on_the_delete_page(client, superuser, project):
    population = PopulationFactory(organisation=project.organisation)
    url = reverse("admin:core_population_delete", args=[population.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not Population.objects.filter(pk=population.pk).exists()
    event = AuditEvent.objects.get(action=A.DELETE)
    assert (event.user_id, event.object_kind, event.object_id, event.outcome, event.detail) == (
        superuser.pk,
        "population",
        str(population.pk),
        "ok",
        "in the admin",
    )
    assert event.organisation_id == project.organisation_id


def test_a_bulk_delete_logs_each_object(client, superuser, project):
    populations = PopulationFactory.create_batch(3, organisation=project.organisation)
    chosen = [p.pk for p in populations[:2]]
    response = client.post(
        reverse("admin:core_population_changelist"),
        {"action": "delete_selected", "_selected_action": chosen, "post": "yes"},
    )
    assert response.status_code == 302
    assert set(Population.objects.values_list("pk", flat=True)) == {populations[2].pk}
    assert sorted(events(A.DELETE)) == sorted(
        ("delete", superuser.pk, "population", str(pk), "ok", "in the admin") for pk in chosen
    )


def test_an_add_and_a_change_name_the_fields_not_their_values(client, superuser, project):
    url = reverse("admin:core_population_add")
    data = {"organisation": project.organisation_id, "name": "Secret name", "description": "", "area": ""}
    data["criteria"] = '[{"code_list": "nhs_ethnic_category", "codes": ["M"]}]'
    assert client.post(url, data).status_code == 302
    population = Population.objects.get(name="Secret name")
    change = reverse("admin:core_population_change", args=[population.pk])
    data = change_form_data(client.get(change))
    data["name"] = "Another secret name"
    assert client.post(change, data).status_code == 302
    assert Population.objects.get(pk=population.pk).name == "Another secret name"
    assert events(A.ADD) == [("add", superuser.pk, "population", str(population.pk), "ok", "in the admin")]
    assert events(A.CHANGE) == [
        ("change", superuser.pk, "population", str(population.pk), "ok", "changed Name in the admin")
    ]
    assert not AuditEvent.objects.filter(detail__icontains="secret").exists()


def test_inline_membership_changes_are_role_changes(client, superuser, project):
    stays = MembershipFactory(project=project, role=Role.LEAD)
    changes = MembershipFactory(project=project, role=Role.VIEWER)
    goes = MembershipFactory(project=project, role=Role.ANALYST)
    newcomer = UserFactory(organisation=project.organisation)
    url = reverse("admin:core_project_change", args=[project.pk])
    data = change_form_data(client.get(url))
    forms = {int(data[k]): k.rsplit("-", 1)[0] for k in data if k.startswith("memberships-") and k.endswith("-id")}
    data[f"{forms[changes.pk]}-role"] = Role.ANALYST
    data[f"{forms[goes.pk]}-DELETE"] = "on"
    total = int(data["memberships-TOTAL_FORMS"])
    data |= {f"memberships-{total}-user": newcomer.pk, f"memberships-{total}-role": Role.GOVERNANCE}
    data |= {f"memberships-{total}-project": project.pk, "memberships-TOTAL_FORMS": total + 1}
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]

    assert Membership.objects.get(pk=changes.pk).role == Role.ANALYST
    assert not Membership.objects.filter(pk=goes.pk).exists()
    added = Membership.objects.get(project=project, user=newcomer)
    roles = events(A.ROLE_CHANGE)
    assert sorted(roles) == sorted(
        [
            (
                "role_change",
                superuser.pk,
                "membership",
                str(goes.pk),
                "ok",
                f"account {goes.user_id} removed (was analyst) in the admin",
            ),
            (
                "role_change",
                superuser.pk,
                "membership",
                str(changes.pk),
                "ok",
                f"account {changes.user_id} viewer -> analyst in the admin",
            ),
            (
                "role_change",
                superuser.pk,
                "membership",
                str(added.pk),
                "ok",
                f"account {newcomer.pk} added as governance in the admin",
            ),
        ]
    )
    assert (
        AuditEvent.objects.filter(action=A.ROLE_CHANGE).values_list("project_id", flat=True).distinct().get()
        == project.pk
    )
    assert not AuditEvent.objects.filter(object_kind="membership", object_id=str(stays.pk)).exists()
    no_personal_data(superuser, stays.user, changes.user, goes.user, newcomer)


def test_deleting_a_project_logs_it_and_the_roles_that_go_with_it(client, superuser):
    project = ProjectFactory()
    members = [MembershipFactory(project=project, role=role) for role in (Role.LEAD, Role.VIEWER)]
    assert client.post(reverse("admin:core_project_delete", args=[project.pk]), {"post": "yes"}).status_code == 302
    assert not Project.objects.filter(pk=project.pk).exists()
    assert events(A.DELETE) == [("delete", superuser.pk, "project", str(project.pk), "ok", "in the admin")]
    assert events(A.ROLE_CHANGE) == [
        (
            "role_change",
            superuser.pk,
            "membership",
            str(m.pk),
            "ok",
            f"account {m.user_id} removed (was {m.role}) with its project in the admin",
        )
        for m in members
    ]


def test_making_an_account_staff_is_a_role_change(client, superuser, project):
    person = UserFactory(
        organisation=project.organisation, date_joined=datetime.datetime(2026, 1, 5, 9, 30, tzinfo=datetime.UTC)
    )
    url = reverse("admin:core_user_change", args=[person.pk])
    data = change_form_data(client.get(url))
    data["is_staff"] = "on"
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    person.refresh_from_db()
    assert person.is_staff
    assert events(A.ROLE_CHANGE) == [
        ("role_change", superuser.pk, "user", str(person.pk), "ok", "changed Is staff in the admin")
    ]
    no_personal_data(person)
    # Another change to the account is a plain change.
    data["full_name"] = "New Name"
    assert client.post(url, data).status_code == 302
    assert events(A.CHANGE) == [
        ("change", superuser.pk, "user", str(person.pk), "ok", "changed Full name in the admin")
    ]


def test_removing_a_single_sign_on_link_is_logged_and_editing_one_is_not_possible(client, superuser):
    from amhe.core.models import OidcSubject

    person = UserFactory()
    link = OidcSubject.objects.create(user=person, issuer="https://login.example/tenant/v2.0", subject="s")
    assert client.get(reverse("admin:core_oidcsubject_add")).status_code == 403
    assert client.post(reverse("admin:core_oidcsubject_delete", args=[link.pk]), {"post": "yes"}).status_code == 302
    assert not OidcSubject.objects.exists()
    event = AuditEvent.objects.get(action=A.DELETE)
    assert (event.user_id, event.object_kind, event.object_id) == (superuser.pk, "oidcsubject", str(link.pk))
