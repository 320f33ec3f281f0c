"""Forms for answering a survey: one Django field per question, in the
respondent's language, with plain-language error messages (gettext, so they
are translated with the app's chrome).

Field names are ``q<pk>``. :meth:`AnswerForm.values` turns cleaned data into
the JSON each Answer keeps: a choice value, a list of values, a number, an ISO
date or text."""

from __future__ import annotations

import datetime
import threading

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout
from django import forms
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from amhe.core.nhsuk_forms import Field, NhsDateField
from amhe.surveys import i18n
from amhe.surveys.antispam import HoneypotForm
from amhe.surveys.models import Question

Kind = Question.Kind
TEXT_MAX = 500
LONG_TEXT_MAX = 5000


def field_name(question: Question) -> str:
    return f"q{question.pk}"


def label_for(question: Question, language: str, easy_read: bool) -> str:
    if easy_read:
        easy = i18n.question_text(question, "easy_read", language)
        if easy:
            return easy
    return i18n.question_text(question, "text", language)


def hint_for(question: Question, language: str) -> str:
    hint = i18n.question_text(question, "hint", language)
    if question.kind == Kind.RATING:
        low, high = i18n.text(question, "min_label", language), i18n.text(question, "max_label", language)
        ends = []
        if low:
            ends.append(_("%(number)s means %(meaning)s.") % {"number": question.min_value, "meaning": low})
        if high:
            ends.append(_("%(number)s means %(meaning)s.") % {"number": question.max_value, "meaning": high})
        hint = " ".join(part for part in [hint, *ends] if part)
    if question.kind == Kind.MULTIPLE:
        select_all = _("Select all that apply.")
        if select_all.rstrip(".").casefold() not in hint.casefold():
            hint = " ".join(part for part in [hint, select_all] if part)
    return hint


class ExclusiveCheckboxes(forms.CheckboxSelectMultiple):
    """Checkboxes where some options ("Prefer not to say") rule out the others:
    NHS.UK frontend's checkboxes script unticks the others when JavaScript
    runs, and the form says so when it does not."""

    def __init__(self, *args, exclusive=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.exclusive = set(exclusive)

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if str(value) in self.exclusive:
            option["attrs"]["data-checkbox-exclusive"] = "true"
        return option


def _choices(question: Question, language: str) -> list[tuple[str, str]]:
    return [(option["value"], option["label"]) for option in i18n.options(question, language)]


def answer_field(question: Question, language: str, easy_read: bool = False) -> forms.Field:
    """The form field for one question (required as the question says)."""
    common = {
        "label": label_for(question, language, easy_read),
        "help_text": hint_for(question, language),
        "required": question.required,
    }
    kind = question.kind
    if kind in (Kind.SINGLE, Kind.LIKERT, Kind.RATING):
        return forms.ChoiceField(
            choices=_choices(question, language),
            widget=forms.RadioSelect,
            error_messages={"required": gettext_lazy("Select an answer")},
            **common,
        )
    if kind == Kind.MULTIPLE:
        exclusive = [option["value"] for option in question.options if option.get("exclusive")]
        return forms.MultipleChoiceField(
            choices=_choices(question, language),
            widget=ExclusiveCheckboxes(exclusive=exclusive),
            error_messages={"required": gettext_lazy("Select at least one answer")},
            **common,
        )
    if kind == Kind.NUMBER:
        return forms.IntegerField(
            min_value=question.min_value,
            max_value=question.max_value,
            widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "nhsuk-input--width-5"}),
            error_messages={
                "required": gettext_lazy("Enter a number"),
                "invalid": gettext_lazy("Enter a whole number, like 12"),
                "min_value": gettext_lazy("Enter a number that is %(limit_value)s or more"),
                "max_value": gettext_lazy("Enter a number that is %(limit_value)s or less"),
            },
            **common,
        )
    if kind == Kind.DATE:
        return NhsDateField(
            error_messages={
                "required": gettext_lazy("Enter a date"),
                "incomplete": gettext_lazy("The date must include a %(missing)s"),
                "invalid": gettext_lazy("Enter a real date, for example 27 3 2026"),
                "invalid_year": gettext_lazy("Year must include 4 numbers"),
            },
            **common,
        )
    limit = LONG_TEXT_MAX if kind == Kind.LONG_TEXT else TEXT_MAX
    return forms.CharField(
        max_length=limit,
        # dir="auto": typed text runs in its own direction whatever the page's (English on an Urdu page).
        widget=forms.Textarea(attrs={"rows": 6, "dir": "auto"})
        if kind == Kind.LONG_TEXT
        else forms.TextInput(attrs={"dir": "auto"}),
        error_messages={
            "required": gettext_lazy("Enter your answer"),
            "max_length": gettext_lazy("Your answer must be %(limit_value)s characters or fewer"),
        },
        **common,
    )


def initial_value(question: Question, value):
    if value is None:
        return None
    if question.kind == Kind.DATE and isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            return None
    return value


