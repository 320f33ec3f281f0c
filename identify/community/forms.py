"""Forms for the community pages (Identify 1B). They collect and tidy input;
the rules (make-up within the attendees, assets of the project's organisation,
duplicate assets) are checked again by identify.community.services."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.template.defaultfilters import pluralize
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from amhe.core import taxonomy
from amhe.core.nhsuk_forms import NhsDateField
from amhe.surveys import themes
from amhe.surveys.antispam import HoneypotForm
from identify.community import services
from identify.models import CommunityAsset

YES_NO = [("yes", "Yes"), ("no", "No")]


def _textarea(rows=4, **attrs):
    return forms.Textarea(attrs={"rows": rows, **attrs})


def _number_input():
    return forms.TextInput(attrs={"inputmode": "numeric", "class": "nhsuk-input--width-3", "autocomplete": "off"})


class ThemesField(forms.CharField):
    """A comma-separated list of theme names, cleaned to a list (themes.parse_names)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "Themes")
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "help_text",
            "Separate themes with commas, for example 'Waiting times, Language and interpreting'. Use the same "
            "words for the same theme: a theme matches an existing one whatever its capital letters.",
        )
        kwargs.setdefault("widget", forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "true"}))
        super().__init__(**kwargs)

    def clean(self, value):
        return themes.parse_names(super().clean(value) or "")


def theme_text(target) -> str:
    return ", ".join(theme.name for theme in sorted(target.themes.all(), key=lambda t: t.name.casefold()))


# --- Focus groups ------------------------------------------------------------------------


def make_up_field_name(key: str, code: str) -> str:
    return f"make_up__{key}__{code}"


