"""Building and distributing surveys, for any step (services).

Writes for the survey builder: surveys and their settings, questions (with
stable option values and show-if rules), the standard equality-monitoring
section, translations, publishing, the open link, single-use invitations and
the organisation's question bank. Keyword-only, `by=` the user, atomic; emails
go after commit.

Option values never change once chosen ("o1", "o2"... for lists typed by
staff, "1".."5" for agreement scales, the numbers themselves for rating
scales), so answers and show-if rules keep pointing at the same option when
its wording changes. Once anyone has answered a survey, options can be
reworded or added but not removed or put in another order.

Anonymity (docs/adr/0007): an invitation records no person, and tokens are
never logged.
"""

from __future__ import annotations

import datetime
import re
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_noop

from amhe.core import audit
from amhe.core.models import Membership, Role
from amhe.surveys import equality, i18n
from amhe.surveys import figures as survey_figures
from amhe.surveys.models import Invitation, Question, QuestionBankItem, Survey

Kind = Question.Kind

# Kinds whose answer is one or more of a fixed list of options: they can drive show-if.
CHOICE_KINDS = frozenset({Kind.SINGLE, Kind.MULTIPLE, Kind.LIKERT, Kind.RATING})
# Kinds whose options staff type in, one per line.
LIST_KINDS = frozenset({Kind.SINGLE, Kind.MULTIPLE})
# Stored in English like every label; the app's catalogues translate them for
# respondents (amhe.surveys.i18n.options), so builders need not.
LIKERT_LABELS = (
    gettext_noop("Strongly disagree"),
    gettext_noop("Disagree"),
    gettext_noop("Neither agree nor disagree"),
    gettext_noop("Agree"),
    gettext_noop("Strongly agree"),
)
RATING_DEFAULT = (0, 10)
RATING_MAX_POINTS = 21
MAX_INVITATIONS = 500
SURVEY_SETTINGS = (
    "title",
    "introduction",
    "privacy_notice",
    "consent_text",
    "confirmation_text",
    "opens_at",
    "closes_at",
    "languages",
    "include_equality",
    "open_link_enabled",
)
# Fields copied between a question and a question bank item.
BANK_FIELDS = ("kind", "text", "hint", "easy_read", "options", "min_value", "max_value", "min_label", "max_label")


def new_token() -> str:
    return secrets.token_urlsafe(24)


# --- Dates --------------------------------------------------------------------


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def day_start(day: datetime.date | None) -> datetime.datetime | None:
    """00:00 UK time on `day`: when a survey opens."""
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=_zone()) if day else None


def day_end(day: datetime.date | None) -> datetime.datetime | None:
    """23:59:59 UK time on `day`: when a survey closes."""
    return datetime.datetime.combine(day, datetime.time(23, 59, 59), tzinfo=_zone()) if day else None


def local_day(moment: datetime.datetime | None) -> datetime.date | None:
    return timezone.localtime(moment, _zone()).date() if moment else None


# --- Revision -------------------------------------------------------------------


def survey_changed(survey: Survey) -> None:
    """Give the survey a new revision: the last step of every service here that changes
    the survey or any of its questions (wording, options, logic, order, translations,
    publication, links). Respondent pages cache each survey's questions per process under
    (survey, revision) (amhe.surveys.responding.questions_of), so the next page reads them
    afresh. Random rather than counted up, so that a full save of an out-of-date copy of the
    survey (which writes its old revision back) can never bring back a revision already
    cached: this runs after that save and picks a value never used before."""
    survey.revision = secrets.randbits(62) + 1
    Survey.objects.filter(pk=survey.pk).update(revision=survey.revision)


# --- Reading helpers ------------------------------------------------------------


def own_questions(survey: Survey):
    """The survey's own questions in order (not the standard equality questions)."""
    return survey.questions.filter(equality_key="").order_by("position", "pk")


def equality_questions(survey: Survey) -> list[Question]:
    order = {item.key: index for index, item in enumerate(equality.QUESTIONS)}
    return sorted(survey.questions.exclude(equality_key=""), key=lambda q: order.get(q.equality_key, len(order)))


