"""Forms for 2B NGT sessions: the facilitator's (English) and the participants'
(translated with gettext, with the honeypot of amhe.surveys.antispam)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from amhe.surveys.antispam import HoneypotForm
from research.evidence.forms import characteristic_choices
from research.models import NgtParticipant, NgtSession, Priority
from research.models.ngt import MAX_TOP_N
from research.models.priorities import Level
from research.ngt.services import IDEA_MAX

# Participants choose how they take part in their own language.
GROUP_CHOICES = [
    (NgtParticipant.Group.LIVED_EXPERIENCE, _("As a person with lived experience of mental health problems")),
    (NgtParticipant.Group.CARER, _("As a carer, family member or friend")),
    (NgtParticipant.Group.STAFF, _("As staff")),
    (NgtParticipant.Group.OTHER, _("Other")),
]
GROUP_LABELS = dict(GROUP_CHOICES)


def _radios():
    return forms.RadioSelect


class SessionForm(forms.Form):
    question = forms.CharField(
        label="The question the group answers",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: What would make it easier for people in your community to get help early?",
        error_messages={"required": "Enter the question the group answers"},
    )
    top_n = forms.IntegerField(
        label="How many ideas does each participant rank?",
        min_value=1,
        max_value=MAX_TOP_N,
        initial=5,
        help_text=f"Their first choice gets this many points, down to 1 point for the last. From 1 to {MAX_TOP_N}.",
        widget=forms.NumberInput(attrs={"class": "nhsuk-input--width-2"}),
        error_messages={"required": "Enter how many ideas each participant ranks"},
    )
    mode = forms.ChoiceField(
        label="How does the group take part?",
        choices=NgtSession.Mode.choices,
        initial=NgtSession.Mode.ONLINE,
        widget=_radios(),
    )
    characteristics = forms.MultipleChoiceField(
        label="Who is it about? (optional)",
        required=False,
        choices=characteristic_choices,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "nhsuk-checkboxes--small"}),
        help_text="Used to warn when an idea overlaps an existing initiative for the same people.",
    )


class IdeaForm(forms.Form):
    text = forms.CharField(
        label="The idea",
        max_length=IDEA_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the idea"},
    )


class MergeForm(forms.Form):
    into = forms.ModelChoiceField(
        label="Merge it into",
        queryset=None,
        widget=_radios(),
        error_messages={"required": "Choose the idea it duplicates"},
    )

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = choices
        self.fields["into"].label_from_instance = lambda idea: f"{idea.number}. {idea.text}"


class RankingFieldsMixin:
    """One select per place: "1st choice" (top_n points) down to the Nth."""

    def add_choice_fields(self, ideas, top_n: int, *, labels) -> None:
        options = [("", labels["empty"])] + [(str(idea.pk), f"{idea.number}. {idea.text}") for idea in ideas]
        self.places = min(top_n, len(ideas))
        for place in range(1, self.places + 1):
            self.fields[f"choice_{place}"] = forms.ChoiceField(
                label=labels["place"](place, top_n - place + 1),
                choices=options,
                required=place == 1,
                error_messages={"required": labels["required"]},
            )

    def choice_ids(self) -> list[int]:
        chosen = [self.cleaned_data.get(f"choice_{p}") for p in range(1, self.places + 1)]
        return [int(c) for c in chosen if c]

    def check_choices(self) -> None:
        chosen = [self.cleaned_data.get(f"choice_{p}") for p in range(1, self.places + 1)]
        seen = set()
        for place, value in enumerate(chosen, start=1):
            if not value:
                continue
            if value in seen:
                self.add_error(f"choice_{place}", self.messages["twice"])
            seen.add(value)
        filled = [bool(v) for v in chosen]
        if any(filled[i] and not all(filled[:i]) for i in range(len(filled))):
            self.add_error(None, self.messages["gap"])


class PaperRankingForm(RankingFieldsMixin, forms.Form):
    messages = {
        "twice": "Choose each idea only once",
        "gap": "Fill in the choices in order, from the first choice, with no gaps",
    }
    group = forms.ChoiceField(
        label="How did they take part?",
        choices=NgtParticipant.Group.choices,
        widget=_radios(),
        error_messages={"required": "Choose how the participant took part"},
    )

    def __init__(self, *args, ideas, top_n, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_choice_fields(
            ideas,
            top_n,
            labels={
                "empty": "Not chosen",
                "place": lambda place, points: f"Choice {place} ({points} point{'s' if points != 1 else ''})",
                "required": "Choose their first choice",
            },
        )

    def clean(self):
        data = super().clean()
        self.check_choices()
        return data


class PriorityFromIdeaForm(forms.Form):
    impact = forms.ChoiceField(
        label="How much difference would it make?",
        choices=Level.choices,
        widget=_radios(),
        error_messages={"required": "Select how much difference it would make"},
    )
    effort = forms.ChoiceField(
        label="How much effort would it take?",
        choices=Level.choices,
        widget=_radios(),
        error_messages={"required": "Select how much effort it would take"},
    )
    horizon = forms.ChoiceField(
        label="When could it be done?",
        choices=Priority.Horizon.choices,
        widget=_radios(),
        error_messages={"required": "Select when it could be done"},
    )
    small_change = forms.BooleanField(label="This is a small change that could be made now", required=False)


# --- Participants (translated) -----------------------------------------------------------------


class JoinForm(HoneypotForm):
    group = forms.ChoiceField(
        label=_("How are you taking part?"),
        choices=GROUP_CHOICES,
        widget=_radios(),
        help_text=_("This is all we ask about you. We do not ask your name."),
        error_messages={"required": _("Choose how you are taking part")},
    )


class ParticipantIdeaForm(HoneypotForm):
    text = forms.CharField(
        label=_("Your idea"),
        max_length=IDEA_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One idea at a time. You can add more after this one."),
        error_messages={
            "required": _("Write your idea"),
            "max_length": _("Keep your idea to 500 characters or fewer"),
        },
    )


def _place_label(place, points):
    return ngettext("Choice %(place)s (%(points)s point)", "Choice %(place)s (%(points)s points)", points) % {
        "place": place,
        "points": points,
    }


class ParticipantRankingForm(RankingFieldsMixin, HoneypotForm):
    messages = {
        "twice": _("Choose each idea only once"),
        "gap": _("Fill in your choices in order, from your first choice, with no gaps"),
    }

    def __init__(self, *args, ideas, top_n, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_choice_fields(
            ideas,
            top_n,
            labels={"empty": _("Not chosen"), "place": _place_label, "required": _("Choose your first choice")},
        )

    def clean(self):
        data = super().clean()
        self.check_choices()
        return data