class FocusGroupForm(forms.Form):
    title = forms.CharField(
        label="Title",
        max_length=200,
        help_text="What it was, for example 'Crisis care conversation with the carers' group'.",
        error_messages={"required": "Enter a title"},
    )
    held_on = NhsDateField(label="Date held", help_text="For example, 17 9 2026.")
    community_group = forms.CharField(
        label="Community group",
        max_length=200,
        required=False,
        help_text="The group or organisation that hosted it or came, if any.",
    )
    asset = forms.ModelChoiceField(
        label="Community asset",
        queryset=CommunityAsset.objects.none(),
        required=False,
        empty_label="Not in the directory",
        help_text="If the group is in your organisation's directory of community assets, choose it.",
    )
    facilitators = forms.CharField(
        label="Facilitators",
        max_length=300,
        required=False,
        help_text="Who ran the session: staff, lived-experience leads, interpreters.",
    )
    attendees = forms.IntegerField(
        label="Number of people who came",
        min_value=1,
        max_value=10000,
        help_text="Not counting the facilitators. Do not record anyone's name.",
        widget=_number_input(),
        error_messages={
            "required": "Enter the number of people who came",
            "invalid": "Enter the number of people who came as a whole number, like 12",
            "min_value": "Enter the number of people who came, 1 or more",
            "max_value": "Enter the number of people who came, up to 10,000",
        },
    )
    languages = forms.CharField(
        label="Languages used",
        max_length=200,
        required=False,
        help_text="For example, 'Urdu, English'.",
    )
    notes = forms.CharField(
        label="Notes",
        required=False,
        widget=_textarea(8),
        help_text="What people said. Do not include names or anything that could identify someone.",
    )
    theme_names = ThemesField()
    consent_recorded = forms.TypedChoiceField(
        label="Was consent recorded?",
        choices=YES_NO,
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Select yes if consent was recorded"},
    )
    consent_notes = forms.CharField(
        label="Consent notes",
        required=False,
        widget=_textarea(3),
        help_text="How consent was asked for and what people agreed to, for example 'Verbal consent for "
        "anonymous notes; no recording'.",
    )

    def __init__(self, *args, project, focus_group=None, **kwargs):
        if focus_group is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                **{name: getattr(focus_group, name) for name in services.FOCUS_GROUP_FIELDS if name != "make_up"},
                "consent_recorded": "yes" if focus_group.consent_recorded else "no",
                "theme_names": theme_text(focus_group),
                **{
                    make_up_field_name(key, code): count
                    for key, counts in (focus_group.make_up or {}).items()
                    for code, count in counts.items()
                },
            }
        super().__init__(*args, **kwargs)
        assets = CommunityAsset.objects.filter(organisation_id=project.organisation_id).order_by("name")
        if assets.exists():
            self.fields["asset"].queryset = assets
        else:
            del self.fields["asset"]
        self.make_up_fields: list[tuple[services.MakeUpCharacteristic, list[str]]] = []
        for item in services.MAKE_UP:
            names = []
            for code, label in item.categories():
                name = make_up_field_name(item.key, code)
                self.fields[name] = forms.IntegerField(
                    label=label,
                    required=False,
                    min_value=0,
                    widget=_number_input(),
                    error_messages={
                        "invalid": f"{label}: enter a whole number, like 5",
                        "min_value": f"{label}: enter 0 or more",
                    },
                )
                names.append(name)
            self.make_up_fields.append((item, names))
        # The make-up comes after the number who came, in the error summary too.
        order = ["title", "held_on", "community_group", "asset", "facilitators", "attendees"]
        order += [name for _item, names in self.make_up_fields for name in names]
        order += ["languages", "notes", "theme_names", "consent_recorded", "consent_notes"]
        self.order_fields(order)

    def make_up_groups(self) -> list[dict]:
        """One fieldset per characteristic, for the template."""
        return [
            {"key": item.key, "legend": item.label, "fields": [self[name] for name in names]}
            for item, names in self.make_up_fields
        ]

    def clean(self):
        cleaned = super().clean()
        attendees = cleaned.get("attendees")
        if attendees is None:
            return cleaned
        for item, names in self.make_up_fields:
            total = 0
            for name in names:
                count = cleaned.get(name)
                if count is None:
                    continue
                total += count
                if count > attendees:
                    label = self.fields[name].label
                    self.add_error(
                        name,
                        f"{label}: {count} is more than the {attendees} {pluralize(attendees, 'person,people')} "
                        "who came. Enter a number from 0 "
                        f"to {attendees}",
                    )
            if total > attendees and not any(name in self.errors for name in names):
                first = next(name for name in names if cleaned.get(name))
                self.add_error(
                    first,
                    f"The {item.label.lower()} numbers add up to {total}, more than the {attendees} people who "
                    "came. Count each person once",
                )
        return cleaned

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        make_up = {}
        for item, names in self.make_up_fields:
            counts = {name.rsplit("__", 1)[1]: data[name] for name in names if data.get(name) is not None}
            if counts:
                make_up[item.key] = counts
        return {
            "title": data["title"],
            "held_on": data["held_on"],
            "community_group": data["community_group"],
            "asset": data.get("asset"),
            "facilitators": data["facilitators"],
            "attendees": data["attendees"],
            "make_up": make_up,
            "languages": data["languages"],
            "notes": data["notes"],
            "consent_recorded": data["consent_recorded"],
            "consent_notes": data["consent_notes"],
            "theme_names": data["theme_names"],
        }


# --- Community input ------------------------------------------------------------------


