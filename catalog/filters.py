import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from catalog.models import Framework

SORT_CHOICES = [
    ("top", _("Top rated by votes")),
    ("recent", _("Top in the last 12 months")),
    ("trending", _("Trending this week")),
    ("rating", _("Best reviewed")),
    ("reviews", _("Most reviewed")),
    ("newest", _("Newest")),
    ("name", _("Name")),
    ("seed", _("Article order")),
]


class FrameworkFilterSet(django_filters.FilterSet):
    """The ranking page's one filter: search `q`, `tag`, `sort` (delegated to `ranked()`)."""

    q = django_filters.CharFilter(
        method="filter_search",
        label=_("Search"),
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name, feature, tag…")}),
    )
    tag = django_filters.CharFilter(method="filter_tag", label=_("Tag"), max_length=100)
    hide = django_filters.MultipleChoiceFilter(
        field_name="status",  # what it filters on; also lets the API schema describe it
        method="filter_hide",
        label=_("Hide"),
        choices=[
            (Framework.Status.UNMAINTAINED, _("unmaintained")),
            (Framework.Status.NOT_WEB_FRAMEWORK, _("not web frameworks")),
        ],
        widget=forms.CheckboxSelectMultiple,
    )
    sort = django_filters.ChoiceFilter(
        method="filter_sort", label=_("Sort"), choices=SORT_CHOICES, empty_label=None
    )

    class Meta:
        model = Framework
        fields = []

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    def filter_tag(self, queryset, name, value):
        return queryset.tagged(value)

    def filter_hide(self, queryset, name, value):
        return queryset.exclude(status__in=value)

    def filter_sort(self, queryset, name, value):
        return queryset  # applied in `qs`, so that the default sort applies with no `sort` too

    @property
    def qs(self):
        # Every valid parameter applies even when another is invalid (the form names that one).
        sort = (
            self.form.cleaned_data.get("sort")
            if self.is_bound and self.errors is not None
            else None
        )
        return super().qs.ranked(sort)
