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
