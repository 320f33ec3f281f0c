"""Python helpers for the ``nhsuk`` crispy-forms template pack.

The pack itself (``amhe/core/templates/nhsuk/``) styles every ordinary Django
widget, so most forms need nothing from here. This module adds what plain
Django lacks:

* ``NhsDateField`` / ``NhsDateInput``: the NHS.UK date input (day, month and
  year boxes) with NHS.UK error messages and the error style only on the parts
  that are wrong.
* ``CharacterCountTextarea``: a textarea rendered as the character count
  component with a word limit or threshold. A plain ``Textarea`` on a
  ``CharField(max_length=...)`` already becomes a character count.
* Layout objects for ``FormHelper.layout``: ``Field`` (label size, page
  heading, input width, inline or small radios), ``Fieldset`` (legend size),
  ``Submit`` and ``Button`` (NHS.UK buttons with variants) and ``ButtonLink``
  (a link styled as a button). Crispy's own ``Layout``, ``HTML``, ``Div`` and
  ``ButtonHolder`` (rendered as an ``nhsuk-button-group``) work unchanged.
* ``mark_needed``: an optional field that a later step needs (a draft goal's
  target, before it can be agreed) says so in its label, "(needed to agree
  the goal)", instead of "(optional)".
"""

import calendar
import datetime
import re

from crispy_forms import layout
from crispy_forms.utils import TEMPLATE_PACK, flatatt
from django import forms
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

__all__ = [
    "Button",
    "ButtonLink",
    "CharacterCountTextarea",
    "Field",
    "Fieldset",
    "NhsDateField",
    "NhsDateInput",
    "Submit",
    "mark_needed",
]

SIZES = ("s", "m", "l", "xl")
INPUT_WIDTHS = (2, 3, 4, 5, 10, 20, 30)
BUTTON_VARIANTS = ("secondary", "secondary-solid", "reverse", "warning", "login")
DATE_PARTS = ("day", "month", "year")


def _check_choice(name, value, allowed):
    if value is not None and value not in allowed:
        raise ValueError(f"{name} must be one of {allowed!r}, not {value!r}")
    return value


def mark_needed(form, names, reason) -> None:
    """Label the optional fields ``names`` "(<reason>)" instead of "(optional)".

    For fields a form may leave blank but a later action needs, so people are
    not told a field is optional and then stopped for leaving it blank:
    ``mark_needed(self, ["target_value"], "needed to agree the goal")``.
    Required fields keep their plain label.
    """
    for name in names:
        if name in form.fields:
            form.fields[name].needed_for = reason


# --------------------------------------------------------------------------- date input


class NhsDateInput(forms.MultiWidget):
    """Day, month and year text boxes rendered as the NHS.UK date input.

    The boxes are named ``<name>_day``, ``<name>_month`` and ``<name>_year``
    and get the ids ``<id>_day`` and so on. Pass ``autocomplete="bday"`` for a
    date of birth (``bday-day``, ``bday-month``, ``bday-year``).
    """

    template_name = "nhsuk/widgets/date_input.html"
    nhsuk_component = "date-input"
    labels = {"day": _("Day"), "month": _("Month"), "year": _("Year")}

    def __init__(self, attrs=None, autocomplete=None):
        widgets = {}
        for part in DATE_PARTS:
            part_attrs = {"inputmode": "numeric"}
            if autocomplete:
                part_attrs["autocomplete"] = f"{autocomplete}-{part}"
            widgets[part] = forms.TextInput(attrs=part_attrs)
        super().__init__(widgets, attrs)
        # Set by NhsDateField.clean(): the parts to mark as wrong. Empty means
        # "all of them" whenever the field has an error.
        self.error_parts = ()

    def decompress(self, value):
        if isinstance(value, datetime.date):
            return [value.day, value.month, value.year]
        return [None, None, None]

    def id_for_label(self, id_):
        return f"{id_}_day" if id_ else ""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        # BoundField adds aria-invalid when the field has any error.
        has_error = str(widget["attrs"].get("aria-invalid", "")).lower() == "true"
        base_id = widget["attrs"].get("id")
        first_error_id = None
        for part, sub in zip(DATE_PARTS, widget["subwidgets"], strict=True):
            if base_id:
                sub["attrs"]["id"] = f"{base_id}_{part}"
            part_error = has_error and (not self.error_parts or part in self.error_parts)
            classes = ["nhsuk-input"]
            if part_error:
                classes.append("nhsuk-input--error")
                sub["attrs"]["aria-invalid"] = "true"
                first_error_id = first_error_id or sub["attrs"].get("id")
            else:
                sub["attrs"].pop("aria-invalid", None)
            classes += [f"nhsuk-input--width-{4 if part == 'year' else 2}", "nhsuk-date-input__input"]
            if sub["attrs"].get("class"):
                classes.append(sub["attrs"]["class"])
            sub["attrs"]["class"] = " ".join(classes)
            sub["nhsuk_label"] = self.labels[part]
            sub["nhsuk_error"] = part_error
        widget["nhsuk_first_error_id"] = first_error_id or widget["subwidgets"][0]["attrs"].get("id")
        return context


