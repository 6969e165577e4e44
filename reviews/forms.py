from django import forms
from django.utils.translation import gettext_lazy as _

from catalog.aspects import ASPECT_KEYS, ASPECTS
from catalog.models import Framework
from reviews.models import Report, Review
from reviews.text import CleanTextMixin

# Rising, so that the arrow keys move through the radios the way the numbers go.
STAR_CHOICES = [
    (1, _("★☆☆☆☆ 1 — bad")),
    (2, _("★★☆☆☆ 2 — poor")),
    (3, _("★★★☆☆ 3 — fair")),
    (4, _("★★★★☆ 4 — good")),
    (5, _("★★★★★ 5 — excellent")),
]

REVIEW_SORT_CHOICES = [
    ("helpful", _("Most helpful")),
    ("newest", _("Newest")),
    ("highest", _("Highest rated")),
    ("lowest", _("Lowest rated")),
]
# Aspect ratings rise from 1 to 5, after an explicit "not rated" (a radio cannot be unticked).
ASPECT_CHOICES = [("", _("Not rated")), *((n, str(n)) for n in range(1, 6))]
TOO_LONG = _("Too long: at most %(limit_value)d characters (this has %(show_value)d).")


def aspect_field(aspect) -> forms.TypedChoiceField:
    """An optional 1–5 radio group for one aspect."""
    invalid = _("Choose from 1 to 5, or “Not rated”.")
    return forms.TypedChoiceField(
        label=aspect.label,
        help_text=aspect.help,
        choices=ASPECT_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": invalid},
    )


class DescribedErrorsMixin:
    """Invalid radio groups point at their error too (Django does it only for single inputs)."""

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields and self[name].use_fieldset:
                widget = self.fields[name].widget
                widget.attrs["aria-describedby"] = f"{self[name].auto_id}_error"


class ReviewForm(CleanTextMixin, DescribedErrorsMixin, forms.ModelForm):
    """One person's review of one framework; saved through reviews.services.review_save."""

    rating = forms.TypedChoiceField(
        label=_("Your rating"),
        choices=STAR_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose from 1 to 5 stars."),
            "invalid_choice": _("Choose from 1 to 5 stars."),
        },
    )

    class Meta:
        model = Review
        fields = [
            "rating",
            *ASPECT_KEYS,
            "title",
            "body",
            "pros",
            "cons",
            "version_used",
            "switched_from",
        ]
        widgets = {
            "body": forms.Textarea(attrs={"rows": 10}),
            "pros": forms.Textarea(attrs={"rows": 3}),
            "cons": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "body": _("Markdown: **bold**, *italic*, lists, links, `code`. HTML is shown as text."),
            "pros": _("What it does well."),
            "cons": _("What gets in the way."),
            "switched_from": _("The framework you used before this one, if any."),
        }
        error_messages = {
            "title": {"required": _("Give the review a title."), "max_length": TOO_LONG},
            "body": {"required": _("Write a few words about it."), "max_length": TOO_LONG},
            "pros": {"max_length": TOO_LONG},
            "cons": {"max_length": TOO_LONG},
            "version_used": {"max_length": TOO_LONG},
        }

    @property
    def aspect_fields(self):
        """The bound aspect fields, in the fixed order, for the template."""
        return [self[key] for key in ASPECT_KEYS]

    def __init__(self, *args, framework: Framework, **kwargs):
        super().__init__(*args, **kwargs)
        for aspect in ASPECTS:
            self.fields[aspect.key] = aspect_field(aspect)
        field = self.fields["switched_from"]
        field.queryset = Framework.objects.published().exclude(pk=framework.pk).order_by("name")
        field.empty_label = _("— none —")
        field.error_messages["invalid_choice"] = _("Pick another framework from the list.")


class ReportForm(CleanTextMixin, DescribedErrorsMixin, forms.Form):
    """Why a review should be looked at by a curator."""

    reason = forms.ChoiceField(
        label=_("Reason"),
        choices=Report.Reason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Pick a reason."), "invalid_choice": _("Pick a reason.")},
    )
    detail = forms.CharField(
        label=_("Details"),
        required=False,
        max_length=Report._meta.get_field("detail").max_length,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required when the reason is “other”. Curators read this; it is not public."),
        error_messages={"max_length": TOO_LONG},
    )

    def clean(self):
        data = super().clean()
        if data.get("reason") == Report.Reason.OTHER and not data.get("detail"):
            self.add_error("detail", _("Say what is wrong when the reason is “other”."))
        return data
