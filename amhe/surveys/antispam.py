"""Protection for the public forms (open survey links, community input):
a honeypot field and a per-client rate limit.

The honeypot is an input inside an element with the HTML `hidden` attribute:
people, screen readers and keyboard users never meet it, while form-filling
bots that post every field do. The rate limit (django-ratelimit) counts
posts per client address in the cache; the address is hashed into a key that
expires with its window and is never stored or logged.
"""

from django import forms
from django.conf import settings
from django_ratelimit.core import is_ratelimited

HONEYPOT_FIELD = "website"


class HoneypotForm(forms.Form):
    """Mix into a public form. A filled-in honeypot is a bot: `is_bot()`."""

    website = forms.CharField(required=False, label="Leave this empty")

    def is_bot(self) -> bool:
        return bool(self.data.get(HONEYPOT_FIELD))


def rate_limited(request, group: str) -> bool:
    """Count this POST against the client's allowance for `group`; True once it is used up."""
    return is_ratelimited(
        request, group=group, key="ip", rate=settings.AMHE_PUBLIC_FORM_RATE, method="POST", increment=True
    )
