"""The `nhsuk` crispy-forms template pack renders NHS.UK frontend 10 markup.

Rendering needs templates only, no database. Markup is checked on the parsed
tree (django.test.html) so attribute order and whitespace do not matter.
"""

import datetime
from pathlib import Path

import pytest
from crispy_forms.bootstrap import FormActions, InlineRadios, PrependedText
from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, ButtonHolder, Layout
from crispy_forms.layout import Submit as CrispySubmit
from django import forms
from django.core.exceptions import ValidationError
from django.template import Context, RequestContext, Template
from django.template.loader import get_template
from django.test import RequestFactory, SimpleTestCase
from django.test.html import Element, parse_html

import amhe.core
from amhe.core.nhsuk_forms import (
    Button,
    ButtonLink,
    CharacterCountTextarea,
    Field,
    Fieldset,
    NhsDateField,
    NhsDateInput,
    Submit,
)

# --------------------------------------------------------------------------- helpers

html_assertions = SimpleTestCase()


def render(form, tag="{{ form|crispy }}", request=None):
    template = Template("{% load crispy_forms_tags %}" + tag)
    if request is not None:
        return template.render(RequestContext(request, {"form": form}))
    return template.render(Context({"form": form}))


def tree(html):
    return parse_html(html)


def top_level(root):
    """The top-level elements of a parsed fragment."""
    if root.name:
        return [root]
    return [child for child in root.children if isinstance(child, Element)]


def attrs(element):
    return dict(element.attributes)


def classes(element):
    return set((attrs(element).get("class") or "").split())


def walk(node):
    """`node` (parse_html returns a lone top-level element itself) and every element under it."""
    if isinstance(node, Element) and node.name:
        yield node
    for child in getattr(node, "children", []):
        if isinstance(child, Element):
            yield from walk(child)


def find_all(node, tag=None, cls=None, **attributes):
    """Elements under `node` with the tag, all the classes in `cls` and the attributes (`_` for `-`)."""
    wanted_classes = set(cls.split()) if cls else set()
    wanted = {name.replace("_", "-"): value for name, value in attributes.items()}
    found = []
    for element in walk(node):
        if tag and element.name != tag:
            continue
        if not wanted_classes <= classes(element):
            continue
        if any(attrs(element).get(name, object()) != value for name, value in wanted.items()):
            continue
        found.append(element)
    return found


def find(node, tag=None, cls=None, **attributes):
    found = find_all(node, tag, cls, **attributes)
    assert len(found) == 1, f"expected one <{tag} class={cls!r} {attributes}>, found {len(found)} in:\n{node}"
    return found[0]


def text(node):
    if isinstance(node, str):
        return " ".join(node.split())
    return " ".join(" ".join(text(child) for child in node.children).split())


def describedby(element):
    return attrs(element).get("aria-describedby", "").split()


def form_group_of(root, element_id):
    """The nhsuk-form-group that holds the element with this id (the innermost one)."""
    groups = [group for group in find_all(root, "div", "nhsuk-form-group") if find_all(group, id=element_id)]
    assert groups, f"no form group holds #{element_id}"
    return min(groups, key=lambda group: len(list(walk(group))))


# --------------------------------------------------------------------------- test forms


