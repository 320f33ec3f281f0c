"""Reads for Research that span its areas. 2A "ask the community" reads what
Identify 1B gathered (surveys, focus groups, community input, themes) rather
than copying it, so the research view shows what communities said next to the
evidence."""

from __future__ import annotations

from amhe.core.selectors import suppression_rule_for
from amhe.surveys.selectors import surveys_of_step
from identify.community import presenters as community_presenters
from identify.community import selectors as community_selectors

TOP_THEMES = 10


def what_communities_said(project) -> dict:
    """1B's surveys, focus groups and community input, and the themes coded across them
    (names only, in the order of their published counts)."""
    rule = suppression_rule_for(project)
    themes = [row.theme for row in community_presenters.theme_rows(project, rule)]
    return {
        "surveys": list(surveys_of_step(project, "identify").order_by("-created_at")),
        "focus_group_count": len(community_selectors.focus_groups(project)),
        "community_input_count": community_selectors.community_inputs(project).count(),
        "themes": themes[:TOP_THEMES],
        "more_themes": max(len(themes) - TOP_THEMES, 0),
    }
