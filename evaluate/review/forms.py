"""Evaluate 4C forms: the review, one goal's outcome and evidence, a panel member's view."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model

from amhe.core.nhsuk_forms import NhsDateField
from evaluate.models import GoalReview, Review, ReviewView
from evaluate.review import selectors


class ReviewForm(forms.ModelForm):
    panel_members = forms.ModelMultipleChoiceField(
        label="Panel members on the project who took part (optional)",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "nhsuk-checkboxes--small"}),
        help_text="They can add their own view to the review. Their names are not shown with it.",
    )

    class Meta:
        model = Review
        fields = ["held_on", "participants", "what_works", "what_does_not", "gaps_and_needs", "recommendations"]
        field_classes = {"held_on": NhsDateField}
        labels = {
            "held_on": "Date of the review meeting (optional)",
            "participants": "Who took part",
            "what_works": "What works",
            "what_does_not": "What does not work",
            "gaps_and_needs": "Gaps and needs",
            "recommendations": "Recommendations for commissioning",
        }
        help_texts = {
            "held_on": "For example, 14 10 2026.",
            "what_works": "What the data and feedback show is working, and for whom.",
            "what_does_not": "What is not working, or not for everyone.",
            "gaps_and_needs": "Needs not yet met and groups not yet reached.",
            "recommendations": "What to commission or change next. This is carried into the next cycle.",
        }
        widgets = {
            "participants": forms.Textarea(attrs={"rows": 2}),
            "what_works": forms.Textarea(attrs={"rows": 4}),
            "what_does_not": forms.Textarea(attrs={"rows": 4}),
            "gaps_and_needs": forms.Textarea(attrs={"rows": 4}),
            "recommendations": forms.Textarea(attrs={"rows": 4}),
        }
        error_messages = {"participants": {"required": "Say who took part in the review"}}

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        members = selectors.panel_members(project)
        if not members.exists():
            del self.fields["panel_members"]
            return
        field = self.fields["panel_members"]
        field.queryset = (
            get_user_model().objects.filter(pk__in=members.values("user_id")).order_by("full_name", "email")
        )
        field.label_from_instance = lambda user: user.get_full_name() or user.email
        if self.instance.pk:
            self.initial["panel_members"] = list(self.instance.panel_members.values_list("pk", flat=True))

    def _post_clean(self):
        pass

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        data["panel_members"] = list(data.get("panel_members") or [])
        return data


class GoalReviewForm(forms.ModelForm):
    class Meta:
        model = GoalReview
        fields = ["outcome", "evidence"]
        labels = {"outcome": "Was the goal met?", "evidence": "Evidence"}
        widgets = {"outcome": forms.RadioSelect, "evidence": forms.Textarea(attrs={"rows": 5})}
        error_messages = {
            "outcome": {"required": "Choose met, partly met or not met"},
            "evidence": {"required": "Enter the evidence the review looked at"},
        }

    def _post_clean(self):
        pass


class ViewForm(forms.ModelForm):
    class Meta:
        model = ReviewView
        fields = ["view"]
        labels = {"view": "Your view of the review"}
        help_texts = {"view": "What you think of what worked, what did not and what should happen next."}
        widgets = {"view": forms.Textarea(attrs={"rows": 5})}
        error_messages = {"view": {"required": "Write your view, or take it off instead"}}

    def _post_clean(self):
        pass
