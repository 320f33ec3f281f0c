"""Forms for the survey builder (any step). They only collect and tidy
input: the rules (option values, show-if, what may change after responses)
live in amhe.surveys.building."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils import translation

from amhe.core.nhsuk_forms import NhsDateField, mark_needed
from amhe.surveys import building, i18n
from amhe.surveys.models import Question, Survey
from amhe.surveys.steps import SURVEY_SUBSTEP_CHOICES

Kind = Question.Kind


def _textarea(rows=4, **attrs):
    return forms.Textarea(attrs={"rows": rows, **attrs})


class SurveyForm(forms.Form):
    """A survey's settings and the words respondents see around the questions."""

    title = forms.CharField(
        label="Survey title",
        max_length=200,
        help_text="Respondents see this at the top of every page. For example, 'Your experience of crisis care'.",
        error_messages={"required": "Enter a title for the survey"},
    )
    introduction = forms.CharField(
        label="Introduction",
        required=False,
        widget=_textarea(),
        help_text="Shown on the start page: who is asking, why, and about how long it takes.",
    )
    privacy_notice = forms.CharField(
        label="Privacy notice",
        required=False,
        widget=_textarea(6),
        help_text="What you collect, who sees it, how long you keep it and who to contact. Respondents see it "
        "before they start.",
    )
    consent_text = forms.CharField(
        label="What people agree to",
        required=False,
        widget=_textarea(),
        help_text="Shown on a consent page before the questions, with an 'I agree' box. Leave blank for no "
        "consent page.",
    )
    confirmation_text = forms.CharField(
        label="What happens next",
        required=False,
        widget=_textarea(),
        help_text="Shown after people send their answers: what you will do with them and when they will hear.",
    )
    opens_on = NhsDateField(
        label="Opening date",
        required=False,
        help_text="The survey opens at the start of this day, UK time. Leave blank to open when you publish. "
        "For example, 1 5 2026.",
    )
    closes_on = NhsDateField(
        label="Closing date",
        required=False,
        help_text="The survey closes at the end of this day, UK time. Leave blank to close it yourself.",
    )
    languages = forms.MultipleChoiceField(
        label="Other languages",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="People can answer in English or in any language you tick. You translate the survey's own "
        "words; the equality questions, buttons and messages are translated already.",
    )
    include_equality = forms.BooleanField(
        label="Include the standard equality monitoring questions",
        required=False,
        help_text=Survey._meta.get_field("include_equality").help_text
        + " They come at the end of the survey and use the Census 2021 wording.",
    )
    open_link_enabled = forms.BooleanField(
        label="Let anyone with the open link answer",
        required=False,
        help_text="Untick to use single-use invitation links only.",
    )

    substep = forms.ChoiceField(
        label="Which part of the step is this survey for?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose which part of the step the survey is for"},
    )

    def __init__(self, *args, survey: Survey | None = None, substeps: tuple[str, ...] = (), **kwargs):
        """`substeps`: when creating, the sub-steps the survey may serve; with more than one
        the form asks which (a survey's sub-step is fixed once it is created)."""
        if survey is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                **{name: getattr(survey, name) for name in i18n.SURVEY_FIELDS},
                "opens_on": building.local_day(survey.opens_at),
                "closes_on": building.local_day(survey.closes_at),
                "languages": survey.languages,
                "include_equality": survey.include_equality,
                "open_link_enabled": survey.open_link_enabled,
            }
        elif "initial" not in kwargs:
            kwargs["initial"] = {"include_equality": True, "open_link_enabled": True}
        super().__init__(*args, **kwargs)
        self.fields["languages"].choices = [
            (code, i18n.staff_language_name(code)) for code, _name in settings.LANGUAGES if code != i18n.DEFAULT
        ]
        mark_needed(self, ["privacy_notice"], "needed to publish")
        if len(substeps) > 1:
            self.fields["substep"].choices = [
                (code, label) for code, label in SURVEY_SUBSTEP_CHOICES if code in substeps
            ]
            self.order_fields(["title", "substep"])
        else:
            del self.fields["substep"]

    def clean(self):
        cleaned = super().clean()
        opens, closes = cleaned.get("opens_on"), cleaned.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error("closes_on", "The closing date must be the same as or after the opening date")
        return cleaned

    def settings(self) -> dict:
        """The cleaned data as building.survey_create/survey_update arguments."""
        data = self.cleaned_data
        return {
            **{name: data[name] for name in i18n.SURVEY_FIELDS},
            "opens_at": building.day_start(data.get("opens_on")),
            "closes_at": building.day_end(data.get("closes_on")),
            "languages": data["languages"],
            "include_equality": data["include_equality"],
            "open_link_enabled": data["open_link_enabled"],
        }

    def chosen_substep(self, substeps: tuple[str, ...]) -> str:
        """The sub-step chosen when creating, or the step's only one."""
        return self.cleaned_data.get("substep") or substeps[0]


