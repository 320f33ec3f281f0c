from django import forms
from django.contrib.auth.forms import AuthenticationForm, SetPasswordMixin
from django.core.exceptions import ValidationError

from amhe.core import taxonomy
from amhe.core.models import (
    AuditEvent,
    Membership,
    Organisation,
    Population,
    Project,
    Role,
    SmartGoal,
    SubStepStatus,
    User,
)
from amhe.core.nhsuk_forms import NhsDateField, mark_needed


def add_service_errors(form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form, against its fields where they match."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


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
        # A draft may leave the SMART parts blank; agreeing the goal needs every one.
        mark_needed(self, SmartGoal(project=project).missing_smart_parts(), "needed to agree the goal")
        mark_needed(self, ["measure_description"], "needed to agree the goal if you choose no measure")


class ApprovalDecisionForm(forms.Form):
    """A governance lead's decision on something submitted for approval (amhe.core.approvals)."""

    APPROVE = "approve"
    RETURN = "return"
    decision = forms.ChoiceField(
        label="Your decision",
        choices=[(APPROVE, "Approve it"), (RETURN, "Return it with comments")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose to approve it or return it with comments"},
    )
    comment = forms.CharField(
        label="Comments",
        help_text="Needed when you return it: say what needs to change.",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == self.RETURN and not (data.get("comment") or "").strip():
            self.add_error("comment", "Say what needs to change before you return it")
        return data


class MembershipRoleForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["role"]
        widgets = {"role": forms.RadioSelect}


class ProjectForm(forms.ModelForm):
    """Start or edit a project (one AMHE cycle)."""

    class Meta:
        model = Project
        fields = ["name", "area", "area_code", "description", "start_date", "focus_populations", "previous_cycle"]
        field_classes = {"start_date": NhsDateField}
        widgets = {
            "focus_populations": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 4}),
        }
        labels = {"name": "Project name", "area_code": "ONS area code"}
        help_texts = {
            "name": "For example, 'Fairer use of the Mental Health Act in Leeds'.",
            "description": "The inequality this cycle is about, in a sentence or two.",
            "focus_populations": "Who this cycle is for. Add populations from the project page.",
            "previous_cycle": "If this cycle follows an earlier one, choose it so goals and learning carry over.",
            "start_date": "For example, 1 4 2026.",
        }
        error_messages = {
            "name": {"required": "Enter a project name"},
            "area": {"required": "Enter the area the project covers"},
        }

    def __init__(self, *args, organisation, user, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.instance.organisation = organisation
        self.fields["focus_populations"].queryset = organisation.populations.all()
        if not organisation.populations.exists():
            del self.fields["focus_populations"]
        earlier = Project.objects.for_user(user).filter(organisation=organisation, next_cycle__isnull=True)
        if self.instance.pk:
            earlier = earlier.exclude(pk=self.instance.pk)
            if self.instance.previous_cycle_id:
                earlier = earlier | Project.objects.filter(pk=self.instance.previous_cycle_id)
        self.fields["previous_cycle"].queryset = earlier.distinct()
        if not self.fields["previous_cycle"].queryset.exists():
            del self.fields["previous_cycle"]


class ProjectStatusForm(ProjectForm):
    class Meta(ProjectForm.Meta):
        fields = [*ProjectForm.Meta.fields, "status"]
        widgets = {**ProjectForm.Meta.widgets, "status": forms.RadioSelect}


class MemberAddForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        error_messages={"required": "Enter their email address", "invalid": "Enter an email address like name@nhs.net"},
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    full_name = forms.CharField(
        label="Full name",
        max_length=200,
        required=False,
        help_text="To greet them in the email. Anyone without an account gives their own name when they accept.",
    )
    role = forms.ChoiceField(
        choices=Role.choices, widget=forms.RadioSelect, error_messages={"required": "Choose a role"}
    )

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()


class InvitationAccountForm(SetPasswordMixin, forms.Form):
    """Accept an invitation by creating an account: a name and a password."""

    full_name = forms.CharField(label="Full name", max_length=200, error_messages={"required": "Enter your full name"})
    password1, password2 = SetPasswordMixin.create_password_fields(label1="Password", label2="Confirm password")

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email
        self.fields["full_name"].widget.attrs["autocomplete"] = "name"
        self.fields["password1"].error_messages["required"] = "Enter a password"
        self.fields["password2"].error_messages["required"] = "Enter the password again"
        self.fields["password2"].help_text = "Enter the same password again."

    def clean(self):
        self.validate_passwords()
        user = User(email=self.email, full_name=self.cleaned_data.get("full_name", ""))
        self.validate_password_for_user(user)
        return super().clean()


class PopulationForm(forms.ModelForm):
    """A focus population, described in the terms of the characteristic taxonomy."""

    CODE_LISTS = [
        ("nhs_ethnic_category", "Ethnic group"),
        ("person_stated_gender", "Sex or stated gender"),
        ("gender_identity", "Gender identity"),
        ("age_band_mh", "Age band"),
        ("imd_quintile", "Deprivation (IMD quintile)"),
        ("sexual_orientation", "Sexual orientation"),
        ("religion_2021", "Religion"),
        ("disability", "Disability"),
    ]

    class Meta:
        model = Population
        fields = ["name", "description", "area"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"name": "For example, 'Black African and Caribbean men aged 18 to 34 in Leeds'."}
        error_messages = {"name": {"required": "Enter a name for the population"}}

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.organisation = organisation
        existing = {item["code_list"]: item["codes"] for item in (self.instance.criteria or [])}
        for key, label in self.CODE_LISTS:
            code_list = taxonomy.code_list(key)
            self.fields[f"criteria_{key}"] = forms.MultipleChoiceField(
                label=label,
                required=False,
                choices=[(c.code, c.label) for c in code_list.answered],
                widget=forms.CheckboxSelectMultiple,
                initial=existing.get(key, []),
                help_text="Leave all unticked if the population is not limited by this.",
            )

    def clean(self):
        cleaned = super().clean()
        criteria = [
            {"code_list": key, "codes": cleaned[f"criteria_{key}"]}
            for key, _ in self.CODE_LISTS
            if cleaned.get(f"criteria_{key}")
        ]
        self.instance.criteria = criteria
        return cleaned


class AuditFilterForm(forms.Form):
    """Filters of the audit log page and its CSV (sent with GET)."""

    action = forms.ChoiceField(label="Kind of event", required=False)
    user = forms.TypedChoiceField(label="Account", required=False, coerce=int, empty_value=None)
    project = forms.TypedChoiceField(label="Project", required=False, coerce=int, empty_value=None)
    since = NhsDateField(label="From", required=False, help_text="For example, 1 12 2026")
    until = NhsDateField(label="To", required=False, help_text="Included")

    def __init__(self, *args, accounts=(), projects=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", "Any kind"), *AuditEvent.Action.choices]
        self.fields["user"].choices = [
            ("", "Any account"),
            *((u.pk, u.full_name or f"Account {u.pk}") for u in accounts),
        ]
        self.fields["project"].choices = [("", "Any project"), *((p.pk, str(p)) for p in projects)]

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", "The 'to' date must be the same as or after the 'from' date")
        return cleaned

    def filters(self) -> dict:
        """The valid filters, as keyword arguments of selectors.audit_events."""
        if not self.is_bound or not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            key: value
            for key, value in {
                "action": data.get("action"),
                "user_id": data.get("user"),
                "project_id": data.get("project"),
                "since": data.get("since"),
                "until": data.get("until"),
            }.items()
            if value
        }


class SecondFactorForm(forms.Form):
    """A code from the authenticator app, or a recovery code."""

    code = forms.CharField(
        label="Code",
        max_length=20,
        help_text="The 6-digit code your authenticator app shows now, or one of your recovery codes.",
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "spellcheck": "false",
                "autocapitalize": "none",
                "class": "nhsuk-input--width-10",
            }
        ),
        error_messages={"required": "Enter the code from your authenticator app, or a recovery code"},
    )


