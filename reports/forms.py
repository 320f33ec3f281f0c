from django import forms

from reports.models import Report


class ReportForm(forms.Form):
    format = forms.ChoiceField(
        label="Format",
        choices=Report.Format.choices,
        initial=Report.Format.PDF,
        widget=forms.RadioSelect,
        help_text="Every format holds the same content; figures are always the published, suppressed ones.",
    )


class RecipientChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, membership):
        user = membership.user
        return f"{user.full_name or user.email} ({membership.get_role_display()})"


class ScheduleForm(forms.Form):
    """A monthly progress report: its formats, the day of the month and who is emailed."""

    formats = forms.MultipleChoiceField(
        label="Formats",
        choices=Report.Format.choices,
        initial=[Report.Format.PDF],
        widget=forms.CheckboxSelectMultiple,
        help_text="Choose one or more. Figures are always the published, suppressed ones.",
        error_messages={"required": "Choose at least one format: PDF, Word, Excel or CSV."},
    )
    day = forms.IntegerField(
        label="Day of the month",
        min_value=1,
        max_value=31,
        initial=1,
        help_text="From 1 to 31. In a shorter month the report is built on its last day.",
        error_messages={
            "required": "Enter a day of the month from 1 to 31.",
            "invalid": "Enter a day of the month as a number from 1 to 31.",
            "min_value": "Enter a day of the month from 1 to 31.",
            "max_value": "Enter a day of the month from 1 to 31.",
        },
        widget=forms.NumberInput(attrs={"class": "nhsuk-input--width-2", "inputmode": "numeric"}),
    )
    recipients = RecipientChoice(
        label="Who gets an email when it is ready",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Members who may read progress reports. The email links to the report in the app; "
        "the file is never attached. A member who leaves the project, or whose role can no longer "
        "read reports, stops getting it.",
    )

    def __init__(self, *args, recipients, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipients"].queryset = recipients