class PublicInputForm(HoneypotForm):
    """What a community group or partner service sends through the public link.
    Every word is translatable: the page is for people outside the NHS."""

    organisation_name = forms.CharField(
        label=_("Name of your organisation or group"),
        max_length=200,
        error_messages={
            "required": _("Enter the name of your organisation or group"),
            "max_length": _("The name must be 200 characters or fewer"),
        },
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    represents = forms.CharField(
        label=_("Who does your organisation work with or speak for?"),
        help_text=_("For example, 'Polish-speaking families in Beeston' or 'unpaid carers'."),
        widget=_textarea(3),
        max_length=2000,
        error_messages={
            "required": _("Tell us who your organisation works with or speaks for"),
            "max_length": _("Keep this to 2,000 characters or fewer"),
        },
    )
    input = forms.CharField(
        label=_("What would you like to tell us?"),
        help_text=_(
            "What the people you work with find hard, what helps, and what you think should change. Please do not "
            "include anyone's name or details that could identify them."
        ),
        widget=_textarea(10),
        max_length=10000,
        error_messages={
            "required": _("Enter what you would like to tell us"),
            "max_length": _("Keep this to 10,000 characters or fewer, or send it in two parts"),
        },
    )
    contact = forms.CharField(
        label=_("How can we contact you about it?"),
        help_text=_("An email address or phone number. We will only use it to ask you about what you sent."),
        max_length=200,
        required=False,
        error_messages={"max_length": _("Keep this to 200 characters or fewer")},
    )

    FIELDS = ("organisation_name", "represents", "input", "contact")

    def shown_fields(self):
        return [self[name] for name in self.FIELDS]

    def service_arguments(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.FIELDS}


class StaffInputForm(forms.Form):
    """Input received by email, letter or in person, typed in by staff."""

    organisation_name = forms.CharField(
        label="Organisation or group",
        max_length=200,
        error_messages={"required": "Enter the name of the organisation or group"},
    )
    represents = forms.CharField(
        label="Who they work with or speak for",
        required=False,
        widget=_textarea(3),
        help_text="For example, 'People seeking asylum and refugees'.",
    )
    input = forms.CharField(
        label="What they told you",
        widget=_textarea(10),
        help_text="Copy it from the email or letter. Leave out names and details of anyone they mention.",
        error_messages={"required": "Enter what they told you"},
    )
    contact = forms.CharField(
        label="Contact",
        max_length=200,
        required=False,
        help_text="How to reach them about it, if they gave it and agreed to it being kept.",
    )
    submitted_on = NhsDateField(label="Date received", help_text="For example, 3 10 2026.")
    theme_names = ThemesField()

    def clean_submitted_on(self):
        day = self.cleaned_data["submitted_on"]
        if day and day > timezone.localdate():
            raise ValidationError("The date received must be today or in the past")
        return day

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "organisation_name": data["organisation_name"],
            "represents": data["represents"],
            "input": data["input"],
            "contact": data["contact"],
            "submitted_on": data["submitted_on"],
            "theme_names": data["theme_names"],
        }


class InputThemesForm(forms.Form):
    theme_names = ThemesField(label="Themes in this input")


class InputLinkPromptForm(forms.Form):
    prompt = forms.CharField(
        label="What you would like community groups to tell you",
        required=False,
        widget=_textarea(4),
        max_length=2000,
        help_text="Shown at the top of the form. For example, 'Tell us what makes it hard for the people you work "
        "with to get help in a crisis.'",
    )


# --- Community assets --------------------------------------------------------------------


def characteristic_choices() -> list[tuple[str, str]]:
    return [(key, item.label) for key, item in taxonomy.CHARACTERISTICS.items()]


class AssetFieldsForm(forms.Form):
    """The text fields of a community asset, shared by the asset form and the CSV import."""

    name = forms.CharField(label="Name", max_length=200, error_messages={"required": "Enter the name of the asset"})
    kind = forms.ChoiceField(
        label="What kind of asset is it?",
        choices=CommunityAsset.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select what kind of asset it is",
            "invalid_choice": "Select what kind of asset it is",
        },
    )
    description = forms.CharField(label="Description", required=False, widget=_textarea(3))
    populations_served = forms.CharField(
        label="Who it serves",
        required=False,
        widget=_textarea(2),
        help_text="In its own words, for example 'South Asian women'.",
    )
    languages = forms.CharField(
        label="Languages spoken",
        max_length=300,
        required=False,
        help_text="Separate languages with commas, for example 'Urdu, Punjabi, English'.",
    )
    accessibility = forms.CharField(
        label="Accessibility",
        required=False,
        widget=_textarea(2),
        help_text="For example, step-free access, hearing loop, BSL, easy read.",
    )
    postcode = forms.CharField(
        label="Postcode",
        max_length=10,
        required=False,
        help_text="Or just the first part, like LS7, for a service without one address.",
        error_messages={"max_length": "Enter a real postcode, like LS7 3HB, or just its first part, like LS7"},
        widget=forms.TextInput(attrs={"class": "nhsuk-input--width-10", "autocomplete": "postal-code"}),
    )
    area = forms.CharField(
        label="Area", max_length=200, required=False, help_text="The neighbourhood or town, for example Harehills."
    )
    contact_name = forms.CharField(
        label="Contact name",
        max_length=200,
        required=False,
        help_text="A named contact who has agreed to be listed, or a role such as 'Centre manager'.",
    )
    email = forms.EmailField(
        label="Email address",
        required=False,
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.org"},
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    phone = forms.CharField(
        label="Phone number",
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "class": "nhsuk-input--width-20", "autocomplete": "off"}),
    )
    website = forms.URLField(
        label="Website",
        required=False,
        assume_scheme="https",
        max_length=200,
        error_messages={"invalid": "Enter a web address in the correct format, like https://www.example.org"},
    )
    referral_route = forms.CharField(
        label="How people are referred",
        required=False,
        widget=_textarea(2),
        help_text="For example, 'Self-referral: drop in on Tuesday evenings' or 'Via GP social prescriber'.",
    )

    def clean_postcode(self):
        postcode = services.normalise_postcode(self.cleaned_data["postcode"])
        if not services.valid_postcode(postcode):
            raise ValidationError("Enter a real postcode, like LS7 3HB, or just its first part, like LS7")
        return postcode