class AuthenticatorSetupForm(forms.Form):
    code = forms.CharField(
        label="Code from the app",
        max_length=10,
        help_text="After adding the account, your app shows a 6-digit code. Enter it here.",
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "spellcheck": "false",
                "class": "nhsuk-input--width-10",
            }
        ),
        error_messages={"required": "Enter the 6-digit code your authenticator app shows"},
    )


class ReauthenticateForm(forms.Form):
    """Sign in again: the password (if the account has one) and a code (if it has an authenticator)."""

    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your password"},
    )
    code = SecondFactorForm.base_fields["code"]

    def __init__(self, *args, user, with_password: bool, with_code: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if not with_password:
            del self.fields["password"]
        if not with_code:
            del self.fields["code"]

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError("The password is not right. Enter the password you log in with")
        return password


class RetentionForm(forms.ModelForm):
    """How long the organisation keeps each kind of data, in days (amhe.core.retention).
    Shows a field for each registered retention kind."""

    class Meta:
        model = Organisation
        fields = [
            "retain_record_level_days",
            "retain_abandoned_responses_days",
            "retain_reports_days",
            "retain_history_days",
            "retain_audit_days",
        ]

    def __init__(self, *args, settings_shown, **kwargs):
        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if name not in settings_shown:
                del self.fields[name]
        for field in self.fields.values():
            field.label = field.label[:1].upper() + field.label[1:]
            field.widget.attrs.update({"inputmode": "numeric"})
            field.error_messages.update(
                {
                    "required": "Enter a number of days",
                    "invalid": "Enter a whole number of days, like 90",
                    "min_value": "Enter at least %(limit_value)s day",
                    "max_value": "Enter no more than %(limit_value)s days (20 years)",
                }
            )
