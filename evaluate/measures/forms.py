from django import forms

from amhe.core.nhsuk_forms import NhsDateField


class RebaseForm(forms.Form):
    date = NhsDateField(
        label="Start the limits again from",
        help_text="The first period starting on or after this date begins the new limits. For example, 1 4 2024.",
    )
    reason = forms.CharField(
        label="Why the process changed then",
        max_length=300,
        help_text="For example, a new crisis service opened.",
        error_messages={"required": "Enter why the process changed then"},
    )

    def service_arguments(self) -> dict:
        return {"on": self.cleaned_data["date"], "reason": self.cleaned_data["reason"]}