class PersonForm(forms.Form):
    full_name = forms.CharField(label="Full name", max_length=100, help_text="As it appears on your NHS letter")
    email = forms.EmailField(label="Email address", widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    nickname = forms.CharField(label="Nickname", required=False)


class ChoicesForm(forms.Form):
    contact = forms.ChoiceField(
        label="How should we contact you?",
        choices=[("email", "Email"), ("phone", "Phone")],
        widget=forms.RadioSelect,
        help_text="Select one option",
    )
    conditions = forms.MultipleChoiceField(
        label="Which conditions apply?",
        choices=[("asthma", "Asthma"), ("diabetes", "Diabetes"), ("other", "Other")],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    region = forms.ChoiceField(
        label="Region",
        choices=[("", "Choose a region"), ("london", "London"), ("north-east", "North East")],
        help_text="Where the service runs",
    )


class AgreeForm(forms.Form):
    agree = forms.BooleanField(label="I agree to the terms", help_text="You can withdraw at any time")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(Fieldset("Declaration", "agree", legend_size="m"))


class TextForm(forms.Form):
    summary = forms.CharField(label="Summary", max_length=350, widget=forms.Textarea)
    notes = forms.CharField(label="Notes", widget=forms.Textarea, required=False)
    story = forms.CharField(
        label="Your story",
        widget=CharacterCountTextarea(maxwords=150, threshold=75),
        required=False,
    )


class DateForm(forms.Form):
    target_date = NhsDateField(label="Target date", help_text="For example, 31 3 2026")


class OptionalDateForm(forms.Form):
    date = NhsDateField(label="Date", required=False)


class AccountForm(forms.Form):
    age = forms.IntegerField(label="Age", min_value=0)
    email = forms.EmailField(label="Email", widget=forms.EmailInput(attrs={"autocomplete": "username"}))
    password = forms.CharField(label="Password", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    evidence = forms.FileField(label="Evidence", required=False, help_text="A PDF or Word document")


# --------------------------------------------------------------------------- text inputs, hints, errors


def test_label_for_matches_input_id_and_classes():
    root = tree(render(PersonForm()))
    field_input = find(root, "input", name="full_name")
    assert attrs(field_input)["id"] == "id_full_name"
    assert classes(field_input) == {"nhsuk-input"}
    assert attrs(field_input)["type"] == "text"
    label = find(root, "label", **{"for": "id_full_name"})
    assert classes(label) == {"nhsuk-label"}
    assert text(label) == "Full name"
    group = form_group_of(root, "id_full_name")
    assert classes(group) == {"nhsuk-form-group"}
    assert find_all(group, "label") == [label]


def test_hint_comes_from_help_text_and_is_referenced():
    root = tree(render(PersonForm()))
    hint = find(root, "div", "nhsuk-hint")
    assert text(hint) == "As it appears on your NHS letter"
    assert describedby(find(root, "input", name="full_name")) == [attrs(hint)["id"]]
    # No hint, no aria-describedby.
    assert "aria-describedby" not in attrs(find(root, "input", name="nickname"))


def test_error_state_marks_group_input_and_message():
    form = PersonForm(data={"full_name": "", "email": "not-an-email"})
    root = tree(render(form))
    name_input = find(root, "input", name="full_name")
    group = form_group_of(root, "id_full_name")
    assert classes(group) == {"nhsuk-form-group", "nhsuk-form-group--error"}
    assert classes(name_input) == {"nhsuk-input", "nhsuk-input--error"}
    message = find(group, "span", "nhsuk-error-message")
    hidden = find(message, "span", "nhsuk-u-visually-hidden")
    assert text(hidden) == "Error:"
    assert text(message) == "Error: This field is required."
    # Hint first, then the error, as in the NHS.UK input component.
    hint = find(group, "div", "nhsuk-hint")
    assert describedby(name_input) == [attrs(hint)["id"], attrs(message)["id"]]
    assert attrs(name_input)["aria-invalid"] == "true"
    # The optional field without an error is untouched.
    nickname_group = form_group_of(root, "id_nickname")
    assert "nhsuk-form-group--error" not in classes(nickname_group)
    assert find_all(nickname_group, cls="nhsuk-error-message") == []


def test_optional_fields_are_marked_and_required_ones_are_not():
    root = tree(render(PersonForm()))
    assert text(find(root, "label", **{"for": "id_nickname"})) == "Nickname (optional)"
    assert text(find(root, "label", **{"for": "id_full_name"})) == "Full name"
    assert "(required)" not in render(PersonForm())


def test_error_summary_is_first_and_links_to_each_field():
    class SummaryForm(PersonForm):
        def clean(self):
            raise ValidationError("These details do not match our records")

    form = SummaryForm(data={"full_name": "", "email": "nope"})
    root = tree(render(form))
    summary = top_level(root)[0]
    assert summary.name == "div"
    assert classes(summary) == {"nhsuk-error-summary"}
    assert attrs(summary)["data-module"] == "nhsuk-error-summary"
    alert = find(summary, "div", role="alert")
    heading = find(alert, "h2", "nhsuk-error-summary__heading")
    assert text(heading) == "There is a problem"
    items = find_all(find(alert, "ul", "nhsuk-list nhsuk-error-summary__list"), "li")
    assert [text(item) for item in items] == [
        "These details do not match our records",
        "This field is required.",
        "Enter a valid email address.",
    ]
    assert find_all(items[0], "a") == []
    assert [attrs(find(item, "a"))["href"] for item in items[1:]] == ["#id_full_name", "#id_email"]
    # Every link target exists.
    for item in items[1:]:
        assert find_all(root, id=attrs(find(item, "a"))["href"][1:])


def test_no_error_summary_for_an_unbound_or_valid_form():
    assert "nhsuk-error-summary" not in render(PersonForm())
    valid = PersonForm(data={"full_name": "Ann", "email": "ann@example.org"})
    assert valid.is_valid()
    assert "nhsuk-error-summary" not in render(valid)


def test_form_show_errors_false_hides_messages():
    form = PersonForm(data={})
    form.helper = FormHelper()
    form.helper.form_show_errors = False
    form.helper.form_tag = False
    html = render(form, "{% crispy form %}")
    assert "nhsuk-error-message" not in html
    assert "nhsuk-error-summary" not in html


# --------------------------------------------------------------------------- radios, checkboxes, select


def test_radios_in_fieldset_with_legend_hint_and_error():
    form = ChoicesForm(data={"region": "london"})
    root = tree(render(form))
    radio = find(root, "input", id="id_contact_0")
    fieldset = find(form_group_of(root, "id_contact_0"), "fieldset", "nhsuk-fieldset")
    legend = find(fieldset, "legend")
    assert classes(legend) == {"nhsuk-fieldset__legend"}
    assert text(legend) == "How should we contact you?"
    hint = find(fieldset, "div", "nhsuk-hint")
    error = find(fieldset, "span", "nhsuk-error-message")
    assert describedby(fieldset) == [attrs(hint)["id"], attrs(error)["id"]]
    radios = find(fieldset, "div", "nhsuk-radios")
    assert attrs(radios)["data-module"] == "nhsuk-radios"
    items = find_all(radios, "div", "nhsuk-radios__item")
    assert len(items) == 2
    assert classes(radio) == {"nhsuk-radios__input"}
    assert attrs(radio)["type"] == "radio"
    assert attrs(radio)["name"] == "contact"
    assert attrs(radio)["value"] == "email"
    label = find(items[0], "label", **{"for": "id_contact_0"})
    assert classes(label) == {"nhsuk-label", "nhsuk-radios__label"}
    assert text(label) == "Email"
    # The error summary links to the first radio.
    assert find(root, "a", href="#id_contact_0")


def test_radio_and_checkbox_choices_keep_their_checked_state():
    form = ChoicesForm(data={"contact": "phone", "conditions": ["asthma", "other"], "region": "london"})
    root = tree(render(form))
    assert "checked" not in attrs(find(root, "input", id="id_contact_0"))
    assert "checked" in attrs(find(root, "input", id="id_contact_1"))
    checked = [attrs(box)["value"] for box in find_all(root, "input", type="checkbox") if "checked" in attrs(box)]
    assert checked == ["asthma", "other"]


def test_checkboxes_in_fieldset_with_optional_legend():
    root = tree(render(ChoicesForm()))
    group = form_group_of(root, "id_conditions_0")
    fieldset = find(group, "fieldset", "nhsuk-fieldset")
    assert text(find(fieldset, "legend", "nhsuk-fieldset__legend")) == "Which conditions apply? (optional)"
    boxes = find(fieldset, "div", "nhsuk-checkboxes")
    assert attrs(boxes)["data-module"] == "nhsuk-checkboxes"
    inputs = find_all(boxes, "input")
    assert [attrs(box)["id"] for box in inputs] == ["id_conditions_0", "id_conditions_1", "id_conditions_2"]
    assert all(classes(box) == {"nhsuk-checkboxes__input"} and attrs(box)["type"] == "checkbox" for box in inputs)
    labels = find_all(boxes, "label", "nhsuk-label nhsuk-checkboxes__label")
    assert [(attrs(label)["for"], text(label)) for label in labels] == [
        ("id_conditions_0", "Asthma"),
        ("id_conditions_1", "Diabetes"),
        ("id_conditions_2", "Other"),
    ]


def test_single_boolean_checkbox_in_a_layout_fieldset():
    form = AgreeForm(data={})
    root = tree(render(form, "{% crispy form %}"))
    fieldset = find(root, "fieldset", "nhsuk-fieldset")
    legend = find(fieldset, "legend")
    assert classes(legend) == {"nhsuk-fieldset__legend", "nhsuk-fieldset__legend--m"}
    assert text(legend) == "Declaration"
    group = find(fieldset, "div", "nhsuk-form-group nhsuk-form-group--error")
    item = find(group, "div", "nhsuk-checkboxes__item")
    checkbox = find(item, "input", id="id_agree")
    assert attrs(checkbox)["type"] == "checkbox"
    assert classes(checkbox) == {"nhsuk-checkboxes__input"}
    assert text(find(item, "label", "nhsuk-checkboxes__label", **{"for": "id_agree"})) == "I agree to the terms"
    hint = find(item, "div", "nhsuk-hint nhsuk-checkboxes__hint")
    error = find(group, "span", "nhsuk-error-message")
    assert describedby(checkbox) == [attrs(hint)["id"], attrs(error)["id"]]


def test_select_with_hint_error_and_selected_option():
    root = tree(render(ChoicesForm(data={"region": ""})))
    select = find(root, "select", id="id_region")
    assert classes(select) == {"nhsuk-select", "nhsuk-select--error"}
    assert attrs(select)["name"] == "region"
    assert text(find(root, "label", **{"for": "id_region"})) == "Region"
    group = form_group_of(root, "id_region")
    assert classes(group) == {"nhsuk-form-group", "nhsuk-form-group--error"}
    hint = find(group, "div", "nhsuk-hint")
    error = find(group, "span", "nhsuk-error-message")
    assert describedby(select) == [attrs(hint)["id"], attrs(error)["id"]]
    options = find_all(select, "option")
    assert [(attrs(option)["value"], text(option)) for option in options] == [
        ("", "Choose a region"),
        ("london", "London"),
        ("north-east", "North East"),
    ]
    selected = tree(render(ChoicesForm(initial={"region": "north-east"})))
    assert [attrs(o)["value"] for o in find_all(selected, "option") if "selected" in attrs(o)] == ["north-east"]
    assert classes(find(selected, "select")) == {"nhsuk-select"}


# --------------------------------------------------------------------------- textarea and character count


def test_textarea_without_a_limit_is_a_plain_nhsuk_textarea():
    root = tree(render(TextForm(data={"notes": "Some notes"})))
    textarea = find(root, "textarea", name="notes")
    assert classes(textarea) == {"nhsuk-textarea"}
    assert text(textarea) == "Some notes"
    group = form_group_of(root, "id_notes")
    assert classes(group) == {"nhsuk-form-group"}
    assert text(find(group, "label", **{"for": "id_notes"})) == "Notes (optional)"


def test_textarea_with_max_length_is_a_character_count():
    form = TextForm(data={"summary": "x" * 351})
    root = tree(render(form))
    textarea = find(root, "textarea", name="summary")
    group = form_group_of(root, "id_summary")
    assert classes(group) == {"nhsuk-form-group", "nhsuk-form-group--error", "nhsuk-character-count"}
    assert attrs(group)["data-module"] == "nhsuk-character-count"
    assert attrs(group)["data-maxlength"] == "350"
    assert classes(textarea) == {"nhsuk-textarea", "nhsuk-textarea--error", "nhsuk-js-character-count"}
    # The component, not the browser, enforces the limit: no maxlength attribute.
    assert "maxlength" not in attrs(textarea)
    info = find(group, "div", "nhsuk-hint nhsuk-character-count__message")
    assert attrs(info)["id"] == "id_summary-info"
    assert text(info) == "You can enter up to 350 characters"
    error = find(group, "span", "nhsuk-error-message")
    assert describedby(textarea) == ["id_summary-info", attrs(error)["id"]]
    assert text(textarea) == "x" * 351


def test_character_count_textarea_with_a_word_limit_and_threshold():
    root = tree(render(TextForm()))
    group = form_group_of(root, "id_story")
    assert attrs(group)["data-module"] == "nhsuk-character-count"
    assert attrs(group)["data-maxwords"] == "150"
    assert attrs(group)["data-count-type"] == "words"
    assert attrs(group)["data-threshold"] == "75"
    assert "data-maxlength" not in attrs(group)
    assert text(find(group, "div", "nhsuk-character-count__message")) == "You can enter up to 150 words"
    textarea = find(group, "textarea")
    assert attrs(textarea)["rows"] == "5"
    assert "cols" not in attrs(textarea)


# --------------------------------------------------------------------------- date input


def test_date_input_markup():
    root = tree(render(DateForm()))
    group = form_group_of(root, "id_target_date")
    fieldset = find(group, "fieldset", "nhsuk-fieldset", role="group")
    assert text(find(fieldset, "legend", "nhsuk-fieldset__legend")) == "Target date"
    hint = find(fieldset, "div", "nhsuk-hint")
    assert describedby(fieldset) == [attrs(hint)["id"]]
    date_input = find(fieldset, "div", "nhsuk-date-input", id="id_target_date")
    items = find_all(date_input, "div", "nhsuk-date-input__item")
    assert len(items) == 3
    expected = [("day", "Day", "2"), ("month", "Month", "2"), ("year", "Year", "4")]
    for item, (part, label_text, width) in zip(items, expected, strict=True):
        part_input = find(item, "input")
        assert attrs(part_input)["id"] == f"id_target_date_{part}"
        assert attrs(part_input)["name"] == f"target_date_{part}"
        assert attrs(part_input)["type"] == "text"
        assert attrs(part_input)["inputmode"] == "numeric"
        assert classes(part_input) == {"nhsuk-input", f"nhsuk-input--width-{width}", "nhsuk-date-input__input"}
        label = find(item, "label", "nhsuk-label nhsuk-date-input__label", **{"for": f"id_target_date_{part}"})
        assert text(label) == label_text


def test_date_field_parses_to_a_date():
    form = DateForm(data={"target_date_day": "31", "target_date_month": "3", "target_date_year": "2026"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["target_date"] == datetime.date(2026, 3, 31)
    named = DateForm(data={"target_date_day": " 1 ", "target_date_month": "Feb", "target_date_year": "2024"})
    assert named.is_valid(), named.errors
    assert named.cleaned_data["target_date"] == datetime.date(2024, 2, 1)


def test_date_field_shows_its_initial_value():
    root = tree(render(DateForm(initial={"target_date": datetime.date(2025, 7, 4)})))
    values = [attrs(find(root, "input", name=f"target_date_{part}")).get("value") for part in ("day", "month", "year")]
    assert values == ["4", "7", "2025"]


@pytest.mark.parametrize(
    ("day", "month", "year", "message", "wrong_parts"),
    [
        ("", "", "", "Enter the target date", {"day", "month", "year"}),
        ("31", "", "2026", "Target date must include a month", {"month"}),
        ("", "", "2026", "Target date must include a day and month", {"day", "month"}),
        ("30", "2", "2026", "Target date must be a real date", {"day"}),
        ("12", "13", "2026", "Target date must be a real date", {"month"}),
        ("1", "x", "2026", "Target date must be a real date", {"month"}),
        ("1", "2", "26", "Year must include 4 numbers", {"year"}),
    ],
)
def test_date_field_messages_and_error_on_the_wrong_parts(day, month, year, message, wrong_parts):
    form = DateForm(data={"target_date_day": day, "target_date_month": month, "target_date_year": year})
    assert not form.is_valid()
    assert form.errors["target_date"] == [message]
    root = tree(render(form))
    group = form_group_of(root, "id_target_date")
    assert "nhsuk-form-group--error" in classes(group)
    assert text(find(group, "span", "nhsuk-error-message")) == f"Error: {message}"
    marked = set()
    for part in ("day", "month", "year"):
        part_input = find(group, "input", name=f"target_date_{part}")
        if "nhsuk-input--error" in classes(part_input):
            marked.add(part)
            assert "nhsuk-form-group--error" in classes(form_group_of(root, f"id_target_date_{part}"))
        else:
            assert "nhsuk-form-group--error" not in classes(form_group_of(root, f"id_target_date_{part}"))
    assert marked == wrong_parts
    # The summary links to the first wrong part.
    first = next(part for part in ("day", "month", "year") if part in wrong_parts)
    assert attrs(find(root, "a", href=f"#id_target_date_{first}"))
    assert text(find(root, "a", href=f"#id_target_date_{first}")) == message


def test_date_error_from_form_clean_marks_every_part():
    class PastDateForm(DateForm):
        def clean_target_date(self):
            value = self.cleaned_data["target_date"]
            if value >= datetime.date(2000, 1, 1):
                raise ValidationError("Target date must be before 2000")
            return value

    form = PastDateForm(data={"target_date_day": "1", "target_date_month": "1", "target_date_year": "2020"})
    assert not form.is_valid()
    root = tree(render(form))
    for part in ("day", "month", "year"):
        assert "nhsuk-input--error" in classes(find(root, "input", name=f"target_date_{part}"))
    assert find(root, "a", href="#id_target_date_day")


def test_optional_date_field_may_be_left_empty():
    form = OptionalDateForm(data={"date_day": "", "date_month": "", "date_year": ""})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["date"] is None
    partial = OptionalDateForm(data={"date_day": "3", "date_month": "", "date_year": "2020"})
    assert partial.errors["date"] == ["Date must include a month"]
    assert text(find(tree(render(OptionalDateForm())), "legend")) == "Date (optional)"


def test_date_input_autocomplete_for_a_date_of_birth():
    widget = NhsDateInput(autocomplete="bday")
    assert [w.attrs["autocomplete"] for w in widget.widgets] == ["bday-day", "bday-month", "bday-year"]


# --------------------------------------------------------------------------- number, email, password, file


def test_number_input_and_input_width():
    form = AccountForm()
    form.helper = FormHelper()
    form.helper.form_tag = False
    form.helper.layout = Layout(Field("age", input_width=3), "email", "password", "evidence")
    root = tree(render(form, "{% crispy form %}"))
    age = find(root, "input", name="age")
    assert attrs(age)["type"] == "number"
    assert attrs(age)["min"] == "0"
    assert classes(age) == {"nhsuk-input", "nhsuk-input--width-3"}


def test_email_and_password_keep_autocomplete():
    root = tree(render(AccountForm()))
    email = find(root, "input", name="email")
    assert attrs(email)["type"] == "email"
    assert attrs(email)["autocomplete"] == "username"
    assert attrs(email)["spellcheck"] == "false"
    password = find(root, "input", name="password")
    assert attrs(password)["type"] == "password"
    assert attrs(password)["autocomplete"] == "new-password"
    assert classes(password) == {"nhsuk-input", "nhsuk-password-input__input", "nhsuk-js-password-input-input"}
    group = form_group_of(root, "id_password")
    assert classes(group) == {"nhsuk-form-group", "nhsuk-password-input"}
    assert attrs(group)["data-module"] == "nhsuk-password-input"
    toggle = find(group, "button", "nhsuk-password-input__toggle")
    assert attrs(toggle)["type"] == "button"
    assert attrs(toggle)["aria-controls"] == "id_password"
    assert "hidden" in attrs(toggle)


def test_file_upload():
    form = AccountForm()
    root = tree(render(form))
    file_input = find(root, "input", type="file")
    assert classes(file_input) == {"nhsuk-file-upload__input"}
    assert attrs(file_input)["name"] == "evidence"
    group = form_group_of(root, "id_evidence")
    # The native input is kept: NHS.UK frontend 10.6.1's file-upload script swaps it for a
    # button whose visible text does not match its accessible name (WCAG 2.5.3, axe serious).
    assert classes(group) == {"nhsuk-form-group"}
    assert "data-module" not in attrs(group)
    assert text(find(group, "label", **{"for": "id_evidence"})) == "Evidence (optional)"
    assert describedby(file_input) == [attrs(find(group, "div", "nhsuk-hint"))["id"]]
    # {% crispy %} makes the form multipart.
    form.helper = FormHelper()
    with_tag = tree(render(form, "{% crispy form %}", request=RequestFactory().get("/")))
    assert attrs(find(with_tag, "form"))["enctype"] == "multipart/form-data"


def test_hidden_fields_render_bare():
    class HiddenForm(forms.Form):
        step = forms.CharField(widget=forms.HiddenInput, initial="2")

    root = tree(render(HiddenForm()))
    hidden = find(root, "input", type="hidden")
    assert attrs(hidden)["value"] == "2"
    assert find_all(root, "div") == []
    assert find_all(root, "label") == []


# --------------------------------------------------------------------------- escaping


def test_user_values_are_escaped():
    class EchoForm(forms.Form):
        name = forms.CharField(label="Name <b>bold</b>", help_text="<i>hint</i>")
        notes = forms.CharField(widget=forms.Textarea)
        colour = forms.ChoiceField(choices=[("red", "Red")])

    payload = '<script>alert("x")</script>'
    form = EchoForm(data={"name": payload, "notes": payload, "colour": payload})
    html = render(form)
    assert "<script>" not in html
    assert "<b>" not in html and "<i>" not in html
    root = tree(html)
    assert attrs(find(root, "input", name="name"))["value"] == payload
    assert text(find(root, "textarea", name="notes")) == payload
    # Django's "Select a valid choice. X is not one of the available choices." quotes the input.
    assert payload in text(find(root, "span", "nhsuk-error-message"))
    assert payload in text(find(root, "div", "nhsuk-error-summary"))
    assert text(find(root, "label", **{"for": "id_name"})) == "Name <b>bold</b>"
    html_assertions.assertInHTML("<i>hint</i>", text(find(root, "div", "nhsuk-hint")))


# --------------------------------------------------------------------------- buttons and layout objects


def test_submit_secondary_and_link_buttons():
    form = PersonForm()
    form.helper = FormHelper()
    form.helper.form_tag = False
    form.helper.layout = Layout(
        "full_name",
        ButtonHolder(
            Submit("save", "Save and continue", prevent_double_click=True),
            Submit("draft", "Save as draft", variant="secondary"),
            Button("find", "Find my location"),
            ButtonLink("Cancel", "/projects/", variant="secondary"),
        ),
    )
    root = tree(render(form, "{% crispy form %}"))
    group = find(root, "div", "nhsuk-button-group")
    save, draft, find_button = find_all(group, "button")
    assert classes(save) == {"nhsuk-button"}
    assert attrs(save)["type"] == "submit"
    assert attrs(save)["data-module"] == "nhsuk-button"
    assert attrs(save)["data-prevent-double-click"] == "true"
    assert attrs(save)["name"] == "save"
    assert text(save) == "Save and continue"
    assert classes(draft) == {"nhsuk-button", "nhsuk-button--secondary"}
    assert attrs(draft)["type"] == "submit"
    assert classes(find_button) == {"nhsuk-button", "nhsuk-button--secondary"}
    assert attrs(find_button)["type"] == "button"
    link = find(group, "a")
    assert classes(link) == {"nhsuk-button", "nhsuk-button--secondary"}
    assert attrs(link) | {"class": None} == {
        "class": None,
        "data-module": "nhsuk-button",
        "href": "/projects/",
        "role": "button",
        "draggable": "false",
    }
    assert text(link) == "Cancel"


def test_crispys_own_submit_becomes_an_nhsuk_button():
    form = PersonForm()
    form.helper = FormHelper()
    form.helper.form_tag = False
    form.helper.add_input(CrispySubmit("submit", "Continue"))
    root = tree(render(form, "{% crispy form %}"))
    button = find(find(root, "div", "nhsuk-button-group"), "button")
    assert classes(button) == {"nhsuk-button"}
    assert attrs(button)["type"] == "submit"
    assert text(button) == "Continue"


def test_field_options_label_size_page_heading_and_affixes():
    class CostForm(forms.Form):
        title = forms.CharField(label="What is the project called?")
        cost = forms.DecimalField(label="Cost per item")
        contact = forms.ChoiceField(choices=[("y", "Yes"), ("n", "No")], widget=forms.RadioSelect, label="Contact?")

    form = CostForm()
    form.helper = FormHelper()
    form.helper.form_tag = False
    form.helper.layout = Layout(
        Field("title", label_size="l", page_heading=True, autocomplete="off"),
        Field("cost", prefix="£", suffix="per item", input_width=5),
        Field("contact", inline=True, small=True, label_size="m"),
        HTML("<p class='nhsuk-body'>Done</p>"),
    )
    root = tree(render(form, "{% crispy form %}"))
    heading = find(root, "h1", "nhsuk-label-wrapper")
    label = find(heading, "label", **{"for": "id_title"})
    assert classes(label) == {"nhsuk-label", "nhsuk-label--l"}
    assert attrs(find(root, "input", name="title"))["autocomplete"] == "off"
    wrapper = find(root, "div", "nhsuk-input-wrapper")
    assert text(find(wrapper, "div", "nhsuk-input-wrapper__prefix", aria_hidden="true")) == "£"
    assert text(find(wrapper, "div", "nhsuk-input-wrapper__suffix", aria_hidden="true")) == "per item"
    assert classes(find(wrapper, "input")) == {"nhsuk-input", "nhsuk-input--width-5"}
    radios = find(root, "div", "nhsuk-radios")
    assert classes(radios) == {"nhsuk-radios", "nhsuk-radios--inline", "nhsuk-radios--small"}
    assert classes(find(root, "legend")) == {"nhsuk-fieldset__legend", "nhsuk-fieldset__legend--m"}
    assert find(root, "p", "nhsuk-body")


def test_fieldset_with_page_heading_legend():
    form = PersonForm()
    form.helper = FormHelper()
    form.helper.form_tag = False
    form.helper.layout = Layout(Fieldset("Your details", "full_name", "email", legend_size="l", page_heading=True))
    root = tree(render(form, "{% crispy form %}"))
    fieldset = find(root, "fieldset", "nhsuk-fieldset")
    legend = find(fieldset, "legend")
    assert classes(legend) == {"nhsuk-fieldset__legend", "nhsuk-fieldset__legend--l"}
    assert text(find(legend, "h1", "nhsuk-fieldset__heading")) == "Your details"
    assert len(find_all(fieldset, "div", "nhsuk-form-group")) == 2


def test_invalid_presentation_options_are_rejected():
    with pytest.raises(ValueError, match="label_size"):
        Field("title", label_size="huge")
    with pytest.raises(ValueError, match="variant"):
        Submit("go", "Go", variant="primary-ish")


# --------------------------------------------------------------------------- form tag, csrf, filters


def test_crispy_tag_renders_form_tag_and_csrf_token():
    form = PersonForm()
    form.helper = FormHelper()
    form.helper.form_action = "/save/"
    form.helper.add_input(Submit("save", "Save"))
    root = tree(render(form, "{% crispy form %}", request=RequestFactory().get("/")))
    assert len(top_level(root)) == 1
    form_element = top_level(root)[0]
    assert form_element.name == "form"
    assert attrs(form_element)["method"] == "post"
    assert attrs(form_element)["action"] == "/save/"
    assert "novalidate" in attrs(form_element)
    token = find(form_element, "input", name="csrfmiddlewaretoken")
    assert attrs(token)["type"] == "hidden"
    assert attrs(token)["value"]
    assert find(form_element, "input", name="full_name")
    assert find(form_element, "button", type="submit")


def test_crispy_tag_with_get_has_no_csrf_token():
    form = PersonForm()
    form.helper = FormHelper()
    form.helper.form_method = "get"
    root = tree(render(form, "{% crispy form %}", request=RequestFactory().get("/")))
    assert attrs(find(root, "form"))["method"] == "get"
    assert find_all(root, "input", name="csrfmiddlewaretoken") == []


def test_crispy_filter_has_no_form_tag():
    html = render(PersonForm(), request=RequestFactory().get("/"))
    root = tree(html)
    assert find_all(root, "form") == []
    assert "csrfmiddlewaretoken" not in html
    assert [element.name for element in top_level(root)] == ["div", "div", "div"]


def test_as_crispy_field_and_as_crispy_errors():
    form = PersonForm(data={"email": "x"})
    root = tree(render(form, "{{ form.email|as_crispy_field }}"))
    assert [element.name for element in top_level(root)] == ["div"]
    assert classes(root) == {"nhsuk-form-group", "nhsuk-form-group--error"}
    assert find(root, "label", **{"for": "id_email"})
    errors = tree(render(form, "{{ form|as_crispy_errors }}"))
    summary = find(errors, "div", "nhsuk-error-summary")
    assert [attrs(a)["href"] for a in find_all(summary, "a")] == ["#id_full_name", "#id_email"]


def test_formset_error_summary_and_management_form():
    class RequiredFormSet(forms.BaseFormSet):
        def clean(self):
            raise ValidationError("Add at least one person")

    formset_class = forms.formset_factory(PersonForm, formset=RequiredFormSet, extra=1)
    data = {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "0",
        "form-0-full_name": "",
        "form-0-email": "ann@example.org",
    }
    formset = formset_class(data=data)
    assert not formset.is_valid()
    html = Template("{% load crispy_forms_tags %}{{ formset|crispy }}").render(Context({"formset": formset}))
    root = tree(html)
    assert find(root, "input", name="form-TOTAL_FORMS")
    summary = find(root, "div", "nhsuk-error-summary")
    assert [text(li) for li in find_all(summary, "li")] == ["Add at least one person", "This field is required."]
    assert find(summary, "a", href="#id_form-0-full_name")


# --------------------------------------------------------------------------- the pack as a whole

PACK_DIR = Path(amhe.core.__file__).parent / "templates" / "nhsuk"


@pytest.mark.parametrize(
    "name",
    [
        "field.html",
        "uni_form.html",
        "whole_uni_form.html",
        "uni_formset.html",
        "whole_uni_formset.html",
        "errors.html",
        "errors_formset.html",
        "multifield.html",
        "layout/baseinput.html",
        "layout/buttonholder.html",
        "layout/fieldset.html",
        "layout/div.html",
        "layout/row.html",
        "layout/column.html",
        "layout/multifield.html",
        "layout/prepended_appended_text.html",
        "layout/formactions.html",
        "layout/radioselect_inline.html",
        "layout/checkboxselectmultiple_inline.html",
        "layout/field_with_buttons.html",
        "layout/button.html",
    ],
)
def test_pack_provides_the_templates_crispy_asks_for(name):
    assert (PACK_DIR / name).is_file()
    get_template(f"nhsuk/{name}")


def test_every_pack_template_compiles():
    names = sorted(path.relative_to(PACK_DIR).as_posix() for path in PACK_DIR.rglob("*.html"))
    assert len(names) > 20
    for name in names:
        get_template(f"nhsuk/{name}")


def test_crispy_bootstrap_layout_objects_render_as_nhsuk():
    form = ChoicesForm()
    form.helper = FormHelper()
    form.helper.form_tag = False
    form.helper.layout = Layout(
        InlineRadios("contact"),
        "region",
        FormActions(Submit("save", "Save")),
    )
    root = tree(render(form, "{% crispy form %}"))
    assert classes(find(root, "div", "nhsuk-radios")) == {"nhsuk-radios", "nhsuk-radios--inline"}
    assert find(find(root, "div", "nhsuk-button-group"), "button", type="submit")

    prefixed = PersonForm()
    prefixed.helper = FormHelper()
    prefixed.helper.form_tag = False
    prefixed.helper.layout = Layout(PrependedText("nickname", "@"))
    wrapper = find(tree(render(prefixed, "{% crispy form %}")), "div", "nhsuk-input-wrapper")
    assert text(find(wrapper, "div", "nhsuk-input-wrapper__prefix")) == "@"
    assert attrs(find(wrapper, "input"))["id"] == "id_nickname"
