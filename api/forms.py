from django import forms

from api.models import DEFAULT_LIFETIME_DAYS

LIFETIMES = [(30, "30 days"), (90, "90 days"), (180, "180 days"), (365, "1 year")]


class TokenForm(forms.Form):
    name = forms.CharField(
        label="What is it for?",
        max_length=100,
        help_text="For example, 'Board dashboard in Power BI'. Only you and the project's leads see it.",
        error_messages={"required": "Say what the token is for"},
    )
    days = forms.TypedChoiceField(
        label="How long should it work?",
        choices=LIFETIMES,
        coerce=int,
        initial=DEFAULT_LIFETIME_DAYS,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how long the token should work"},
    )