class QuestionKindForm(forms.Form):
    """First step of adding a question: what kind it is (sent with GET)."""

    kind = forms.ChoiceField(
        label="What kind of question is it?",
        choices=Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of question", "invalid_choice": "Choose the kind of question"},
    )


class QuestionForm(forms.Form):
    """A question of one kind. Only the fields that kind uses are present."""

    text = forms.CharField(
        label="Question",
        max_length=500,
        widget=_textarea(2),
        error_messages={"required": "Enter the question"},
    )
    hint = forms.CharField(
        label="Hint",
        required=False,
        widget=_textarea(2),
        help_text="Extra help shown under the question, such as 'Choose all that apply'.",
    )
    easy_read = forms.CharField(
        label="Easy read version",
        required=False,
        widget=_textarea(2),
        help_text="The question in short, everyday words, for people who choose easy read.",
    )
    required = forms.BooleanField(
        label="People must answer this question",
        required=False,
        help_text="Leave unticked to let people skip it. Most questions should be optional.",
    )
    new_page = forms.BooleanField(
        label="Start a new page with this question",
        required=False,
        initial=True,
        help_text="One question on each page is easiest, especially on a phone. Untick to show it on the same "
        "page as the question before.",
    )

    def __init__(self, *args, kind: str, survey: Survey, question: Question | None = None, **kwargs):
        self.kind, self.survey, self.question = kind, survey, question
        if question is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_for(question)
        super().__init__(*args, **kwargs)
        if kind in building.LIST_KINDS:
            self.fields["options"] = forms.CharField(
                label="Answer options",
                widget=_textarea(6),
                help_text="One option on each line, in the order people will see them.",
                error_messages={"required": "Enter the answer options, one on each line"},
            )
        if kind == Kind.MULTIPLE:
            self.fields["exclusive_last"] = forms.BooleanField(
                label="The last option cannot be ticked with the others",
                required=False,
                help_text="For example 'None of these' or 'Prefer not to say'.",
            )
        if kind == Kind.RATING:
            low, high = building.RATING_DEFAULT
            self.fields["min_value"] = forms.IntegerField(label="Lowest point", initial=low, min_value=-100)
            self.fields["max_value"] = forms.IntegerField(label="Highest point", initial=high, max_value=100)
            self.fields["min_label"] = forms.CharField(
                label="What the lowest point means",
                max_length=100,
                required=False,
                help_text="For example, 'Extremely unlikely'.",
            )
            self.fields["max_label"] = forms.CharField(
                label="What the highest point means",
                max_length=100,
                required=False,
                help_text="For example, 'Extremely likely'.",
            )
        if kind == Kind.NUMBER:
            self.fields["min_value"] = forms.IntegerField(label="Smallest number allowed", required=False)
            self.fields["max_value"] = forms.IntegerField(label="Largest number allowed", required=False)
        for name in ("min_value", "max_value"):
            if name in self.fields:
                self.fields[name].widget.attrs.update({"inputmode": "numeric", "class": "nhsuk-input--width-4"})
        self.show_if_questions = self.earlier_choice_questions()
        if self.show_if_questions:
            self.fields["show_if"] = forms.MultipleChoiceField(
                label="Only show this question after certain answers",
                required=False,
                choices=[
                    (f"{q.pk}:{option['value']}", option["label"])
                    for _number, q in self.show_if_questions
                    for option in q.options
                ],
                widget=forms.CheckboxSelectMultiple,
                help_text="Leave all unticked to show it to everyone. Tick answers to one earlier question: this "
                "question is shown if the person chose any of them.",
            )
        # Fields in the order they appear, show_if last (it is rendered on its own).
        order = ["text", "hint", "easy_read", "options", "exclusive_last", "min_value", "max_value"]
        order += ["min_label", "max_label", "required", "new_page", "show_if"]
        self.order_fields(order)

    @staticmethod
    def initial_for(question: Question) -> dict:
        initial = {
            "text": question.text,
            "hint": question.hint,
            "easy_read": question.easy_read,
            "required": question.required,
            "new_page": question.new_page,
            "min_value": question.min_value,
            "max_value": question.max_value,
            "min_label": question.min_label,
            "max_label": question.max_label,
            "options": "\n".join(option["label"] for option in question.options or []),
            "exclusive_last": bool(question.options and question.options[-1].get("exclusive")),
            "show_if": [f"{question.show_if_question_id}:{value}" for value in question.show_if_values or []]
            if question.show_if_question_id
            else [],
        }
        if question.kind == Kind.RATING and question.min_value is None:
            initial["min_value"], initial["max_value"] = building.RATING_DEFAULT
        return initial

    def earlier_choice_questions(self) -> list[tuple[int, Question]]:
        """(number, question) for every earlier own question with answer options."""
        earlier = []
        for number, q in enumerate(building.own_questions(self.survey), start=1):
            if self.question is not None and q.pk == self.question.pk:
                break
            if q.kind in building.CHOICE_KINDS:
                earlier.append((number, q))
        return earlier

    def show_if_groups(self) -> list[dict]:
        """The show-if checkboxes grouped by question, each group a fieldset."""
        if "show_if" not in self.fields:
            return []
        boxes = {box.data["value"]: box for box in self["show_if"].subwidgets}
        return [
            {
                "legend": f"Question {number}: {q.text}",
                "question": q,
                "boxes": [boxes[f"{q.pk}:{option['value']}"] for option in q.options],
            }
            for number, q in self.show_if_questions
        ]

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "kind": self.kind,
            "text": data["text"],
            "hint": data.get("hint", ""),
            "easy_read": data.get("easy_read", ""),
            "required": data.get("required", False),
            "option_labels": (data.get("options") or "").splitlines(),
            "exclusive_last": data.get("exclusive_last", False),
            "min_value": data.get("min_value"),
            "max_value": data.get("max_value"),
            "min_label": data.get("min_label", ""),
            "max_label": data.get("max_label", ""),
            "new_page": data.get("new_page", False),
            "show_if": data.get("show_if") or [],
        }


