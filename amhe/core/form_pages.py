"""The shape of most form pages: a form whose valid POST calls one service, then a
message and a redirect; otherwise the page again, with the form's errors and the
service's (its ValidationError, through add_service_errors)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from amhe.core.forms import add_service_errors


def form_page(
    request,
    form,
    *,
    save,
    message,
    next_url,
    template: str,
    context,
    can_save: bool = True,
    bad_request_on_errors: bool = False,
):
    """On a POST whose form is valid (and `can_save`), call ``save()`` (the service);
    done, show `message` and redirect to `next_url`, each a value or a function of what
    ``save()`` returned. Otherwise render `template` with `context` and the form, with
    status 400 if `bad_request_on_errors` and the form has errors. `context` is a dict,
    or a function that makes one (called only when the page is shown: nothing it reads
    is read for a redirect, and it sees the instance as the POST left it)."""
    if request.method == "POST" and can_save and form.is_valid():
        try:
            result = save()
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, message(result) if callable(message) else message)
            return redirect(next_url(result) if callable(next_url) else next_url)
    status = 400 if bad_request_on_errors and form.errors else 200
    if callable(context):
        context = context()
    return TemplateResponse(request, template, {**context, "form": form}, status=status)


def model_form_values(form) -> dict:
    """A model form's values for a service that applies them itself: validating the form
    changed its instance, so the instance is read again from the database first."""
    values = {name: form.cleaned_data[name] for name in form.fields}
    form.instance.refresh_from_db()
    return values
