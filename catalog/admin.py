from django.contrib import admin
from django.db import models
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from catalog.aspects import COUNTER_FIELDS
from catalog.models import Framework


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "seed_rank",
        "status",
        "is_published",
        "upvotes",
        "downvotes",
        "score",
        "review_count",
    )
    list_display_links = ("name",)
    list_editable = ("is_published",)
    list_filter = ("is_published", "status", ("tags__name", admin.AllValuesFieldListFilter))
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

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("tags")
