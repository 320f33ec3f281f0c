"""Survey text in the respondent's language.

A survey's own words (title, introduction, questions, options...) are
written by staff in English and translated by them in the builder; each
translatable model keeps `translations = {language: {field: text}}`, with
option labels under `{"options": {value: label}}`. A missing translation
falls back to English, so a half-translated survey still works.

The standard equality-monitoring questions and the app's chrome are
translated with gettext (locale/<language>/LC_MESSAGES/django.po).
See docs/adr/0006-survey-translations.md.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation

from amhe.surveys import equality

SURVEY_FIELDS = ("title", "introduction", "privacy_notice", "consent_text", "confirmation_text")
QUESTION_FIELDS = ("text", "hint", "easy_read", "min_label", "max_label")
DEFAULT = "en-gb"


def language_name(code: str) -> str:
    """The language's name in itself ("Polski", "اردو"), as respondents choose it."""
    return dict(settings.LANGUAGES).get(code, code)


def english_language_name(code: str) -> str:
    """The language's name in English ("Polish", "Urdu")."""
    if code == DEFAULT or code not in dict(settings.LANGUAGES):
        return language_name(code)
    return translation.get_language_info(code)["name"]


def staff_language_name(code: str) -> str:
    """For staff pages: the language's own name, then its English name if that differs: "Polski (Polish)"."""
    name, english = language_name(code), english_language_name(code)
    return name if english == name else f"{name} ({english})"


def offered_languages(survey) -> list[str]:
    """English first, then the survey's other languages that the app knows."""
    known = dict(settings.LANGUAGES)
    return [DEFAULT] + [code for code in survey.languages if code in known and code != DEFAULT]


def text(obj, field: str, language: str) -> str:
    """A survey's or question's field in `language`, falling back to English."""
    if language != DEFAULT:
        translated = (obj.translations or {}).get(language, {}).get(field)
        if translated:
            return translated
    return getattr(obj, field)


def question_text(question, field: str, language: str) -> str:
    """A question's text, hint or easy-read version in `language`. Standard
    equality questions come from the gettext catalogue, not the row."""
    standard = equality.BY_KEY.get(question.equality_key) if question.equality_key else None
    if standard is not None and field in ("text", "hint", "easy_read"):
        with translation.override(language):
            return str(getattr(standard, field))
    return text(question, field, language)


def options(question, language: str) -> list[dict]:
    """The question's options with labels in `language` (same dicts, copied)."""
    standard = equality.BY_KEY.get(question.equality_key) if question.equality_key else None
    if standard is not None:
        with translation.override(language):
            return standard.option_list()
    if language == DEFAULT:
        return [dict(option) for option in question.options]
    labels = (question.translations or {}).get(language, {}).get("options", {})
    with translation.override(language):
        # Without the builder's own translation, a common label ("Yes", "Strongly
        # agree") still comes out translated if the app's catalogue has it.
        return [
            {**option, "label": labels.get(option["value"]) or translation.gettext(option["label"])}
            for option in question.options
        ]


def missing(survey, questions, language: str) -> list[str]:
    """What still lacks a `language` translation, as readable names, for the builder."""
    gaps = [
        f"Survey: {field.replace('_', ' ')}"
        for field in SURVEY_FIELDS
        if getattr(survey, field) and not text_is_translated(survey, field, language)
    ]
    for number, question in enumerate(questions, start=1):
        if question.equality_key:
            continue
        for field in QUESTION_FIELDS:
            if getattr(question, field) and not text_is_translated(question, field, language):
                gaps.append(f"Question {number}: {field.replace('_', ' ')}")
        labels = (question.translations or {}).get(language, {}).get("options", {})
        if any(
            not labels.get(option["value"]) and not catalogued(option["label"], language) for option in question.options
        ):
            gaps.append(f"Question {number}: answer options")
    return gaps


def text_is_translated(obj, field: str, language: str) -> bool:
    return bool((obj.translations or {}).get(language, {}).get(field))


def catalogued(label: str, language: str) -> bool:
    """Whether the app's own catalogue translates this label (the agreement scale, for one)."""
    with translation.override(language):
        return translation.gettext(label) != label
