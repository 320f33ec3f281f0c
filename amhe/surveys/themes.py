"""Themes coded by hand on what people told us: free-text survey answers and
anything else a step records with a `themes` relation to Theme (1B's focus-group
notes and community input) share one list of themes per project, so they can be
counted together."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models, transaction

from amhe.surveys import figures as survey_figures
from amhe.surveys.models import Answer, Theme

MAX_NAME = 100


def parse_names(raw: str) -> list[str]:
    """Theme names from a comma- or line-separated text box, tidied, first spelling kept."""
    names: dict[str, str] = {}
    for part in raw.replace("\n", ",").split(","):
        name = " ".join(part.split())
        if name:
            if len(name) > MAX_NAME:
                raise ValidationError(f"Theme names can be at most {MAX_NAME} characters: shorten '{name[:30]}...'.")
            names.setdefault(name.casefold(), name)
    return list(names.values())


@transaction.atomic
def themes_set(*, by, project, target: Answer | models.Model, names: list[str]) -> list[Theme]:
    """Tag `target` with exactly these themes, creating new ones on the project.
    Names match existing themes whatever their letter case."""
    existing = {theme.name.casefold(): theme for theme in Theme.objects.filter(project=project)}
    themes = []
    for name in names:
        theme = existing.get(name.casefold())
        if theme is None:
            theme = Theme.objects.create(project=project, name=name)
            existing[name.casefold()] = theme
        themes.append(theme)
    target.themes.set(themes)
    if isinstance(target, Answer):
        # Theme counts are part of the survey's results: work them out again once this commits.
        survey_figures.request_refresh(survey=target.response.survey, by=by)
    return themes
