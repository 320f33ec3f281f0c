from django import forms
from django.contrib.auth.forms import AuthenticationForm

from amhe.core.models import Membership, SmartGoal, SubStepStatus, User
from amhe.core.nhsuk_forms import NhsDateField


class EmailAuthenticationForm(AuthenticationForm):
    """Sign in with an email address, whatever its letter case."""

    error_messages = {
        "invalid_login": "Enter a correct email address and password. Both are case-sensitive except the email.",
        "inactive": "This account has been turned off. Contact your administrator.",
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = "Email address"
        self.fields["username"].widget = forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"})
        self.fields["password"].widget.attrs["autocomplete"] = "current-password"

    def clean_username(self):
        return self.cleaned_data["username"].strip().lower()


class SubStepStatusForm(forms.ModelForm):
    class Meta:
        model = SubStepStatus
        fields = ["state", "note"]
        labels = {"state": "Where does this sub-step stand?", "note": "Note"}
        help_texts = {"note": "What has been done, or what is holding it up."}
        widgets = {"state": forms.RadioSelect, "note": forms.Textarea(attrs={"rows": 4, "maxlength": 2000})}


class SmartGoalForm(forms.ModelForm):
    """Edit a goal. 'Save as draft' accepts gaps; 'Agree goal' needs every SMART part."""

    class Meta:
        model = SmartGoal
        fields = [
            "statement",
            "population",
            "measure",
            "measure_description",
            "baseline_value",
            "baseline_date",
            "target_value",
            "target_date",
            "owner",
            "achievable",
            "realistic",
        ]
        field_classes = {"baseline_date": NhsDateField, "target_date": NhsDateField}
        widgets = {
            "baseline_value": forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"}),
            "target_value": forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"}),
            "statement": forms.Textarea(attrs={"rows": 3}),
            "achievable": forms.Textarea(attrs={"rows": 3}),
            "realistic": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "statement": "Specific: what will change, for whom and where.",
            "measure": "Measurable: choose one of the project's measures if it has one.",
            "measure_description": "Or say in words how progress will be measured.",
            "baseline_value": "Where the measure stands now.",
            "target_value": "Where the measure should be by the target date.",
            "baseline_date": "When the baseline was measured, for example 31 3 2024.",
            "target_date": "Timely: for example, 31 3 2028.",
            "achievable": "Achievable: the resources, staff and support that make it possible.",
            "realistic": "Realistic: why this is within reach in the time, given what the data shows.",
        }

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["population"].queryset = project.focus_populations.all()
        self.fields["measure"].queryset = project.measures.all()
        self.fields["owner"].queryset = User.objects.filter(memberships__project=project).order_by("full_name")
        self.fields["owner"].help_text = "Who answers for this goal: a member of the project."


class MembershipRoleForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["role"]
        widgets = {"role": forms.RadioSelect}
