"""Research 2B: nominal group technique sessions, the facilitator's pages
(namespace research, under /projects/<project_id>/research/ngt/).

Every member sees the sessions and their results; the facilitator (a lead:
Action.PLAN, as for the other 2B plans) opens a session, shares its link or
QR code, runs the phases, types in ideas and paper rankings, merges
duplicates and turns ideas into priorities. The screen page is meant for a
projector: it updates itself through static/js/ngt-screen.mjs polling
`ngt-screen-json`, and without JavaScript by reloading it.
"""

from __future__ import annotations

import io

import segno
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from amhe.core import access, navigation
from amhe.core.access import Action
from amhe.core.forms import add_service_errors
from research.evidence import presenters as evidence_presenters
from research.models import NgtSession
from research.ngt import presenters, selectors, services
from research.ngt.forms import IdeaForm, MergeForm, PaperRankingForm, PriorityFromIdeaForm, SessionForm

TEMPLATES = "research/ngt"
Phase = NgtSession.Phase


def _url(name, project, **kwargs) -> str:
    return reverse(f"research:{name}", kwargs={"project_id": project.pk, **kwargs})


def _session_url(name, session) -> str:
    return _url(name, session.project, session_id=session.pk)


def _crumbs(project, *extra):
    return navigation.crumbs(project, "research", ("NGT sessions", _url("ngt-sessions", project)), *extra)


def _session_crumbs(session, *extra):
    return _crumbs(session.project, (_short(session.question), _session_url("ngt-session", session)), *extra)


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _can_run(membership) -> bool:
    return access.role_can(membership.role, Action.PLAN)


def join_link(request, session) -> str:
    return request.build_absolute_uri(reverse("public:ngt-join", kwargs={"token": session.join_token}))


def overview_context(request, project, membership) -> dict:
    """What the step page shows under 2B."""
    return {"ngt_sessions": selectors.sessions(project)[:5], "can_run_ngt": _can_run(membership)}


def _overlap_rows(idea):
    return evidence_presenters.overlap_rows(idea.session.project, selectors.idea_overlaps(idea), {})


def _idea_rows(session, ideas) -> list[dict]:
    """Each idea with the existing initiatives it overlaps (links and reasons)."""
    found = selectors.overlaps_by_idea(session, ideas)
    return [
        {"idea": idea, "overlaps": evidence_presenters.overlap_rows(session.project, found.get(idea.pk, []), {})}
        for idea in ideas
    ]


# --- Sessions -----------------------------------------------------------------------------


@require_GET
def session_list(request, project_id):
    project, membership = access.get_project_for_user(request.user, project_id)
    return TemplateResponse(
        request,
        f"{TEMPLATES}/session_list.html",
        {
            "project": project,
            "sessions": selectors.sessions(project),
            "can_run": _can_run(membership),
            "crumbs": navigation.crumbs(project, "research"),
        },
    )


@require_http_methods(["GET", "POST"])
def session_new(request, project_id):
    project, membership = access.get_project_for_user(request.user, project_id, Action.PLAN)
    form = SessionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.session_create(by=request.user, project=project, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Session opened. Share the link or QR code, then show the screen page.")
            return redirect(_session_url("ngt-session", session))
    return TemplateResponse(
        request, f"{TEMPLATES}/session_form.html", {"project": project, "form": form, "crumbs": _crumbs(project)}
    )


@require_GET
def session_detail(request, project_id, session_id):
    project, membership, session = selectors.session_for(request.user, project_id, session_id)
    return TemplateResponse(
        request,
        f"{TEMPLATES}/session_detail.html",
        {
            "project": project,
            "session": session,
            "phase": presenters.phase_tag(session),
            "steps": presenters.phase_steps(session),
            "phase_help": presenters.PHASE_STEPS[session.phase],
            "next_action": presenters.NEXT_ACTION.get(session.phase),
            "idea_rows": _idea_rows(session, selectors.ideas(session)),
            "counts": selectors.counts(session),
            "joined": [(presenters.GROUP_HEADINGS[g], n) for g, n in selectors.joined_by_group(session).items()],
            "join_url": join_link(request, session) if session.mode == NgtSession.Mode.ONLINE else "",
            "can_run": _can_run(membership),
            "is_open": session.phase != Phase.CLOSED,
            "crumbs": _crumbs(project),
        },
    )


@require_http_methods(["GET", "POST"])
def session_phase(request, project_id, session_id):
    """Move the session to its next phase (GET asks to confirm)."""
    project, membership, session = selectors.session_for(request.user, project_id, session_id, Action.PLAN)
    error = ""
    if request.method == "POST":
        try:
            session = services.session_advance(by=request.user, session=session)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, f"Now: {session.get_phase_display().lower()}.")
            return redirect(_session_url("ngt-session", session))
    return TemplateResponse(
        request,
        f"{TEMPLATES}/session_phase.html",
        {
            "project": project,
            "session": session,
            "next_action": presenters.NEXT_ACTION.get(session.phase),
            "counts": selectors.counts(session),
            "error": error,
            "crumbs": _session_crumbs(session),
        },
        status=400 if error else 200,
    )


