from django.contrib import admin
from django.db import models
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from catalog.aspects import COUNTER_FIELDS
from catalog.models import Framework
from catalog.templatetags.catalog_tags import percent


class TagFilter(admin.AllValuesFieldListFilter):
    """The tag names in use, titled "By tag" (the field it reads is the tag's name)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = _("tag")


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "seed_rank",
        "status",
        "is_published",
        "upvotes",
        "downvotes",
        "shown_score",
        "review_count",
    )
    list_display_links = ("name",)
    list_editable = ("is_published",)
    list_filter = ("is_published", "status", ("tags__name", TagFilter))
    search_fields = ("name", "slug", "description", "drawbacks", "tags__name")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("replaced_by",)
    readonly_fields = (
        "upvotes",
        "downvotes",
        "score",
        "review_count",
        "rating_sum",
        *COUNTER_FIELDS,
        "created_at",
        "updated_at",
    )
    fieldsets = (
        (None, {"fields": ("name", "slug", "website", "tags", "is_published")}),
        (_("Seed text"), {"fields": ("description", "drawbacks", "seed_rank")}),
        (_("Status"), {"fields": ("status", "replaced_by")}),
        (
            _("Community counters (kept by votes and reviews; `manage.py recount` checks them)"),
            {"fields": readonly_fields},
        ),
    )
    ordering = (F("seed_rank").asc(nulls_last=True), "name")
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    class Media:
        css = {"all": ["css/admin.css"]}

    @admin.display(description=_("score"), ordering="score")
    def shown_score(self, framework) -> str:
        """As the site shows it: the Wilson bound as a share, one decimal."""
        return percent(framework.score)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("tags")