def ordered_questions(survey: Survey) -> list[Question]:
    """The survey's own questions in order, then its equality questions in the standard order
    (one query)."""
    return in_survey_order(survey.questions.order_by("position", "pk"))


_EQUALITY_ORDER = {item.key: index for index, item in enumerate(equality.QUESTIONS)}


def in_survey_order(questions: Iterable[Question]) -> list[Question]:
    """Questions read in (position, pk) order, put in the order respondents see them:
    own questions first, then the equality questions in the standard order."""
    questions = list(questions)
    order = _EQUALITY_ORDER
    own = [question for question in questions if not question.equality_key]
    standard = sorted(
        (question for question in questions if question.equality_key),
        key=lambda q: order.get(q.equality_key, len(order)),
    )
    return [*own, *standard]


def page_numbers(questions: Iterable[Question]) -> dict[int, int]:
    """Question pk -> the page it is on. The first question starts page 1; each
    question with `new_page` starts the next."""
    pages, page = {}, 0
    for question in questions:
        if question.new_page or page == 0:
            page += 1
        pages[question.pk] = page
    return pages


def has_responses(survey: Survey) -> bool:
    return survey.responses.exists()


def option_values(options) -> list[str]:
    return [option["value"] for option in options or []]


def option_label(question: Question, value: str) -> str:
    for option in question.options or []:
        if option["value"] == value:
            return option["label"]
    return value


def likert_options() -> list[dict]:
    return [{"value": str(n), "label": label} for n, label in enumerate(LIKERT_LABELS, start=1)]


def rating_options(low: int, high: int) -> list[dict]:
    return [{"value": str(n), "label": str(n)} for n in range(low, high + 1)]


# --- Surveys ------------------------------------------------------------------


def _check_languages(languages) -> list[str]:
    known = {code for code, _name in settings.LANGUAGES if code != i18n.DEFAULT}
    languages = list(dict.fromkeys(languages or []))
    unknown = [code for code in languages if code not in known]
    if unknown:
        raise ValidationError({"languages": f"These languages are not available: {', '.join(unknown)}"})
    return languages


