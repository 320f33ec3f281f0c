"""4B forms: who a new feedback form is for, and a "you said, we did" entry."""

from __future__ import annotations

from django import forms

from evaluate.models import Audience


class FeedbackFormNewForm(forms.Form):
    audience = forms.ChoiceField(
        label="Who is the form for?",
        choices=Audience.choices,
        widget=forms.RadioSelect,
        help_text="Forms for people who use services, families and carers and community members are in English, "
        "Polish and Urdu and are listed on the project's public feedback page. A staff form is in English and is "
        "not listed there: share its link with staff yourself.",
        error_messages={"required": "Choose who the form is for"},
    )


class EntryForm(forms.Form):
    you_said = forms.CharField(
        label="You said",
        help_text="What people told you, in a few plain sentences. Do not include anything that could identify "
        "someone.",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter what people told you"},
    )
    we_did = forms.CharField(
        label="We did",
        help_text="What changed because of it, or what you are doing about it.",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter what changed, or what you are doing about it"},
    )
    themes = forms.ModelMultipleChoiceField(
        label="Themes (optional)",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The themes this answers, from those coded on feedback, surveys, focus groups and community "
        "input. The public page shows how many times each was raised, with small numbers hidden.",
    )

    def __init__(self, *args, themes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["themes"].queryset = themes