_DIGITS = re.compile(r"\d+", re.ASCII)
_MONTH_NAMES = {
    name.lower(): number
    for names in (calendar.month_name, calendar.month_abbr)
    for number, name in enumerate(names)
    if name
}


class NhsDateField(forms.MultiValueField):
    """A date entered as day, month and year, cleaned to ``datetime.date``.

    Error messages follow the NHS.UK date input guidance, using the label
    ("Target date") as the subject:

    * nothing entered: "Enter the target date"
    * a part missing: "Target date must include a month"
    * not a date: "Target date must be a real date"
    * year not 4 digits: "Year must include 4 numbers"

    Override any of them with ``error_messages`` (``required``, ``incomplete``,
    ``invalid``, ``invalid_year``); they may use ``%(subject)s``,
    ``%(the_subject)s`` and (``incomplete`` only) ``%(missing)s``. Month names
    ("Jan", "january") are accepted. Add rules such as "must be in the past"
    as validators or in the form's ``clean_<field>()``.
    """

    widget = NhsDateInput
    default_error_messages = {
        "required": _("Enter %(the_subject)s"),
        "incomplete": _("%(subject)s must include a %(missing)s"),
        "invalid": _("%(subject)s must be a real date"),
        "invalid_year": _("Year must include 4 numbers"),
    }

    def __init__(self, **kwargs):
        fields = (forms.IntegerField(), forms.IntegerField(), forms.IntegerField())
        super().__init__(fields, **kwargs)

    def _params(self, **extra):
        subject = str(self.label or _("Date")).strip()
        lowered = subject[:1].lower() + subject[1:]
        if lowered.split(" ", 1)[0] in {"your", "the", "a", "an", "their", "my", "this"}:
            the_subject = lowered
        else:
            the_subject = f"the {lowered}"
        return {"subject": subject, "the_subject": the_subject, **extra}

    def _fail(self, code, parts, **extra):
        self.widget.error_parts = tuple(parts)
        raise ValidationError(self.error_messages[code], code=code, params=self._params(**extra))

    def compress(self, data_list):
        return datetime.date(data_list[2], data_list[1], data_list[0]) if data_list else None

    def clean(self, value):
        self.widget.error_parts = ()
        if self.disabled and not isinstance(value, (list, tuple)):
            value = self.widget.decompress(value)
        if isinstance(value, datetime.date):
            return value
        raw = [str(v).strip() if v is not None else "" for v in (list(value or []) + ["", "", ""])[:3]]
        if not any(raw):
            if self.required:
                self._fail("required", DATE_PARTS)
            return None
        missing = [part for part, v in zip(DATE_PARTS, raw, strict=True) if not v]
        if missing:
            names = [str(_(part)) for part in missing]
            missing_text = names[0] if len(names) == 1 else f"{names[0]} {_('and')} {names[1]}"
            self._fail("incomplete", missing, missing=missing_text)
        day_text, month_text, year_text = raw
        if month_text.lower() in _MONTH_NAMES:
            month_text = str(_MONTH_NAMES[month_text.lower()])
        wrong = [
            part
            for part, v in zip(DATE_PARTS, (day_text, month_text, year_text), strict=True)
            if not _DIGITS.fullmatch(v)
        ]
        if wrong:
            self._fail("invalid", wrong)
        if len(year_text) != 4:
            self._fail("invalid_year", ["year"])
        day, month, year = int(day_text), int(month_text), int(year_text)
        wrong = []
        if not 1 <= month <= 12:
            wrong.append("month")
        if not 1 <= day <= (calendar.monthrange(year, month)[1] if 1 <= month <= 12 else 31):
            wrong.insert(0, "day")
        if wrong or year < 1:
            self._fail("invalid", wrong or ["year"])
        result = datetime.date(year, month, day)
        self.run_validators(result)
        return result


# --------------------------------------------------------------------------- character count


