"""Identify 1B, work with communities: staff pages for focus groups, community
input, themes from all sources and the community asset directory.

Every page finds the project through access.get_project_for_user (404 for
non-members) and each record through its access helper in
identify.community.selectors: within that project, or within the project's
organisation for assets (404 otherwise). Lists are read there too. Lists and
aggregate pages need Action.VIEW; record-level pages and every write need
Action.ENGAGE (leads and analysts). Writes go through identify.community.services; figures about
people go through the project's suppression rule (presenters).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from amhe.analysis.downloads import csv_download
from amhe.core import access, navigation, taxonomy
from amhe.core import presenters as core_presenters
from amhe.core.access import Action
from amhe.core.forms import add_service_errors
from amhe.core.selectors import suppression_rule_for
from amhe.core.two_factor import recent_sign_in_required
from identify.community import assets_csv, presenters, selectors, services
from identify.community.forms import (
    AssetFilterForm,
    AssetForm,
    AssetImportForm,
    FocusGroupForm,
    InputLinkPromptForm,
    InputThemesForm,
    StaffInputForm,
    theme_text,
)
from identify.models import (
    CommunityInputLink,
)

TEMPLATES = "identify/community"
ASSETS_PER_PAGE = 25
MAKE_UP_PEOPLE = "the people who came"
THEME_PEOPLE = "the people who answered surveys"


# --- Finding things -----------------------------------------------------------------


def _can_engage(membership) -> bool:
    return access.role_can(membership.role, Action.ENGAGE)


def _url(name, project, **kwargs) -> str:
    return reverse(f"identify:{name}", kwargs={"project_id": project.pk, **kwargs})


def _crumbs(project, *extra):
    return navigation.crumbs(project, "identify", *extra)


def _focus_group_crumbs(project, *extra):
    return _crumbs(project, ("Focus groups", _url("focus-groups", project)), *extra)


def _input_crumbs(project, *extra):
    return _crumbs(project, ("Community input", _url("community-inputs", project)), *extra)


def _asset_crumbs(project, *extra):
    return _crumbs(project, ("Community assets", _url("assets", project)), *extra)


def _theme_crumbs(project, *extra):
    return _crumbs(project, ("Themes", _url("themes", project)), *extra)


def _rule_context(rule, people: str) -> dict:
    return {
        "rule": rule,
        "rule_sentence": presenters.rule_sentence(rule, people),
        "suppressed_note": presenters.suppressed_note(rule),
    }


# --- Focus groups ------------------------------------------------------------------------


@require_GET
def focus_group_list(request, project_id):
    project, membership = access.get_project_for_user(request.user, project_id)
    groups = selectors.focus_groups(project)
    rule = suppression_rule_for(project)
    return TemplateResponse(
        request,
        f"{TEMPLATES}/focus_group_list.html",
        {
            "project": project,
            "groups": groups,
            "attendees": sum(group.attendees for group in groups),
            "make_up": presenters.combined_make_up(groups, rule),
            "can_engage": _can_engage(membership),
            **_rule_context(rule, MAKE_UP_PEOPLE),
            "crumbs": _crumbs(project),
        },
    )


def _focus_group_form_page(request, project, focus_group):
    form = FocusGroupForm(request.POST or None, project=project, focus_group=focus_group)
    if request.method == "POST" and form.is_valid():
        try:
            if focus_group is None:
                focus_group = services.focus_group_create(by=request.user, project=project, **form.service_arguments())
                messages.success(request, "Focus group recorded.")
            else:
                services.focus_group_update(by=request.user, focus_group=focus_group, **form.service_arguments())
                messages.success(request, "Focus group saved.")
        except ValidationError as exc:
            if focus_group is not None and focus_group.pk:
                focus_group.refresh_from_db()
            add_service_errors(form, exc)
        else:
            return redirect(_url("focus-group", project, focus_group_id=focus_group.pk))
    crumbs = _focus_group_crumbs(project)
    if focus_group is not None:
        crumbs.append((focus_group.title, _url("focus-group", project, focus_group_id=focus_group.pk)))
    return TemplateResponse(
        request,
        f"{TEMPLATES}/focus_group_form.html",
        {
            "project": project,
            "form": form,
            "focus_group": focus_group,
            "make_up_groups": form.make_up_groups(),
            "crumbs": crumbs,
        },
    )


@require_http_methods(["GET", "POST"])
def focus_group_new(request, project_id):
    project, membership = access.get_project_for_user(request.user, project_id, Action.ENGAGE)
    return _focus_group_form_page(request, project, None)


@require_http_methods(["GET", "POST"])
def focus_group_edit(request, project_id, focus_group_id):
    project, membership, focus_group = selectors.focus_group_for(request.user, project_id, focus_group_id)
    return _focus_group_form_page(request, project, focus_group)


@require_GET
def focus_group_detail(request, project_id, focus_group_id):
    project, membership, focus_group = selectors.focus_group_for(request.user, project_id, focus_group_id)
    rule = suppression_rule_for(project)
    return TemplateResponse(
        request,
        f"{TEMPLATES}/focus_group_detail.html",
        {
            "project": project,
            "focus_group": focus_group,
            "themes": focus_group.themes.order_by("name"),
            "make_up": presenters.make_up(focus_group.make_up, focus_group.attendees, rule),
            **_rule_context(rule, MAKE_UP_PEOPLE),
            "crumbs": _focus_group_crumbs(project),
        },
    )


@recent_sign_in_required
@require_http_methods(["GET", "POST"])
def focus_group_delete(request, project_id, focus_group_id):
    project, membership, focus_group = selectors.focus_group_for(request.user, project_id, focus_group_id)
    if request.method == "POST":
        title = focus_group.title
        services.focus_group_delete(by=request.user, focus_group=focus_group)
        messages.success(request, f"Focus group '{title}' deleted.")
        return redirect(_url("focus-groups", project))
    return TemplateResponse(
        request,
        f"{TEMPLATES}/focus_group_delete.html",
        {
            "project": project,
            "focus_group": focus_group,
            "crumbs": _focus_group_crumbs(
                project, (focus_group.title, _url("focus-group", project, focus_group_id=focus_group.pk))
            ),
        },
    )


# --- Community input ----------------------------------------------------------------------


def _public_link(request, link: CommunityInputLink) -> str:
    return request.build_absolute_uri(reverse("public:community-input", kwargs={"token": link.token}))


@require_GET
def community_input_list(request, project_id):
    project, membership = access.get_project_for_user(request.user, project_id)
    inputs = selectors.community_inputs(project)
    link = selectors.input_link(project)
    return TemplateResponse(
        request,
        f"{TEMPLATES}/input_list.html",
        {
            "project": project,
            "inputs": inputs,
            "link": link,
            "can_engage": _can_engage(membership),
            "crumbs": _crumbs(project),
        },
    )


@require_http_methods(["GET", "POST"])
def community_input_new(request, project_id):
    """Input received by email, letter or in person, typed in by staff."""
    project, membership = access.get_project_for_user(request.user, project_id, Action.ENGAGE)
    form = StaffInputForm(request.POST or None, initial={"submitted_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            item = services.community_input_enter(by=request.user, project=project, **form.service_arguments())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Input from {item.organisation_name} saved.")
            return redirect(_url("community-input", project, input_id=item.pk))
    return TemplateResponse(
        request,
        f"{TEMPLATES}/input_form.html",
        {"project": project, "form": form, "crumbs": _input_crumbs(project)},
    )


@require_http_methods(["GET", "POST"])
def community_input_detail(request, project_id, input_id):
    """One piece of input, and the themes it is coded with (POST saves them)."""
    project, membership, item = selectors.community_input_for(request.user, project_id, input_id)
    form = InputThemesForm(request.POST or None, initial={"theme_names": theme_text(item)})
    if request.method == "POST" and form.is_valid():
        services.community_input_tag(
            by=request.user, community_input=item, theme_names=form.cleaned_data["theme_names"]
        )
        messages.success(request, "Themes saved.")
        return redirect(_url("community-input", project, input_id=item.pk))
    return TemplateResponse(
        request,
        f"{TEMPLATES}/input_detail.html",
        {
            "project": project,
            "item": item,
            "form": form,
            "themes": item.themes.order_by("name"),
            "existing_themes": selectors.theme_names(project),
            "crumbs": _input_crumbs(project),
        },
    )


@recent_sign_in_required
@require_http_methods(["GET", "POST"])
def community_input_delete(request, project_id, input_id):
    project, membership, item = selectors.community_input_for(request.user, project_id, input_id)
    if request.method == "POST":
        services.community_input_delete(by=request.user, community_input=item)
        messages.success(request, f"Input from {item.organisation_name} deleted.")
        return redirect(_url("community-inputs", project))
    return TemplateResponse(
        request,
        f"{TEMPLATES}/input_delete.html",
        {
            "project": project,
            "item": item,
            "crumbs": _input_crumbs(
                project, (f"From {item.organisation_name}", _url("community-input", project, input_id=item.pk))
            ),
        },
    )


@require_http_methods(["GET", "POST"])
def community_input_link(request, project_id):
    """The public link: make it, show it for copying, open or close it, change
    its prompt or its address. POST action=create|open|close|prompt|new_link."""
    project, membership = access.get_project_for_user(request.user, project_id, Action.ENGAGE)
    link = selectors.input_link(project)
    form = InputLinkPromptForm(initial={"prompt": link.prompt if link else ""})
    if request.method == "POST":
        action = request.POST.get("action")
        form = InputLinkPromptForm(request.POST)
        if action == "create" and link is None:
            if form.is_valid():
                services.input_link_create(by=request.user, project=project, prompt=form.cleaned_data["prompt"])
                messages.success(request, "Link made. Copy it and send it to community groups and partner services.")
                return redirect(_url("community-input-link", project))
        elif link is not None and action in ("open", "close"):
            services.input_link_update(by=request.user, link=link, is_open=action == "open")
            messages.success(request, "The link is open." if action == "open" else "The link is closed.")
            return redirect(_url("community-input-link", project))
        elif link is not None and action == "new_link":
            services.input_link_new_token(by=request.user, link=link)
            messages.success(request, "New link made. The old link no longer works.")
            return redirect(_url("community-input-link", project))
        elif link is not None and action == "prompt":
            if form.is_valid():
                services.input_link_update(by=request.user, link=link, prompt=form.cleaned_data["prompt"])
                messages.success(request, "What the form asks has been saved.")
                return redirect(_url("community-input-link", project))
        else:
            messages.error(request, "Choose what to do.")
            return redirect(_url("community-input-link", project))
    return TemplateResponse(
        request,
        f"{TEMPLATES}/input_link.html",
        {
            "project": project,
            "link": link,
            "public_url": _public_link(request, link) if link else "",
            "form": form,
            "crumbs": _input_crumbs(project),
        },
    )


# --- Themes -----------------------------------------------------------------------------


@require_GET
def theme_list(request, project_id):
    project, membership = access.get_project_for_user(request.user, project_id)
    rule = suppression_rule_for(project)
    rows = presenters.theme_rows(project, rule)
    return TemplateResponse(
        request,
        f"{TEMPLATES}/theme_list.html",
        {
            "project": project,
            "rows": rows,
            "summary": presenters.theme_summary(rows, rule),
            "any_hidden": any(
                value is None
                for row in rows
                for value in (row.survey_answers, row.focus_groups, row.community_inputs, row.total)
            ),
            **_rule_context(rule, THEME_PEOPLE + ", came to focus groups or sent input"),
            "crumbs": _crumbs(project),
        },
    )


@require_GET
def theme_detail(request, project_id, theme_id):
    """Where a theme was coded. Focus groups and community input by title and
    sender for everyone; the survey answers themselves, which can identify
    people, for leads and analysts only."""
    project, membership, theme = selectors.theme_for(request.user, project_id, theme_id)
    rule = suppression_rule_for(project)
    can_engage = _can_engage(membership)
    answers = selectors.coded_answers(project, theme) if can_engage else []
    return TemplateResponse(
        request,
        f"{TEMPLATES}/theme_detail.html",
        {
            "project": project,
            "theme": theme,
            "row": presenters.theme_row(project, theme, rule),
            "focus_groups": selectors.theme_focus_groups(project, theme),
            "inputs": selectors.theme_community_inputs(project, theme),
            "answers": answers,
            "can_engage": can_engage,
            **_rule_context(rule, THEME_PEOPLE),
            "crumbs": _theme_crumbs(project),
        },
    )


# --- Community assets ---------------------------------------------------------------------


def _asset_rows(assets):
    return [
        {
            "asset": asset,
            "characteristics": presenters.characteristic_labels(asset.characteristics),
        }
        for asset in assets
    ]


@require_GET
def asset_list(request, project_id):
    project, membership = access.get_project_for_user(request.user, project_id)
    filter_form = AssetFilterForm(request.GET or None)
    filters = filter_form.filters() if filter_form.is_bound else {}
    assets = presenters.filter_assets(project.organisation, **filters)
    page = Paginator(assets, ASSETS_PER_PAGE).get_page(request.GET.get("page"))
    return TemplateResponse(
        request,
        f"{TEMPLATES}/asset_list.html",
        {
            "project": project,
            "filter_form": filter_form,
            "filtered": bool(filters),
            "page": page,
            "rows": _asset_rows(page.object_list),
            "total": selectors.asset_count(project.organisation),
            "count": len(assets),
            "page_links": core_presenters.page_links(page),
            "can_engage": _can_engage(membership),
            "crumbs": _crumbs(project),
        },
    )


def _asset_form_page(request, project, asset):
    form = AssetForm(request.POST or None, asset=asset)
    if request.method == "POST" and form.is_valid():
        try:
            if asset is None:
                asset = services.asset_create(
                    by=request.user, organisation=project.organisation, **form.service_arguments()
                )
                messages.success(request, f"'{asset.name}' added to the directory.")
            else:
                services.asset_update(by=request.user, asset=asset, **form.service_arguments())
                messages.success(request, f"'{asset.name}' saved.")
        except ValidationError as exc:
            if asset is not None and asset.pk:
                asset.refresh_from_db()
            add_service_errors(form, exc)
        else:
            return redirect(_url("asset", project, asset_id=asset.pk))
    crumbs = _asset_crumbs(project)
    if asset is not None:
        crumbs.append((asset.name, _url("asset", project, asset_id=asset.pk)))
    return TemplateResponse(
        request,
        f"{TEMPLATES}/asset_form.html",
        {"project": project, "form": form, "asset": asset, "crumbs": crumbs},
    )


@require_http_methods(["GET", "POST"])
def asset_new(request, project_id):
    project, membership = access.get_project_for_user(request.user, project_id, Action.ENGAGE)
    return _asset_form_page(request, project, None)


@require_http_methods(["GET", "POST"])
def asset_edit(request, project_id, asset_id):
    project, membership, asset = selectors.asset_for(request.user, project_id, asset_id, Action.ENGAGE)
    return _asset_form_page(request, project, asset)


@require_GET
def asset_detail(request, project_id, asset_id):
    project, membership, asset = selectors.asset_for(request.user, project_id, asset_id)
    return TemplateResponse(
        request,
        f"{TEMPLATES}/asset_detail.html",
        {
            "project": project,
            "asset": asset,
            "characteristics": presenters.characteristic_labels(asset.characteristics),
            "criteria": presenters.criteria_rows(asset.criteria),
            "focus_groups": selectors.asset_focus_groups(project, asset),
            "can_engage": _can_engage(membership),
            "crumbs": _asset_crumbs(project),
        },
    )


@recent_sign_in_required
@require_http_methods(["GET", "POST"])
def asset_delete(request, project_id, asset_id):
    project, membership, asset = selectors.asset_for(request.user, project_id, asset_id, Action.ENGAGE)
    if request.method == "POST":
        services.asset_delete(by=request.user, asset=asset)
        messages.success(request, f"'{asset.name}' removed from the directory.")
        return redirect(_url("assets", project))
    return TemplateResponse(
        request,
        f"{TEMPLATES}/asset_delete.html",
        {
            "project": project,
            "asset": asset,
            "focus_group_count": selectors.asset_focus_group_count(asset),
            "crumbs": _asset_crumbs(project, (asset.name, _url("asset", project, asset_id=asset.pk))),
        },
    )


@require_GET
def assets_csv_export(request, project_id):
    """The directory as CSV, with the filters of the list page (same GET parameters)."""
    project, membership = access.get_project_for_user(request.user, project_id)
    filter_form = AssetFilterForm(request.GET or None)
    filters = filter_form.filters() if filter_form.is_bound else {}
    response = csv_download(f"community-assets-{timezone.localdate():%Y-%m-%d}.csv")
    assets_csv.write(response, presenters.filter_assets(project.organisation, **filters))
    return response


@require_GET
def assets_import_template(request, project_id):
    access.get_project_for_user(request.user, project_id, Action.ENGAGE)
    response = csv_download("community-assets-template.csv")
    assets_csv.write(response, [])
    return response


@require_http_methods(["GET", "POST"])
def assets_import(request, project_id):
    """Upload a CSV of assets: all rows checked first; any problem and nothing is imported."""
    project, membership = access.get_project_for_user(request.user, project_id, Action.ENGAGE)
    form = AssetImportForm(request.POST or None, request.FILES or None, max_bytes=assets_csv.MAX_BYTES)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read(assets_csv.MAX_BYTES + 1)
        result = assets_csv.read_csv(data, filename=upload.name)
        if result.ok:
            try:
                report = services.assets_import(by=request.user, organisation=project.organisation, rows=result.rows)
            except ValidationError as exc:
                form.add_error("file", f"Nothing was imported. {' '.join(exc.messages)}")
            else:
                messages.success(request, _import_message(report))
                return redirect(_url("assets", project))
        else:
            problems = len(result.errors) + result.more_errors
            form.add_error(
                "file",
                f"Nothing was imported: the file has {problems} problem{'s' if problems != 1 else ''}. Fix "
                f"{'them' if problems != 1 else 'it'} and upload the file again.",
            )
    return TemplateResponse(
        request,
        f"{TEMPLATES}/asset_import.html",
        {
            "project": project,
            "form": form,
            "result": result,
            "columns": assets_csv.COLUMNS,
            "characteristics": list(taxonomy.CHARACTERISTICS.values()),
            "criteria_lists": [
                (key, label, taxonomy.code_list(key).answered) for key, label in services.CRITERIA_CODE_LISTS
            ],
            "max_mb": assets_csv.MAX_BYTES // (1024 * 1024),
            "max_rows": assets_csv.MAX_ROWS,
            "crumbs": _asset_crumbs(project),
        },
    )


def _import_message(report: services.ImportReport) -> str:
    def assets(n):
        return f"{n} asset{'s' if n != 1 else ''}"

    parts = [f"{assets(report.created)} added", f"{report.updated} updated"]
    if report.unchanged:
        parts.append(f"{report.unchanged} already up to date")
    return "Import finished: " + ", ".join(parts[:-1]) + " and " + parts[-1] + "."