class AnswerForm(forms.Form):
    """The questions of one page (or of the whole survey, for staff entry).
    `required=False` relaxes required questions, for "save and come back later"."""

    def __init__(self, *args, questions, language, easy_read=False, answers=None, required=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        self.language, self.easy_read, self.all_required = language, easy_read, required
        answers = answers or {}
        for question in questions:
            field = answer_field(question, language, easy_read)
            if not required:
                field.required = False
            self.fields[field_name(question)] = field
            if question.pk in answers:
                self.initial[field_name(question)] = initial_value(question, answers[question.pk])

    def clean(self):
        cleaned = super().clean()
        for question in self.questions:
            name = field_name(question)
            chosen = cleaned.get(name)
            if question.kind != Kind.MULTIPLE or not chosen:
                continue
            labels = dict(self.fields[name].choices)
            for option in question.options:
                if option.get("exclusive") and option["value"] in chosen and len(chosen) > 1:
                    self.add_error(
                        name,
                        _("Select '%(answer)s' or other answers, not both") % {"answer": labels[option["value"]]},
                    )
        return cleaned

    def values(self) -> dict[int, object]:
        """{question pk: JSON value}, None for no answer."""
        out: dict[int, object] = {}
        for question in self.questions:
            value = self.cleaned_data.get(field_name(question))
            if isinstance(value, datetime.date):
                value = value.isoformat()
            elif isinstance(value, str):
                value = value.strip() or None
            elif isinstance(value, list):
                value = list(value) or None
            out[question.pk] = value
        return out


# Each answer field's HTML as the nhsuk pack's field template renders it, per process, for
# fields with nothing typed in them: {key: html}, the oldest entry going first. The key says
# everything the HTML depends on: the survey's revision (the question's wording, options and
# translations), the question, the language, easy read, label size, whether it is the page's
# heading and whether answers are required, and the saved answer only when it is one of the
# question's options (which option is ticked; nothing about who ticked it). A field with text,
# a number or a date in it, or with errors, is rendered afresh every time and never kept.
_FIELDS: dict[tuple, str] = {}
_FIELDS_KEPT = 4000
_fields_lock = threading.Lock()
FIELD_TEMPLATE = "nhsuk/field.html"


def _field_key(form: AnswerForm, question: Question, survey, *, page_heading: bool, label_size: str) -> tuple | None:
    value = form.initial.get(field_name(question))
    if value is None:
        chosen = None
    elif question.kind in (Kind.SINGLE, Kind.LIKERT, Kind.RATING) and isinstance(value, str):
        chosen = value
    elif question.kind == Kind.MULTIPLE and isinstance(value, list) and all(isinstance(v, str) for v in value):
        chosen = tuple(value)
    else:
        return None
    return (
        survey.pk,
        survey.revision,
        question.pk,
        translation.get_language(),
        form.language,
        form.easy_read,
        form.all_required,
        page_heading,
        label_size,
        chosen,
    )


def render_fields(form: AnswerForm, *, survey, page_heading: bool, label_size: str) -> str:
    """The page's answer fields, each as `{% include "nhsuk/field.html" %}` renders it with
    errors and labels shown (HTML identical to that include's), kept per process while
    nothing is typed in them and they have no errors (see _FIELDS). Call with the
    respondent's language active."""
    cacheable = not form.is_bound
    parts = []
    for question in form.questions:
        key = _field_key(form, question, survey, page_heading=page_heading, label_size=label_size)
        key = key if cacheable else None
        html = _FIELDS.get(key) if key is not None else None
        if html is None:
            html = render_to_string(
                FIELD_TEMPLATE,
                {
                    "field": form[field_name(question)],
                    "form_show_errors": True,
                    "form_show_labels": True,
                    "page_heading": page_heading,
                    "label_size": label_size,
                },
            )
            if key is not None:
                with _fields_lock:
                    while len(_FIELDS) >= _FIELDS_KEPT:
                        _FIELDS.pop(next(iter(_FIELDS)))
                    _FIELDS[key] = html
        parts.append(html)
    return mark_safe("".join(parts))  # noqa: S308 - the pack's own templates' output, escaped as they render it


def answer_helper(
    form: AnswerForm, *, label_size: str, page_heading: bool = False, show_errors: bool = True
) -> FormHelper:
    """How `{% crispy form helper %}` lays out the questions: inside the page's own
    <form> (no tag, no second CSRF token), one NHS.UK field each."""
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.form_show_errors = show_errors
    helper.layout = Layout(*[Field(name, page_heading=page_heading, label_size=label_size) for name in form.fields])
    return helper


class StartForm(HoneypotForm):
    """The start page: language, easy read and consent."""

    language = forms.ChoiceField(required=False)
    easy_read = forms.BooleanField(required=False)
    consent = forms.BooleanField(required=False)

    def __init__(self, *args, languages, needs_consent, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [(code, i18n.language_name(code)) for code in languages]
        self.needs_consent = needs_consent

    def clean_consent(self):
        consent = self.cleaned_data.get("consent")
        if self.needs_consent and not consent:
            raise forms.ValidationError(_("Tick the box to say you agree, or close this page if you do not"))
        return consent


class EntryStartForm(forms.Form):
    """Staff entry: where the answers came from and in which language they were given."""

    channel = forms.ChoiceField(
        label="How did you get these answers?",
        choices=[("paper", "Paper form"), ("phone", "Phone call")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select paper form or phone call"},
    )
    language = forms.ChoiceField(label="Language the answers were given in", required=False)

    def __init__(self, *args, languages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [(code, i18n.staff_language_name(code)) for code in languages]
