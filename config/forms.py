import time

from django import forms
from django.conf import settings
from django.contrib.auth.forms import UserCreationForm
from django.core import signing
from django.utils.translation import gettext_lazy as _

from reviews.text import CleanTextMixin

SIGNUP_SALT = "pywebrank.signup-started"
# A form older than this was left open a long time: the timestamp still proves a person saw it.
SIGNUP_MAX_AGE = 24 * 60 * 60


class SignupForm(CleanTextMixin, UserCreationForm):
    """Sign-up with two quiet checks against scripts: a field people never see (a script that
    fills every field fills it) and a signed time when the form was shown (posting it sooner
    than SIGNUP_MIN_SECONDS later, or without it, is refused)."""

    text_fields = ("username", "email")  # never the passwords: they are kept as typed

    email = forms.EmailField(
        label=_("Email"),
        required=False,
        help_text=_("Only used to reset a forgotten password."),
    )
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    started = forms.CharField(required=False, widget=forms.HiddenInput)

    class Meta(UserCreationForm.Meta):
        fields = ("username", "email")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.posted_started = self.data.get("started", "") if self.is_bound else ""
        # Every rendering carries a fresh time, also when the form comes back with errors.
        stamp = signing.dumps(time.time(), salt=SIGNUP_SALT)
        self.initial["started"] = stamp
        if self.is_bound:
            self.data = self.data.copy()
            self.data["started"] = stamp

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("website"):
            raise forms.ValidationError(
                _("This form was filled in by a program, so no account was made."),
                code="honeypot",
            )
        minimum = settings.SIGNUP_MIN_SECONDS
        if minimum > 0:
            try:
                shown = signing.loads(self.posted_started, salt=SIGNUP_SALT, max_age=SIGNUP_MAX_AGE)
            except signing.BadSignature:
                raise forms.ValidationError(
                    _("This form had expired, so no account was made. Please send it again."),
                    code="expired",
                ) from None
            if time.time() - float(shown) < minimum:
                raise forms.ValidationError(
                    _(
                        "That was faster than a person can fill in the form, so no account was "
                        "made. Please check it and send it again."
                    ),
                    code="too-fast",
                )
        return cleaned
