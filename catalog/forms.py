from django import forms
from django.utils.translation import gettext_lazy as _

from catalog import guide

EXPERIENCE_CHOICES = [
    ("new", _("New to Python web work")),
    ("some", _("Some experience")),
    ("expert", _("Experienced")),
]
ASYNC_CHOICES = [("no", _("No, or not sure")), ("yes", _("Yes, we need async"))]
UNMAINTAINED_CHOICES = [
    ("hide", _("Hide them from the list")),
    ("show", _("Show them too, marked down")),
]
PRIORITY_CHOICES = [(key, label) for key, (label, _need, _aspects) in guide.PRIORITIES.items()]
# The answer a missing parameter stands for, so a shared link with only some answers still works.
DEFAULTS = {"needs_async": "no", "experience": "some", "priority": "", "unmaintained": "hide"}


class GuideForm(forms.Form):
    """The guide's questions, all GET, so an answer has a shareable address."""

    build = forms.ChoiceField(
        label=_("What are you building?"),
        choices=[(key, case.label) for key, case in guide.BUILDS.items()],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Pick what you are building."),
            "invalid_choice": _("Pick one of the listed kinds of project."),
        },
    )
    needs_async = forms.ChoiceField(
        label=_("Do you need async (asyncio, ASGI)?"),
        choices=ASYNC_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Answer yes or no.")},
    )
    experience = forms.ChoiceField(
        label=_("Your team's experience with Python web work"),
        choices=EXPERIENCE_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Pick one of the listed levels.")},
    )
    priority = forms.ChoiceField(
        label=_("What matters most?"),
        choices=[("", _("Nothing in particular")), *PRIORITY_CHOICES],
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Pick one of the listed priorities.")},
    )
    unmaintained = forms.ChoiceField(
        label=_("Unmaintained frameworks (and those for Python 2 only)"),
        choices=UNMAINTAINED_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose to hide or to show them.")},
    )

    def __init__(self, query=None):
        """Bound when the query answers anything; a missing answer takes its default."""
        if query is not None and any(key in self.base_fields for key in query):
            data = {**DEFAULTS, **{key: query.get(key) for key in self.base_fields if key in query}}
            super().__init__(data)
        else:
            super().__init__(initial=DEFAULTS)

    def answers(self) -> guide.Answers:
        data = self.cleaned_data
        return guide.Answers(
            build=data["build"],
            needs_async=data["needs_async"] == "yes",
            experience=data["experience"],
            priority=data["priority"] or None,
            hide_outdated=data["unmaintained"] == "hide",
        )