class TranslationForm(forms.Form):
    """One language's translation of a survey: every English text with a box
    beside it. Field names: `survey__<field>`, `q<id>__<field>`, `q<id>__option__<value>`."""

    def __init__(self, *args, survey: Survey, questions: list[Question], language: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.survey, self.language = survey, language
        self.sections: list[dict] = []
        attrs = {"lang": language, "dir": "rtl" if translation.get_language_info(language)["bidi"] else "ltr"}
        names = []
        needed = []  # every text but the options the app translates itself
        for field in i18n.SURVEY_FIELDS:
            english = getattr(survey, field)
            if english:
                name = f"survey__{field}"
                self._add(name, field.replace("_", " ").capitalize(), english, survey.translations, field, attrs)
                names.append(name)
                needed.append(name)
        self.sections.append({"heading": "About the survey", "fields": [self[name] for name in names]})
        for number, question in enumerate(questions, start=1):
            names = []
            labels = {"text": "Question", "hint": "Hint", "easy_read": "Easy read version"}
            labels |= {"min_label": "Lowest point means", "max_label": "Highest point means"}
            for field in i18n.QUESTION_FIELDS:
                english = getattr(question, field)
                if english:
                    name = f"q{question.pk}__{field}"
                    self._add(name, labels[field], english, question.translations, field, attrs)
                    names.append(name)
                    needed.append(name)
            saved = (question.translations or {}).get(language, {}).get("options", {})
            # A rating scale's points are numbers, saved as they are (building.survey_translate).
            for option in question.options if question.kind != Kind.RATING else []:
                name = f"q{question.pk}__option__{option['value']}"
                catalogued = self._catalogue(option["label"])
                initial = saved.get(option["value"]) or catalogued
                if not catalogued:
                    needed.append(name)
                self.fields[name] = forms.CharField(
                    label=f"Answer: {option['label']}",
                    required=False,
                    initial=initial,
                    max_length=500,
                    help_text=f"English: {option['label']}",
                    widget=forms.TextInput(attrs=attrs),
                )
                names.append(name)
            self.sections.append(
                {"heading": f"Question {number}", "english": question.text, "fields": [self[n] for n in names]}
            )
        if language in survey.languages and survey.state == Survey.State.DRAFT:
            # building.publish_problems: a language people can choose must be fully translated.
            mark_needed(self, needed, "needed to publish")

    def _add(self, name, label, english, translations, field, attrs):
        saved = (translations or {}).get(self.language, {}).get(field, "")
        long = len(english) > 80 or "\n" in english
        self.fields[name] = forms.CharField(
            label=label,
            required=False,
            initial=saved,
            help_text=f"English: {english}",
            widget=forms.Textarea(attrs={"rows": 4, **attrs}) if long else forms.TextInput(attrs=attrs),
        )

    def _catalogue(self, label: str) -> str:
        """The app's own translation of a common label ("Yes", "Agree"), if it has one."""
        with translation.override(self.language):
            translated = translation.gettext(label)
        return translated if translated != label else ""

    def survey_texts(self) -> dict[str, str]:
        return {
            name.removeprefix("survey__"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("survey__")
        }

    def question_texts(self) -> dict[int, dict]:
        texts: dict[int, dict] = {}
        for name, value in self.cleaned_data.items():
            if not name.startswith("q"):
                continue
            prefix, _sep, rest = name.partition("__")
            entry = texts.setdefault(int(prefix[1:]), {"options": {}})
            if rest.startswith("option__"):
                entry["options"][rest.removeprefix("option__")] = value
            else:
                entry[rest] = value
        return texts


class InvitationsForm(forms.Form):
    count = forms.IntegerField(
        label="How many single-use links?",
        min_value=1,
        max_value=building.MAX_INVITATIONS,
        help_text=f"From 1 to {building.MAX_INVITATIONS}. Each link can be used to send one set of answers.",
        error_messages={
            "required": "Enter how many links you need",
            "invalid": "Enter a whole number, like 20",
            "min_value": f"Enter a number of links from 1 to {building.MAX_INVITATIONS}",
            "max_value": f"Enter a number of links from 1 to {building.MAX_INVITATIONS}",
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "nhsuk-input--width-4"}),
    )
    batch = forms.CharField(
        label="Label for this batch of links",
        max_length=100,
        required=False,
        help_text="Helps you tell batches apart, for example 'Panel, May' or 'Carers group'.",
    )


class BankSaveForm(forms.Form):
    topic = forms.CharField(
        label="Topic",
        max_length=100,
        required=False,
        help_text="Helps people find it, for example 'Access to services' or 'Experience of care'.",
    )


class BankFilterForm(forms.Form):
    topic = forms.ChoiceField(label="Topic", required=False)

    def __init__(self, *args, topics: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].choices = [("", "All topics"), *((topic, topic) for topic in topics)]
