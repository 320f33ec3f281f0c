"""Forms for positive practice (2A). They collect and tidy input; the rules
(characteristics of the taxonomy, populations of the organisation, links that
are web addresses, attachments checked by content) are checked again by
research.practice.services."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from amhe.core import taxonomy
from research.models import CaseStudy
from research.practice import attachments, interventions, selectors, services


def _textarea(rows=4, **attrs):
    return forms.Textarea(attrs={"rows": rows, **attrs})


def characteristic_choices() -> list[tuple[str, str]]:
    return [(key, item.label) for key, item in taxonomy.CHARACTERISTICS.items()]


EVIDENCE_HELP = (
    "How sure we can be that it worked. Described: what was done, with no figures. Monitored: figures before "
    "and after, but nothing to compare with, so other changes may explain them. Compared: figures against a "
    "similar group or area that did not have it. Evaluated: an evaluation by an independent team or published "
    "in a journal."
)


class CaseStudyForm(forms.Form):
    title = forms.CharField(
        label="Title",
        max_length=200,
        help_text="Say what was done and where, for example 'Community mental health navigators in Harehills'.",
        error_messages={"required": "Enter a title"},
    )
    action = forms.CharField(
        label="What action was taken?",
        widget=_textarea(6),
        help_text="What changed for people, and which inequality it set out to reduce.",
        error_messages={"required": "Enter what action was taken"},
    )
    delivery = forms.CharField(
        label="How was it set up and delivered?",
        widget=_textarea(6),
        help_text="Who led it, partners, staff and funding, how people were involved, and what it took.",
        error_messages={"required": "Enter how it was set up and delivered"},
    )
    impact = forms.CharField(
        label="What positive impact did it have?",
        widget=_textarea(6),
        help_text="What changed for people's access, experience or outcomes, in words.",
        error_messages={"required": "Enter what positive impact it had"},
    )
    impact_figures = forms.CharField(
        label="Impact in figures (optional)",
        required=False,
        widget=_textarea(3),
        help_text="For example, 'Referrals of Black African and Caribbean men rose from 40 to 95 a year'.",
    )
    impact_source = forms.CharField(
        label="Source of the figures",
        required=False,
        max_length=500,
        help_text="Needed if you give figures: a report, a dataset, or 'the service's own records, 2024-25'.",
    )
    characteristics = forms.MultipleChoiceField(
        label="Characteristics it addresses",
        required=False,
        choices=characteristic_choices,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "nhsuk-checkboxes--small"}),
        help_text="Protected characteristics and inclusion health groups. Select all that apply.",
    )
    populations = forms.ModelMultipleChoiceField(
        label="Populations it addresses",
        required=False,
        queryset=None,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "nhsuk-checkboxes--small"}),
        help_text="Your organisation's focus populations. Select all that apply.",
    )
    intervention_type = forms.ChoiceField(
        label="Kind of intervention",
        choices=interventions.CHOICES,
        widget=forms.RadioSelect,
        help_text="The main kind, from the kinds named in the AMHE resource and the national strategy.",
        error_messages={
            "required": "Select the kind of intervention",
            "invalid_choice": "Select the kind of intervention",
        },
    )
    setting = forms.ChoiceField(
        label="Setting",
        choices=CaseStudy.Setting.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the setting", "invalid_choice": "Select the setting"},
    )
    area = forms.CharField(
        label="Area",
        max_length=200,
        help_text="Where it was done, for example 'Leeds' or 'North East London'.",
        error_messages={"required": "Enter the area where it was done"},
    )
    evidence_strength = forms.ChoiceField(
        label="Strength of the evidence",
        choices=CaseStudy.EvidenceStrength.choices,
        widget=forms.RadioSelect,
        help_text=EVIDENCE_HELP,
        error_messages={
            "required": "Select the strength of the evidence",
            "invalid_choice": "Select the strength of the evidence",
        },
    )
    contact = forms.CharField(
        label="Contact (optional)",
        required=False,
        max_length=300,
        help_text="A role and team email, for example 'Service manager, navigators@example.nhs.uk'. If it is shared, "
        "every organisation can see it: only give a contact who has agreed.",
    )
    links = forms.CharField(
        label="Links (optional)",
        required=False,
        widget=_textarea(3, spellcheck="false"),
        help_text="Web addresses of reports or pages about it, one on each line.",
    )
    illustrative = forms.BooleanField(
        label="This is an illustrative example, not a real case study",
        required=False,
        help_text="Tick for examples written to show how the app works.",
    )

    def __init__(self, *args, organisation, case_study: CaseStudy | None = None, **kwargs):
        if case_study is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                **{name: getattr(case_study, name) for name in services.FIELDS},
                "links": "\n".join(case_study.links or []),
                "characteristics": case_study.characteristics,
                "populations": list(case_study.populations.all()),
            }
        super().__init__(*args, **kwargs)
        populations = selectors.organisation_populations(organisation)
        if populations.exists():
            self.fields["populations"].queryset = populations
        else:
            del self.fields["populations"]

    def clean_links(self):
        lines = (self.cleaned_data.get("links") or "").splitlines()
        try:
            return services.clean_links(lines)
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["links"]) from None

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("impact_figures", "").strip() and not cleaned.get("impact_source", "").strip():
            self.add_error("impact_source", "Enter where the figures come from, or remove the figures")
        return cleaned

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        arguments = {name: data[name] for name in services.FIELDS}
        arguments["characteristics"] = data["characteristics"]
        arguments["populations"] = list(data.get("populations") or [])
        return arguments


class SearchForm(forms.Form):
    """Search and filters, sent with GET. `shared` leaves out populations (an organisation's own)."""

    q = forms.CharField(
        label="Search",
        required=False,
        max_length=200,
        help_text="Words to find, for example 'interpreters crisis'. Put a phrase in quotes.",
    )
    characteristic = forms.ChoiceField(label="Characteristic", required=False)
    population = forms.ModelChoiceField(label="Population", required=False, queryset=None, empty_label="Any population")
    intervention_type = forms.ChoiceField(label="Kind of intervention", required=False)
    setting = forms.ChoiceField(label="Setting", required=False)

    def __init__(self, *args, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["characteristic"].choices = [("", "Any characteristic"), *characteristic_choices()]
        self.fields["intervention_type"].choices = [("", "Any kind"), *interventions.CHOICES]
        self.fields["setting"].choices = [("", "Any setting"), *CaseStudy.Setting.choices]
        if organisation is None:
            del self.fields["population"]
        else:
            self.fields["population"].queryset = selectors.organisation_populations(organisation)

    def filters(self) -> selectors.Filters:
        if not self.is_bound or not self.is_valid():
            return selectors.Filters()
        data = self.cleaned_data
        population = data.get("population")
        return selectors.Filters(
            q=data["q"].strip(),
            characteristic=data["characteristic"],
            population=population.pk if population else None,
            intervention_type=data["intervention_type"],
            setting=data["setting"],
        )


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label="Upload a file",
        help_text=f"A PDF or a Word document (.docx), up to {attachments.MAX_BYTES // (1024 * 1024)} MB.",
        error_messages={"required": "Select a PDF or Word document", "empty": "The selected file is empty"},
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".pdf,.docx,application/pdf,application/vnd.openxmlformats-officedocument."
                "wordprocessingml.document"
            }
        ),
    )
    description = forms.CharField(
        label="What it is (optional)",
        required=False,
        max_length=200,
        help_text="For example, 'Evaluation report, 2025'.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        attachments.check(upload)  # the service checks again; this puts the message by the field
        return upload


class SubmitForm(forms.Form):
    """Submitting for sharing or withdrawing: a button, nothing to fill in."""


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label="Do you approve sharing it with every organisation?",
        choices=[("approve", "Yes, share it"), ("decline", "No, do not share it")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether you approve sharing it"},
    )
    reason = forms.CharField(
        label="Reason (needed if you do not approve)",
        required=False,
        widget=_textarea(4),
        max_length=2000,
        help_text="What the lead should change, for example 'Remove the service user's quote: it could identify them'.",
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "decline" and not cleaned.get("reason", "").strip():
            self.add_error("reason", "Enter why it is not approved, so the lead knows what to change")
        return cleaned
