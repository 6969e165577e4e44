from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.utils.translation import gettext_lazy as _

from reviews.text import CleanTextMixin


class SignupForm(CleanTextMixin, UserCreationForm):
    text_fields = ("username", "email")  # never the passwords: they are kept as typed

    email = forms.EmailField(
        label=_("Email"),
        required=False,
        help_text=_("Only used to reset a forgotten password."),
    )

    class Meta(UserCreationForm.Meta):
        fields = ("username", "email")
