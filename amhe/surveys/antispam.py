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
from django_ratelimit.core import get_usage

HONEYPOT_FIELD = "website"


class HoneypotForm(forms.Form):
    """Mix into a public form. A filled-in honeypot is a bot: `is_bot()`."""

    website = forms.CharField(required=False, label="Leave this empty")

    def is_bot(self) -> bool:
        return bool(self.data.get(HONEYPOT_FIELD))


def rate_limited(request, group: str) -> bool:
    """Count this POST against the client's allowance for `group`; True once it is used up.

    django-ratelimit refuses the request when the cache cannot count it (fail
    closed), which also happens when the counter's key vanishes between its add
    and its increment (the cache flushed or restarted at that moment): a
    respondent then saw "Too many requests" with allowance to spare (found by
    benchmarks/load_under_job.py). Counting again once starts a fresh counter;
    a cache that is really down still refuses.
    """
    for _attempt in range(2):
        usage = get_usage(
            request, group=group, key="ip", rate=settings.AMHE_PUBLIC_FORM_RATE, method="POST", increment=True
        )
        if usage is None:  # not a POST: nothing to count
            return False
        if usage["limit"]:  # counted (a failed count has limit 0)
            request.limited = getattr(request, "limited", False) or usage["should_limit"]
            return usage["should_limit"]
    request.limited = True
    return True