class AssetForm(AssetFieldsForm):
    """Add or change an asset: its fields, the characteristics it serves and,
    optionally, the groups it serves in the taxonomy's terms."""

    characteristics = forms.MultipleChoiceField(
        label="Characteristics it serves",
        required=False,
        choices=characteristic_choices,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "nhsuk-checkboxes--small"}),
        help_text="The protected characteristics and inclusion health groups it works with. Select all that apply.",
    )

    def __init__(self, *args, asset: CommunityAsset | None = None, **kwargs):
        if asset is not None and "initial" not in kwargs:
            kwargs["initial"] = {name: getattr(asset, name) for name in services.ASSET_FIELDS}
            for item in asset.criteria or []:
                kwargs["initial"][f"criteria_{item['code_list']}"] = item["codes"]
        super().__init__(*args, **kwargs)
        self.criteria_names = []
        for key, label in services.CRITERIA_CODE_LISTS:
            name = f"criteria_{key}"
            self.fields[name] = forms.MultipleChoiceField(
                label=label,
                required=False,
                choices=[(category.code, category.label) for category in taxonomy.code_list(key).answered],
                widget=forms.CheckboxSelectMultiple(attrs={"class": "nhsuk-checkboxes--small"}),
                help_text="Leave all unselected if it is not limited by this.",
            )
            self.criteria_names.append(name)
        order = ["name", "kind", "description", "characteristics", "populations_served", *self.criteria_names]
        self.order_fields(order)

    def main_fields(self):
        return [field for field in self if field.name not in self.criteria_names]

    def criteria_fields(self):
        return [self[name] for name in self.criteria_names]

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        fields = {name: data[name] for name in services.ASSET_FIELDS if name != "criteria"}
        fields["criteria"] = [
            {"code_list": key, "codes": data[f"criteria_{key}"]}
            for key, _label in services.CRITERIA_CODE_LISTS
            if data.get(f"criteria_{key}")
        ]
        return fields


class AssetFilterForm(forms.Form):
    """Filters for the directory, sent with GET."""

    q = forms.CharField(label="Name or area", required=False, max_length=200)
    characteristic = forms.ChoiceField(label="Characteristic served", required=False)
    population = forms.CharField(
        label="Who it serves",
        required=False,
        max_length=200,
        help_text="For example, 'carers' or 'Pakistani'.",
    )
    kind = forms.ChoiceField(label="Kind", required=False)
    language = forms.CharField(label="Language spoken", required=False, max_length=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["characteristic"].choices = [("", "Any characteristic"), *characteristic_choices()]
        self.fields["kind"].choices = [("", "Any kind"), *CommunityAsset.Kind.choices]

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {name: value.strip() for name, value in self.cleaned_data.items() if value}


class AssetImportForm(forms.Form):
    file = forms.FileField(
        label="Upload a CSV file",
        help_text="A spreadsheet saved as CSV, with the column headings of the template.",
        error_messages={"required": "Select a CSV file", "empty": "The selected file is empty"},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def __init__(self, *args, max_bytes: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_bytes = max_bytes

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".csv"):
            raise ValidationError("The selected file must be a CSV. In your spreadsheet, choose Save as, then CSV")
        if upload.size > self.max_bytes:
            raise ValidationError(
                f"The selected file must be smaller than {self.max_bytes // (1024 * 1024)} MB. Split it into "
                "smaller files and upload each"
            )
        return upload
