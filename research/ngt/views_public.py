"""Research 2B: the pages NGT participants use (no login; namespace public).

    /n/<join token>/                 join: the question, language, how you take part
    /np/<participant token>/         your session now: what to do in this phase
    /np/<participant token>/ideas/   write an idea (silent idea generation)
    /np/<participant token>/rank/    rank your top N (once)

One thing a page, in the participant's language (gettext; ?lang= changes it
and a participant's page remembers it), with <html lang dir> to match, so
Urdu reads right to left. Nothing is kept about a participant but the group
they take part as and their language: no IP address, device, session or
cookie of ours (the CSRF cookie aside). Joining and sending ideas are
rate-limited per client (amhe.surveys.antispam, a hashed expiring counter)
and meet a honeypot; a bot's post is dropped but answered like anyone's.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from amhe.surveys import antispam, i18n
from research.models import NgtSession
from research.ngt import selectors, services
from research.ngt.forms import GROUP_LABELS, JoinForm, ParticipantIdeaForm, ParticipantRankingForm

TEMPLATES = "research/ngt/public"
RATE_GROUP = "ngt"
Phase = NgtSession.Phase


def _language(request, default: str | None = None) -> str:
    wanted = request.GET.get("lang", "")
    if wanted in dict(settings.LANGUAGES):
        return wanted
    return default or translation.get_language() or i18n.DEFAULT


def _render(request, template, context, language, status=200):
    with translation.override(language):
        response = render(
            request,
            f"{TEMPLATES}/{template}",
            {
                "project": None,  # no project navigation on public pages
                "language": language,
                "other_languages": [(code, name) for code, name in settings.LANGUAGES if code != language],
                **context,
            },
            status=status,
        )
    response["Content-Language"] = language
    return response


def _not_found(request, language):
    return _render(request, "not_found.html", {}, language, status=404)


def _home(participant) -> str:
    return reverse("public:ngt-participant", kwargs={"token": participant.token})


def _too_many(form):
    form.add_error(
        None,
        _(
            "A lot of forms have been sent from your internet connection in a short time, so we could not take "
            "this one. Wait a few minutes, then send it again."
        ),
    )


# --- Joining ----------------------------------------------------------------------------------


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def join(request, token):
    language = _language(request)
    session = selectors.session_for_join_token(token)
    if session is None or session.mode != NgtSession.Mode.ONLINE:
        return _not_found(request, language)
    if session.phase == Phase.CLOSED:
        return _render(request, "closed.html", {"session": session}, language, status=410)
    with translation.override(language):
        form = JoinForm(request.POST if request.method == "POST" else None)
        status = 200
        if request.method == "POST":
            if antispam.rate_limited(request, RATE_GROUP):
                form.full_clean()
                _too_many(form)
                status = 429
            elif form.is_valid():
                if form.is_bot():
                    return redirect(request.path)  # nothing kept
                try:
                    participant = services.participant_join(
                        session=session, group=form.cleaned_data["group"], language=language
                    )
                except services.NotOpen:
                    return _render(request, "closed.html", {"session": session}, language, status=410)
                return redirect(_home(participant))
            else:
                status = 400
    return _render(
        request,
        "join.html",
        {"session": session, "form": form, "action": f"{request.path}?lang={language}", "home_url": request.path},
        language,
        status,
    )


# --- A participant's own pages ----------------------------------------------------------------


def _participant(request, token):
    """(participant, language, None) or (None, language, a page saying why not)."""
    participant = selectors.participant_for_token(token)
    if participant is None:
        return None, None, _not_found(request, _language(request))
    language = _language(request, participant.language)
    if language != participant.language:
        participant = services.participant_set_language(participant=participant, language=language)
    if participant.session.phase == Phase.CLOSED:
        page = _render(
            request, "closed.html", {"session": participant.session, "home_url": _home(participant)}, language, 410
        )
        return None, language, page
    return participant, language, None


def _context(participant, **extra) -> dict:
    session = participant.session
    return {
        "session": session,
        "participant": participant,
        "group_label": GROUP_LABELS.get(participant.group, ""),
        "home_url": _home(participant),
        **extra,
    }


@login_not_required
@never_cache
@require_GET
def participant_home(request, token):
    participant, language, refusal = _participant(request, token)
    if refusal:
        return refusal
    session = participant.session
    if session.phase == Phase.IDEAS:
        return redirect(reverse("public:ngt-idea", kwargs={"token": token}))
    if participant.ranked_at is not None:
        return _render(
            request, "ranked.html", _context(participant, ranking=selectors.own_ranking(participant)), language
        )
    if session.phase == Phase.RANKING:
        return redirect(reverse("public:ngt-rank", kwargs={"token": token}))
    return _render(request, "wait.html", _context(participant), language)


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def participant_idea(request, token):
    participant, language, refusal = _participant(request, token)
    if refusal:
        return refusal
    if participant.session.phase != Phase.IDEAS:
        return redirect(_home(participant))
    with translation.override(language):
        form = ParticipantIdeaForm(request.POST if request.method == "POST" else None)
        status = 200
        if request.method == "POST":
            if antispam.rate_limited(request, RATE_GROUP):
                form.full_clean()
                _too_many(form)
                status = 429
            elif form.is_valid():
                if form.is_bot():
                    return redirect(request.path)
                try:
                    services.idea_submit(participant=participant, text=form.cleaned_data["text"])
                except services.NotOpen:
                    return redirect(_home(participant))
                except ValidationError as exc:
                    form.add_error("text", " ".join(exc.messages))
                    status = 400
                else:
                    return redirect(reverse("public:ngt-idea", kwargs={"token": token}) + "?sent=1")
            else:
                status = 400
    return _render(
        request,
        "idea.html",
        _context(participant, form=form, own_ideas=selectors.own_ideas(participant), sent="sent" in request.GET),
        language,
        status,
    )


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def participant_rank(request, token):
    participant, language, refusal = _participant(request, token)
    if refusal:
        return refusal
    session = participant.session
    if request.method == "GET" and (session.phase != Phase.RANKING or participant.ranked_at is not None):
        return redirect(_home(participant))
    ideas = selectors.live_ideas(session)
    with translation.override(language):
        form = ParticipantRankingForm(
            request.POST if request.method == "POST" else None, ideas=ideas, top_n=session.top_n
        )
        status = 200
        if request.method == "POST":
            if participant.ranked_at is not None:
                return _already_ranked(request, participant, language)
            if form.is_valid():
                if form.is_bot():
                    return redirect(_home(participant))
                try:
                    services.ranking_submit(participant=participant, idea_ids=form.choice_ids())
                except services.AlreadyRanked:
                    return _already_ranked(request, participant, language)
                except services.NotOpen:
                    return redirect(_home(participant))
                except ValidationError as exc:
                    form.add_error(None, " ".join(exc.messages))
                    status = 400
                else:
                    return redirect(_home(participant))
            else:
                status = 400
    return _render(
        request,
        "rank.html",
        _context(participant, form=form, places=form.places, ideas=ideas),
        language,
        status,
    )


def _already_ranked(request, participant, language):
    participant.refresh_from_db()
    return _render(
        request,
        "ranked.html",
        _context(participant, ranking=selectors.own_ranking(participant), refused=True),
        language,
        status=409,
    )
