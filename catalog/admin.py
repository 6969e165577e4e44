from django.contrib import admin
from django.db import models
from django.db.models import F
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag as TaggitTag

from catalog.aspects import COUNTER_FIELDS
from catalog.models import Framework, Tag
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
    search_fields = ("slug", *Framework.SEARCHED_FIELDS, "tags__name", "tags__name_zh")
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
        (None, {"fields": ("name", "slug", "tags", "is_published")}),
        (_("Curated facts"), {"fields": ("website", "repository", "pypi_name")}),
        (
            _("The article's text, in Chinese (kept as written)"),
            {
                "fields": (
                    "article_name",
                    "article_website",
                    "description",
                    "drawbacks",
                    "seed_rank",
                )
            },
        ),
        (
            _("Our English translation"),
            {"fields": ("summary_en", "description_en", "drawbacks_en")},
        ),
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


# Frameworks carry catalog.Tag (named in both languages); taggit's own tags are unused.
admin.site.unregister(TaggitTag)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ("name", "name_zh", "slug")
    list_editable = ("name_zh",)
    search_fields = ("name", "name_zh", "slug")
    prepopulated_fields = {"slug": ("name",)}