class CharacterCountTextarea(forms.Textarea):
    """A textarea rendered as the NHS.UK character count component.

    A plain ``Textarea`` on a ``CharField`` with ``max_length`` is already
    rendered as a character count; use this widget for a word limit
    (``maxwords``), a ``threshold`` (percentage before the count shows) or a
    limit that differs from the field's ``max_length``.
    """

    nhsuk_component = "character-count"

    def __init__(self, attrs=None, *, maxlength=None, maxwords=None, threshold=None, rows=5):
        super().__init__({"rows": str(rows), **(attrs or {})})
        self.attrs.pop("cols", None)
        self.nhsuk_maxlength = maxlength
        self.nhsuk_maxwords = maxwords
        self.nhsuk_threshold = threshold


# --------------------------------------------------------------------------- layout objects


class Field(layout.Field):
    """crispy ``Field`` with NHS.UK presentation options.

    ``label_size`` ("s", "m", "l", "xl") sizes the label or legend,
    ``page_heading=True`` wraps it in the page's ``<h1>``, ``input_width``
    (2, 3, 4, 5, 10, 20, 30 characters) sets a fixed input width,
    ``inline``/``small`` apply to radios and checkboxes, ``prefix``/``suffix``
    add input affixes ("£", "per item"). Other keyword arguments become
    widget attributes, as with crispy's ``Field``.
    """

    def __init__(
        self,
        *fields,
        label_size=None,
        page_heading=False,
        input_width=None,
        inline=False,
        small=False,
        prefix=None,
        suffix=None,
        **kwargs,
    ):
        super().__init__(*fields, **kwargs)
        options = {
            "label_size": _check_choice("label_size", label_size, SIZES),
            "page_heading": page_heading,
            "input_width": _check_choice("input_width", input_width, INPUT_WIDTHS),
            "inline": inline,
            "small": small,
            "crispy_prepended_text": prefix,
            "crispy_appended_text": suffix,
        }
        self.nhsuk_context = {key: value for key, value in options.items() if value}

    def render(self, form, context, template_pack=TEMPLATE_PACK, extra_context=None, **kwargs):
        extra_context = {**(extra_context or {}), **self.nhsuk_context}
        return super().render(form, context, template_pack=template_pack, extra_context=extra_context, **kwargs)


class Fieldset(layout.Fieldset):
    """crispy ``Fieldset`` with ``legend_size`` ("s", "m", "l", "xl") and ``page_heading``."""

    def __init__(self, legend, *fields, legend_size=None, page_heading=False, **kwargs):
        super().__init__(legend, *fields, **kwargs)
        self.legend_size = _check_choice("legend_size", legend_size, SIZES)
        self.page_heading = page_heading


class _NhsButtonMixin:
    """Shared options for NHS.UK ``<button>`` elements."""

    default_variant = None

    def __init__(self, name, value, *, variant="default", small=False, prevent_double_click=False, **kwargs):
        super().__init__(name, value, **kwargs)
        variant = self.default_variant if variant == "default" else variant
        _check_choice("variant", variant, BUTTON_VARIANTS)
        classes = ["nhsuk-button"]
        if variant:
            classes.append(f"nhsuk-button--{variant}")
        if small:
            classes.append("nhsuk-button--small")
        extra = kwargs.get("css_class")
        if extra:
            classes.append(extra)
        self.field_classes = " ".join(classes)
        self.nhsuk_classes = self.field_classes
        self.prevent_double_click = prevent_double_click


class Submit(_NhsButtonMixin, layout.Submit):
    """A submit ``<button class="nhsuk-button">``; ``variant="secondary"`` and so on for the others."""


class Button(_NhsButtonMixin, layout.Button):
    """A ``<button type="button">``, secondary unless another ``variant`` is given."""

    default_variant = "secondary"


class ButtonLink:
    """A link that looks like a button (``<a class="nhsuk-button" role="button">``).

    ``ButtonLink("Cancel", reverse_lazy("home"), variant="secondary")``.
    """

    template = "%s/layout/link_button.html"

    def __init__(self, text, href, *, variant=None, small=False, css_class=None, css_id=None, **kwargs):
        self.text = text
        self.href = href
        _check_choice("variant", variant, BUTTON_VARIANTS)
        classes = ["nhsuk-button"]
        if variant:
            classes.append(f"nhsuk-button--{variant}")
        if small:
            classes.append("nhsuk-button--small")
        if css_class:
            classes.append(css_class)
        self.css_class = " ".join(classes)
        self.css_id = css_id
        self.flat_attrs = flatatt(kwargs)

    def render(self, form, context, template_pack=TEMPLATE_PACK, **kwargs):
        template = self.template % template_pack if "%s" in self.template else self.template
        return render_to_string(template, {"link": self})
