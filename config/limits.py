"""Abuse limits: how often one account and, separately, one address may sign up, vote, write a
review, mark reviews helpful, report, and ask for a password reset.

django-ratelimit counts in the `ratelimit` cache (Redis, or a database table), so every worker
and every app server shares the counts. Each limit is a setting such as RATE_VOTE = "120/h";
"0" turns it off.
"""

from functools import wraps

from django.conf import settings
from django.shortcuts import render
from django.utils.module_loading import import_string
from django_ratelimit.core import get_usage

# action -> the setting holding its rate
RATES = {
    "signup": "RATE_SIGNUP",
    "vote": "RATE_VOTE",
    "review": "RATE_REVIEW",
    "helpful": "RATE_HELPFUL",
    "report": "RATE_REPORT",
    "password-reset": "RATE_PASSWORD_RESET",
}
BY_ADDRESS_ONLY = {"signup", "password-reset"}  # nobody is logged in for these


def reset_email(group, request) -> str:
    """The account a password reset is asked for: its address as typed, in one case."""
    return request.POST.get("email", "").strip().casefold()


# Actions counted also by what they target: the account a reset mail would go to, whichever
# address asks (so nobody's mailbox can be flooded from many addresses).
BY_TARGET = {"password-reset": reset_email}


def client_address(request) -> str:
    """The address the limits count this request by: RATELIMIT_IP_META_KEY names a function
    (config.middleware.client_ip by default) or a META key, as django-ratelimit reads it."""
    source = settings.RATELIMIT_IP_META_KEY
    if "." in source:
        return import_string(source)(request)
    return request.META.get(source, "").split(",")[0].strip()


def rate_of(action: str) -> str | None:
    """The action's rate ("5/h"), or None when its setting turns it off ("0" or empty)."""
    rate = str(getattr(settings, RATES[action]) or "").strip()
    return None if rate in ("", "0") else rate


def seconds_to_wait(request, action: str) -> int | None:
    """Count one attempt at `action` by this request's account and address.

    Returns None while both are within the limit, else the seconds until the fuller one resets.
    """
    rate = rate_of(action)
    if rate is None:
        return None
    keys = {"ip": "ip"}
    if request.user.is_authenticated and action not in BY_ADDRESS_ONLY:
        keys["user"] = "user"
    if action in BY_TARGET and BY_TARGET[action](None, request):
        keys["target"] = BY_TARGET[action]
    waits = []
    for name, key in keys.items():
        usage = get_usage(request, group=f"{action}:{name}", key=key, rate=rate, increment=True)
        if usage and usage["should_limit"]:
            waits.append(max(1, usage["time_left"]))
    return max(waits) if waits else None


def too_many(request, wait: int, template="429.html", context=None):
    """The 429 answer: the page (or an htmx partial) saying when to try again, and Retry-After."""
    minutes = max(1, (wait + 59) // 60)
    response = render(request, template, {**(context or {}), "retry_minutes": minutes}, status=429)
    response["Retry-After"] = str(wait)
    return response


def refusal(request, action: str, *, partial: str, context):
    """Count an attempt at `action`; over the limit, the 429 answer: the page, or for htmx the
    widget's own partial (`context()` fills it) with the message in place. Else None."""
    wait = seconds_to_wait(request, action)
    if wait is None:
        return None
    if not request.htmx:
        return too_many(request, wait)
    return too_many(request, wait, partial, context())


def limited(action: str):
    """Decorate a view: its POSTs count against `action`'s limit; over it, the 429 page."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method == "POST":
                wait = seconds_to_wait(request, action)
                if wait is not None:
                    return too_many(request, wait)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