def _apply_settings(survey: Survey, fields: dict) -> None:
    unknown = set(fields) - set(SURVEY_SETTINGS)
    if unknown:
        raise TypeError(f"Not survey settings: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(survey, name, value)
    survey.title = (survey.title or "").strip()
    survey.languages = _check_languages(survey.languages)
    if survey.opens_at and survey.closes_at and survey.closes_at < survey.opens_at:
        raise ValidationError({"closes_at": "The closing date must be on or after the opening date"})
    survey.full_clean(exclude=["created_by"])


@transaction.atomic
def survey_create(*, by, project, substep: str = "1B", **fields) -> Survey:
    """A draft survey for `substep` of the cycle (1B, 2A, 4A or 4B: fixed from now on), with
    the equality questions if `include_equality`."""
    survey = Survey(project=project, created_by=by, substep=substep)
    _apply_settings(survey, fields)
    survey.save()
    equality_sync(survey=survey)
    survey_changed(survey)
    return survey


@transaction.atomic
def survey_update(*, by, survey: Survey, **fields) -> Survey:
    _apply_settings(survey, fields)
    survey.save()
    equality_sync(survey=survey)
    survey_changed(survey)
    return survey


# --- Equality monitoring section ---------------------------------------------


def equality_sync(*, survey: Survey) -> None:
    """Make the standard equality questions match `survey.include_equality`:
    one row per equality.QUESTIONS item, after the survey's own questions,
    show-if wired by key. Turning the section off removes the rows, unless
    someone has answered them."""
    existing = {q.equality_key: q for q in survey.questions.exclude(equality_key="")}
    if not survey.include_equality:
        if not existing:
            return
        if any(q.answers.exists() for q in existing.values()):
            raise ValidationError(
                {
                    "include_equality": "People have answered the equality monitoring questions, so they "
                    "cannot be taken out of this survey"
                }
            )
        Question.objects.filter(pk__in=[q.pk for q in existing.values()]).delete()
        survey_changed(survey)
        return
    start = own_questions(survey).count()
    by_key: dict[str, Question] = {}
    with translation.override(i18n.DEFAULT):
        for index, item in enumerate(equality.QUESTIONS, start=1):
            question = existing.get(item.key) or Question(survey=survey, equality_key=item.key)
            question.kind = Kind.SINGLE
            question.text = str(item.text)
            question.hint = str(item.hint)
            question.easy_read = str(item.easy_read)
            question.options = item.option_list()
            question.required = False
            question.new_page = True
            question.position = start + index
            question.min_value = question.max_value = None
            question.min_label = question.max_label = ""
            question.show_if_question = by_key[item.show_if[0]] if item.show_if else None
            question.show_if_values = list(item.show_if[1]) if item.show_if else []
            question.save()
            by_key[item.key] = question
    survey_changed(survey)


def _renumber(survey: Survey) -> None:
    """Own questions 1..n in their order, then the equality questions."""
    questions = ordered_questions(survey)
    for position, question in enumerate(questions, start=1):
        if question.position != position:
            Question.objects.filter(pk=question.pk).update(position=position)
            question.position = position


# --- Questions ----------------------------------------------------------------


_OWN_VALUE = re.compile(r"o(\d+)")


def list_options(labels: Iterable[str], existing: list[dict] | None = None, *, exclusive_last=False) -> list[dict]:
    """Options for a list typed one per line. A line whose wording matches an
    existing option keeps that option's value; otherwise it takes the value of
    the option that was at its place (a rewording); otherwise a new value."""
    labels = [label.strip() for label in labels if label and label.strip()]
    existing = existing or []
    seen = set()
    for label in labels:
        if label.casefold() in seen:
            raise ValidationError({"options": f"'{label}' is in the list twice: each answer must be different"})
        seen.add(label.casefold())
    values: list[str | None] = [None] * len(labels)
    used: set[str] = set()
    by_label: dict[str, str] = {}
    for option in existing:
        by_label.setdefault(option["label"].strip(), option["value"])
    for index, label in enumerate(labels):
        value = by_label.get(label)
        if value is not None and value not in used:
            values[index] = value
            used.add(value)
    for index in range(len(labels)):
        if values[index] is None and index < len(existing) and existing[index]["value"] not in used:
            values[index] = existing[index]["value"]
            used.add(values[index])
    taken = set(option_values(existing))
    number = max([int(m.group(1)) for v in taken if (m := _OWN_VALUE.fullmatch(v))] or [0])
    for index in range(len(labels)):
        if values[index] is None:
            number += 1
            while f"o{number}" in taken:
                number += 1
            values[index] = f"o{number}"
    options = [{"value": value, "label": label} for value, label in zip(values, labels, strict=True)]
    if exclusive_last and options:
        options[-1]["exclusive"] = True
    return options


def _options_for(
    kind, *, option_labels, existing, exclusive_last, min_value, max_value
) -> tuple[list[dict], int | None, int | None]:
    """The options and range for a question of `kind`, or ValidationError."""
    if kind in LIST_KINDS:
        options = list_options(option_labels, existing, exclusive_last=exclusive_last and kind == Kind.MULTIPLE)
        if len(options) < 2:
            raise ValidationError({"options": "Enter at least 2 answer options, one on each line"})
        return options, None, None
    if kind == Kind.LIKERT:
        return likert_options(), None, None
    if kind == Kind.RATING:
        low = RATING_DEFAULT[0] if min_value is None else min_value
        high = RATING_DEFAULT[1] if max_value is None else max_value
        if high <= low:
            raise ValidationError({"max_value": "The highest point must be more than the lowest point"})
        if high - low + 1 > RATING_MAX_POINTS:
            raise ValidationError({"max_value": f"A rating scale can have at most {RATING_MAX_POINTS} points"})
        return rating_options(low, high), low, high
    if kind == Kind.NUMBER:
        if min_value is not None and max_value is not None and max_value < min_value:
            raise ValidationError({"max_value": "The largest number must be the same as or more than the smallest"})
        return [], min_value, max_value
    return [], None, None


def _check_locked_options(question: Question, new_options: list[dict]) -> None:
    """Once a survey has responses, options may be reworded or added, not removed or reordered."""
    old = option_values(question.options)
    new = option_values(new_options)
    removed = [value for value in old if value not in new]
    if removed:
        labels = ", ".join(f"'{option_label(question, value)}'" for value in removed)
        raise ValidationError(
            {
                "options": f"People have already answered this survey, so answer options cannot be removed "
                f"({labels}). You can change their wording or add new ones."
            }
        )
    if [value for value in new if value in old] != old:
        raise ValidationError(
            {
                "options": "People have already answered this survey, so answer options cannot be put in a "
                "different order. You can change their wording or add new ones."
            }
        )


def _check_dependents(question: Question, kind: str, options: list[dict]) -> None:
    """Questions shown depending on `question` must still find their answers."""
    values = set(option_values(options))
    for dependent in question.dependents.all():
        if kind not in CHOICE_KINDS:
            raise ValidationError(
                {
                    "kind": f"'{dependent.text}' is shown depending on the answer to this question, so it must "
                    "stay a question with answer options. Change that question first."
                }
            )
        lost = [value for value in dependent.show_if_values if value not in values]
        if lost:
            labels = ", ".join(f"'{option_label(question, value)}'" for value in lost)
            raise ValidationError(
                {
                    "options": f"'{dependent.text}' is shown when the answer is {labels}, so that option cannot "
                    "be removed. Change that question first."
                }
            )


def parse_show_if(show_if: Iterable[str]) -> dict[int, list[str]]:
    """{question id: [option values]} from checkbox values "<question id>:<value>"."""
    chosen: dict[int, list[str]] = {}
    for item in show_if or []:
        question_id, sep, value = str(item).partition(":")
        if not sep or not question_id.isdigit() or not value:
            raise ValidationError({"show_if": "Choose answers from the list"})
        chosen.setdefault(int(question_id), []).append(value)
    return chosen


def _resolve_show_if(
    survey: Survey, question: Question, show_if, *, new_page: bool
) -> tuple[Question | None, list[str]]:
    """The controlling question and values for `question` (which has its future
    position set), or ValidationError."""
    chosen = parse_show_if(show_if)
    if not chosen:
        return None, []
    if len(chosen) > 1:
        raise ValidationError(
            {"show_if": "Choose answers from one earlier question only: a question can depend on one other question"}
        )
    ((controller_id, values),) = chosen.items()
    controller = survey.questions.filter(pk=controller_id).first()
    if controller is None or controller.pk == question.pk:
        raise ValidationError({"show_if": "Choose answers to an earlier question of this survey"})
    if controller.equality_key or controller.kind not in CHOICE_KINDS:
        raise ValidationError(
            {"show_if": "Only answers to an earlier question with answer options or a scale can show this question"}
        )
    sequence = [q for q in own_questions(survey) if q.pk != question.pk]
    sequence.insert(_index_for(sequence, question), question)
    if controller not in sequence or sequence.index(controller) > sequence.index(question):
        raise ValidationError({"show_if": "This question can only depend on a question that comes before it"})
    allowed = option_values(controller.options)
    if any(value not in allowed for value in values):
        raise ValidationError({"show_if": "Choose answers that the earlier question offers"})
    question.new_page = bool(new_page)
    pages = page_numbers(sequence)
    if pages[controller.pk] == pages[question.pk]:
        raise ValidationError(
            {
                "new_page": "A question shown depending on an earlier answer must be on a later page than that "
                "question: tick 'Start a new page with this question'"
            }
        )
    return controller, [value for value in allowed if value in values]


def _index_for(sequence: list[Question], question: Question) -> int:
    """Where `question` goes among the other own questions (new ones go last)."""
    if question.pk is None:
        return len(sequence)
    for index, other in enumerate(sequence):
        if (other.position, other.pk) > (question.position, question.pk):
            return index
    return len(sequence)


def _save_question(
    *,
    survey: Survey,
    question: Question,
    kind,
    text,
    hint,
    easy_read,
    required,
    option_labels,
    exclusive_last,
    min_value,
    max_value,
    min_label,
    max_label,
    new_page,
    show_if,
) -> Question:
    if question.equality_key:
        raise ValidationError("The equality monitoring questions are standard: they cannot be changed one by one")
    if kind not in Kind.values:
        raise ValidationError({"kind": "Choose the kind of question"})
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Enter the question"})
    locked = question.pk is not None and question.answers.exists()
    if locked and kind != question.kind:
        raise ValidationError({"kind": "People have answered this question, so its kind cannot change"})
    same_options = question.kind == kind or (question.kind in LIST_KINDS and kind in LIST_KINDS)
    existing = question.options if question.pk and same_options else []
    options, min_value, max_value = _options_for(
        kind,
        option_labels=option_labels or [],
        existing=existing,
        exclusive_last=exclusive_last,
        min_value=min_value,
        max_value=max_value,
    )
    if question.pk is not None:
        if has_responses(survey):
            if not same_options and question.options:
                raise ValidationError(
                    {"kind": "People have already answered this survey, so a question's kind cannot change"}
                )
            _check_locked_options(question, options)
        _check_dependents(question, kind, options)
    controller, values = _resolve_show_if(survey, question, show_if, new_page=new_page)
    question.kind = kind
    question.text = text
    question.hint = (hint or "").strip()
    question.easy_read = (easy_read or "").strip()
    question.required = bool(required)
    question.options = options
    question.min_value, question.max_value = min_value, max_value
    rating = kind == Kind.RATING
    question.min_label = (min_label or "").strip() if rating else ""
    question.max_label = (max_label or "").strip() if rating else ""
    question.new_page = bool(new_page)
    question.show_if_question = controller
    question.show_if_values = values
    if question.pk is None:
        question.position = (own_questions(survey).aggregate(last=Max("position"))["last"] or 0) + 1
    question.full_clean(exclude=["survey", "show_if_question", "bank_item"])
    question.save()
    _renumber(survey)
    survey_changed(survey)
    return question


@transaction.atomic
def question_add(
    *,
    by,
    survey: Survey,
    kind: str,
    text: str,
    hint: str = "",
    easy_read: str = "",
    required: bool = False,
    option_labels: Iterable[str] = (),
    exclusive_last: bool = False,
    min_value: int | None = None,
    max_value: int | None = None,
    min_label: str = "",
    max_label: str = "",
    new_page: bool = True,
    show_if: Iterable[str] = (),
) -> Question:
    """Add a question after the survey's own questions (before the equality section).
    `show_if` lists "<question id>:<option value>" of one earlier question."""
    question = _save_question(survey=survey, question=Question(survey=survey), **_locals(locals()))
    survey_figures.refresh_if_worked_out(survey=survey, by=by)
    return question


@transaction.atomic
def question_update(
    *,
    by,
    question: Question,
    kind: str,
    text: str,
    hint: str = "",
    easy_read: str = "",
    required: bool = False,
    option_labels: Iterable[str] = (),
    exclusive_last: bool = False,
    min_value: int | None = None,
    max_value: int | None = None,
    min_label: str = "",
    max_label: str = "",
    new_page: bool = True,
    show_if: Iterable[str] = (),
) -> Question:
    """Change a question. Option lines keep their values by wording, then by
    place; after responses, options can only be reworded or added."""
    question = Question.objects.select_for_update().get(pk=question.pk)
    saved = _save_question(survey=question.survey, question=question, **_locals(locals()))
    survey_figures.refresh_if_worked_out(survey=question.survey, by=by)
    return saved


def _locals(values: dict) -> dict:
    return {k: v for k, v in values.items() if k not in ("by", "survey", "question")}


@transaction.atomic
def question_delete(*, by, question: Question) -> None:
    if question.equality_key:
        raise ValidationError(
            "The equality monitoring questions are standard: turn the whole section off in the survey's settings"
        )
    if question.answers.exists():
        raise ValidationError("People have answered this question, so it cannot be deleted")
    dependents = list(question.dependents.all())
    if dependents:
        names = ", ".join(f"'{d.text}'" for d in dependents)
        raise ValidationError(
            f"{names} {'is' if len(dependents) == 1 else 'are'} shown depending on the answer to this question. "
            "Change or delete that first."
        )
    survey = question.survey
    audit.record_deletion(by=by, instance=question)
    question.delete()
    _renumber(survey)
    survey_changed(survey)
    survey_figures.refresh_if_worked_out(survey=survey, by=by)


@transaction.atomic
def question_move(*, by, question: Question, direction: str) -> None:
    """Swap a question with the one before ("up") or after ("down") it. A question
    cannot go before the question it depends on, nor after one that depends on it."""
    if direction not in ("up", "down"):
        raise ValidationError("Choose to move the question up or down")
    if question.equality_key:
        raise ValidationError("The equality monitoring questions always come at the end of the survey")
    own = list(own_questions(question.survey))
    index = next(i for i, q in enumerate(own) if q.pk == question.pk)
    target = index - 1 if direction == "up" else index + 1
    if not 0 <= target < len(own):
        raise ValidationError(f"This question is already the {'first' if direction == 'up' else 'last'} one")
    other = own[target]
    if direction == "up" and question.show_if_question_id == other.pk:
        raise ValidationError(
            f"'{question.text}' is shown depending on the answer to '{other.text}', so it cannot go before it"
        )
    if direction == "down" and other.show_if_question_id == question.pk:
        raise ValidationError(
            f"'{other.text}' is shown depending on the answer to '{question.text}', so '{question.text}' "
            "cannot go after it"
        )
    own[index], own[target] = own[target], own[index]
    for position, item in enumerate(own, start=1):
        Question.objects.filter(pk=item.pk).update(position=position)
    _renumber(question.survey)
    survey_changed(question.survey)
    survey_figures.refresh_if_worked_out(survey=question.survey, by=by)


# --- Translations -------------------------------------------------------------


def _clean_texts(texts: dict) -> dict:
    cleaned = {}
    for field, value in texts.items():
        if field == "options":
            labels = {k: v.strip() for k, v in (value or {}).items() if v and v.strip()}
            if labels:
                cleaned["options"] = labels
        elif value and value.strip():
            cleaned[field] = value.strip()
    return cleaned


@transaction.atomic
def survey_translate(
    *, by, survey: Survey, language: str, survey_texts: dict[str, str], question_texts: dict[int, dict]
) -> list[str]:
    """Save the `language` translation of the survey's fields and of its own
    questions ({question id: {field: text, "options": {value: label}}}); blank
    entries are removed. Returns what is still missing (i18n.missing)."""
    if language == i18n.DEFAULT or language not in dict(settings.LANGUAGES):
        raise ValidationError("Choose a language to translate into")
    fields = {k: v for k, v in survey_texts.items() if k in i18n.SURVEY_FIELDS}
    translations = dict(survey.translations or {})
    translations[language] = _clean_texts(fields)
    if not translations[language]:
        translations.pop(language)
    survey.translations = translations
    survey.save(update_fields=["translations"])
    for question in own_questions(survey):
        texts = question_texts.get(question.pk)
        if texts is None:
            continue
        texts = {k: v for k, v in texts.items() if k in i18n.QUESTION_FIELDS or k == "options"}
        if "options" in texts:
            known = set(option_values(question.options))
            texts["options"] = {k: v for k, v in texts["options"].items() if k in known}
        if question.kind == Kind.RATING:
            # A rating scale's points are numbers: the same in every language.
            texts["options"] = {option["value"]: option["label"] for option in question.options}
        translations = dict(question.translations or {})
        translations[language] = _clean_texts(texts)
        if not translations[language]:
            translations.pop(language)
        question.translations = translations
        question.save(update_fields=["translations"])
    survey_changed(survey)
    return i18n.missing(survey, ordered_questions(survey), language)


# --- Publishing -----------------------------------------------------------------


def _lock(survey: Survey) -> None:
    """Lock the survey's row for this transaction and reload the caller's copy."""
    list(Survey.objects.select_for_update().filter(pk=survey.pk).values_list("pk"))
    survey.refresh_from_db()


@dataclass(frozen=True)
class Problem:
    """Something that stops a survey being published. `language` is set for
    translation gaps and `question` for a question to fix."""

    message: str
    language: str = ""
    question: Question | None = None


def publish_problems(survey: Survey) -> list[Problem]:
    problems: list[Problem] = []
    if not survey.title.strip():
        problems.append(Problem("Enter a title for the survey"))
    if not survey.privacy_notice.strip():
        problems.append(Problem("Enter a privacy notice: what you collect, who sees it, how long you keep it"))
    if survey.closes_at and survey.closes_at < timezone.now():
        problems.append(Problem("The closing date has passed: change it or remove it"))
    own = list(own_questions(survey))
    if not own:
        problems.append(Problem("Add at least one question"))
    questions = ordered_questions(survey)
    pages = page_numbers(questions)
    numbers = {q.pk: n for n, q in enumerate(questions, start=1)}
    for question in own:
        number = numbers[question.pk]
        if question.kind in LIST_KINDS and len(question.options or []) < 2:
            problems.append(Problem(f"Question {number} needs at least 2 answer options", question=question))
        controller = question.show_if_question
        if controller is None:
            if question.show_if_values:
                problems.append(Problem(f"Question {number} depends on a question that was deleted", question=question))
            continue
        if controller.survey_id != survey.pk or controller.pk not in numbers or controller.kind not in CHOICE_KINDS:
            problems.append(Problem(f"Question {number} depends on a question it cannot use", question=question))
        elif numbers[controller.pk] > number:
            problems.append(
                Problem(
                    f"Question {number} depends on question {numbers[controller.pk]}, which comes after it",
                    question=question,
                )
            )
        elif pages[controller.pk] == pages[question.pk]:
            problems.append(
                Problem(
                    f"Question {number} depends on question {numbers[controller.pk]} but is on the same page: "
                    "start a new page with it",
                    question=question,
                )
            )
        elif not question.show_if_values or any(
            value not in option_values(controller.options) for value in question.show_if_values
        ):
            problems.append(
                Problem(
                    f"Question {number} depends on answers question {numbers[controller.pk]} no longer offers",
                    question=question,
                )
            )
    for language in survey.languages:
        gaps = i18n.missing(survey, questions, language)
        if gaps:
            problems.append(
                Problem(
                    f"The {i18n.staff_language_name(language)} translation is not finished: " + "; ".join(gaps),
                    language=language,
                )
            )
    return problems


@transaction.atomic
def survey_publish(*, by, survey: Survey) -> Survey:
    """Open a draft survey to respondents, if nothing stops it."""
    _lock(survey)
    if survey.state != Survey.State.DRAFT:
        raise ValidationError("This survey has already been published")
    problems = publish_problems(survey)
    if problems:
        raise ValidationError([problem.message for problem in problems])
    survey.state = Survey.State.PUBLISHED
    survey.published_at = timezone.now()
    survey.save(update_fields=["state", "published_at"])
    survey_changed(survey)
    return survey


@transaction.atomic
def survey_close(*, by, survey: Survey) -> Survey:
    _lock(survey)
    if survey.state != Survey.State.PUBLISHED:
        raise ValidationError("Only a published survey can be closed")
    survey.state = Survey.State.CLOSED
    survey.save(update_fields=["state"])
    survey_changed(survey)
    figures_changed(survey)
    return survey


@transaction.atomic
def survey_reopen(*, by, survey: Survey) -> Survey:
    _lock(survey)
    if survey.state != Survey.State.CLOSED:
        raise ValidationError("Only a closed survey can be reopened")
    problems = publish_problems(survey)
    if problems:
        raise ValidationError([problem.message for problem in problems])
    survey.state = Survey.State.PUBLISHED
    survey.save(update_fields=["state"])
    survey_changed(survey)
    figures_changed(survey)
    return survey


def figures_changed(survey: Survey) -> None:
    """Whether the survey is open shows on its results: work them out again."""
    survey_figures.request_refresh(survey=survey)


# --- Distribution -----------------------------------------------------------------


@transaction.atomic
def survey_open_link(*, by, survey: Survey, enabled: bool) -> Survey:
    """Turn the anonymous open link on or off."""
    survey.open_link_enabled = bool(enabled)
    survey.save(update_fields=["open_link_enabled"])
    survey_changed(survey)
    return survey


@transaction.atomic
def survey_new_open_link(*, by, survey: Survey) -> Survey:
    """Replace the open link's token: the old link (and QR code) stops working."""
    survey.open_token = new_token()
    survey.save(update_fields=["open_token"])
    survey_changed(survey)
    return survey


@transaction.atomic
def invitations_create(*, by, survey: Survey, count: int, batch: str = "") -> list[Invitation]:
    """`count` single-use links, each its own unguessable token and no person."""
    if not isinstance(count, int) or not 1 <= count <= MAX_INVITATIONS:
        raise ValidationError({"count": f"Enter a number of links from 1 to {MAX_INVITATIONS}"})
    if survey.state == Survey.State.CLOSED:
        raise ValidationError("This survey is closed: reopen it before making links")
    batch = (batch or "").strip()[:100]
    return Invitation.objects.bulk_create(Invitation(survey=survey, batch=batch) for _ in range(count))


def panel_members(survey: Survey):
    """Active panel members of the survey's project who have an email address."""
    return (
        Membership.objects.filter(project_id=survey.project_id, role=Role.PANEL, user__is_active=True)
        .exclude(user__email="")
        .select_related("user")
    )


def _send_panel_links(*, survey_title: str, project_name: str, messages: list[tuple[str, str]]) -> None:
    for email, link in messages:
        body = render_to_string(
            "surveys/builder/panel_email.txt",
            {"survey_title": survey_title, "project_name": project_name, "link": link},
        )
        send_mail(subject=f"Please answer: {survey_title}", message=body, from_email=None, recipient_list=[email])


@transaction.atomic
def invitations_email_panel(*, by, survey: Survey, link_for: Callable[[str], str]) -> int:
    """Make one new single-use link for each panel member and email it to them
    after commit. Which link went to whom is not recorded anywhere (nor logged),
    so answers cannot be traced back through the invitation."""
    if survey.state != Survey.State.PUBLISHED:
        raise ValidationError("Publish the survey before emailing links to the panel")
    emails = sorted({m.user.email for m in panel_members(survey)})
    if not emails:
        raise ValidationError("This project has no lived-experience panel members with an email address")
    today = timezone.localdate()
    batch = f"Emailed to the panel, {today.day} {today:%b %Y}"
    invitations = invitations_create(by=by, survey=survey, count=len(emails), batch=batch)
    secrets.SystemRandom().shuffle(invitations)
    messages = [(email, link_for(invitation.token)) for email, invitation in zip(emails, invitations, strict=True)]
    title, project_name = survey.title, survey.project.name
    transaction.on_commit(lambda: _send_panel_links(survey_title=title, project_name=project_name, messages=messages))
    return len(emails)


# --- Question bank --------------------------------------------------------------


@transaction.atomic
def bank_save(*, by, question: Question, topic: str = "") -> QuestionBankItem:
    """Copy a question (with its translations) into the organisation's bank."""
    if question.equality_key:
        raise ValidationError("The equality monitoring questions are standard and can be included in any survey")
    item = QuestionBankItem(
        organisation=question.survey.project.organisation,
        created_by=by,
        topic=(topic or "").strip(),
        translations=dict(question.translations or {}),
        **{field: getattr(question, field) for field in BANK_FIELDS},
    )
    item.full_clean(exclude=["created_by"])
    item.save()
    return item


@transaction.atomic
def bank_add(*, by, survey: Survey, item: QuestionBankItem) -> Question:
    """Copy a bank question to the end of the survey's own questions."""
    if item.organisation_id != survey.project.organisation_id:
        raise ValidationError("This question is not in your organisation's bank")
    question = Question(
        survey=survey,
        bank_item=item,
        translations=dict(item.translations or {}),
        new_page=True,
        required=False,
        position=(own_questions(survey).aggregate(last=Max("position"))["last"] or 0) + 1,
        **{field: getattr(item, field) for field in BANK_FIELDS},
    )
    question.full_clean(exclude=["survey", "show_if_question", "bank_item"])
    question.save()
    _renumber(survey)
    survey_changed(survey)
    return question


@transaction.atomic
def bank_delete(*, by, item: QuestionBankItem) -> None:
    """Remove an item from the bank. Questions copied from it stay as they are."""
    audit.record_deletion(by=by, instance=item)
    item.delete()