# --- The facilitator's screen ----------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def session_screen(request, project_id, session_id):
    """The projector page. POST step=next|previous moves the round-robin listing."""
    project, membership, session = selectors.session_for(request.user, project_id, session_id, Action.PLAN)
    if request.method == "POST":
        step = {"next": 1, "previous": -1}.get(request.POST.get("step"), 0)
        services.listing_move(by=request.user, session=session, step=step)
        return redirect(_session_url("ngt-screen", session))
    return TemplateResponse(
        request,
        f"{TEMPLATES}/screen.html",
        {
            "project": project,
            "session": session,
            "screen": presenters.screen_data(session),
            "join_url": join_link(request, session) if session.mode == NgtSession.Mode.ONLINE else "",
            "results": presenters.results(session) if session.phase == Phase.CLOSED else None,
            "crumbs": _session_crumbs(session),
        },
    )


@never_cache
@require_GET
def session_screen_json(request, project_id, session_id):
    project, membership, session = selectors.session_for(request.user, project_id, session_id, Action.PLAN)
    return JsonResponse(presenters.screen_data(session))


@require_GET
def session_qr(request, project_id, session_id):
    """The join link as a QR code (SVG)."""
    project, membership, session = selectors.session_for(request.user, project_id, session_id, Action.PLAN)
    code = segno.make(join_link(request, session), error="m")
    buffer = io.BytesIO()
    code.save(buffer, kind="svg", scale=8, border=4, xmldecl=False, title="QR code to join the session")
    response = HttpResponse(buffer.getvalue(), content_type="image/svg+xml")
    response["Cache-Control"] = "private, no-store"
    return response


# --- Ideas ------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def idea_new(request, project_id, session_id):
    """The facilitator types in an idea (said in the room, or written on paper)."""
    project, membership, session = selectors.session_for(request.user, project_id, session_id, Action.PLAN)
    form = IdeaForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            idea = services.idea_add(by=request.user, session=session, text=form.cleaned_data["text"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            overlaps = _overlap_rows(idea)
            messages.success(request, f"Idea {idea.number} added.")
            for item in overlaps:
                messages.warning(
                    request,
                    f"Idea {idea.number} looks like an existing initiative: {item.name}. "
                    "The session's list of ideas links to it.",
                )
            if "another" in request.POST:
                return redirect(_session_url("ngt-idea-new", session))
            return redirect(_session_url("ngt-session", session) + "#ideas")
    return TemplateResponse(
        request,
        f"{TEMPLATES}/idea_form.html",
        {
            "project": project,
            "session": session,
            "form": form,
            "ideas": selectors.ideas(session),
            "crumbs": _session_crumbs(session),
        },
    )


@require_http_methods(["GET", "POST"])
def idea_merge(request, project_id, session_id, idea_id):
    project, membership, idea = selectors.idea_for(request.user, project_id, session_id, idea_id)
    session = idea.session
    form = MergeForm(request.POST if request.method == "POST" else None, choices=selectors.merge_choices(idea))
    if request.method == "POST" and form.is_valid():
        try:
            services.idea_merge(by=request.user, idea=idea, into=form.cleaned_data["into"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            idea.refresh_from_db()
            messages.success(request, f"Idea {idea.number} merged into idea {idea.merged_into.number}.")
            return redirect(_session_url("ngt-session", session) + "#ideas")
    return TemplateResponse(
        request,
        f"{TEMPLATES}/idea_merge.html",
        {"project": project, "session": session, "idea": idea, "form": form, "crumbs": _session_crumbs(session)},
    )


@require_http_methods(["GET", "POST"])
def idea_priority(request, project_id, session_id, idea_id):
    """Make a 2C priority from an idea, after a look at the initiatives it overlaps."""
    project, membership, idea = selectors.idea_for(request.user, project_id, session_id, idea_id)
    form = PriorityFromIdeaForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            priority = services.idea_make_priority(by=request.user, idea=idea, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Priority made from the idea. It is proposed until the lead agrees it.")
            return redirect(_url("priority", project, priority_id=priority.pk))
    return TemplateResponse(
        request,
        f"{TEMPLATES}/idea_priority.html",
        {
            "project": project,
            "session": idea.session,
            "idea": idea,
            "form": form,
            "overlaps": _overlap_rows(idea),
            "crumbs": _session_crumbs(idea.session),
        },
    )


# --- Paper rankings and results ----------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def paper_new(request, project_id, session_id):
    """Type in one paper ranking: the participant's group and their ideas in order."""
    project, membership, session = selectors.session_for(request.user, project_id, session_id, Action.PLAN)
    ideas = selectors.live_ideas(session)
    form = PaperRankingForm(request.POST if request.method == "POST" else None, ideas=ideas, top_n=session.top_n)
    open_for_papers = session.phase == Phase.RANKING
    if request.method == "POST" and form.is_valid():
        try:
            services.paper_ranking_add(
                by=request.user, session=session, group=form.cleaned_data["group"], idea_ids=form.choice_ids()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Paper ranking added.")
            if "another" in request.POST:
                return redirect(_session_url("ngt-paper-new", session))
            return redirect(_session_url("ngt-session", session))
    return TemplateResponse(
        request,
        f"{TEMPLATES}/paper_form.html",
        {
            "project": project,
            "session": session,
            "form": form,
            "open_for_papers": open_for_papers,
            "crumbs": _session_crumbs(session),
        },
    )


@require_GET
def session_results(request, project_id, session_id):
    project, membership, session = selectors.session_for(request.user, project_id, session_id)
    return TemplateResponse(
        request,
        f"{TEMPLATES}/results.html",
        {
            "project": project,
            "session": session,
            "results": presenters.results(session),
            "can_run": _can_run(membership),
            "crumbs": _session_crumbs(session),
        },
    )
