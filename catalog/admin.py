from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import connections, models
from django.db.models import F
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.text import smart_split, unescape_string_literal
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag as TaggitTag

from catalog.aspects import COUNTER_FIELDS
from catalog.models import STAR_FIELDS, Framework, Tag
from catalog.templatetags.catalog_tags import percent

UNPUBLISH_INSTEAD = _(
    "A framework with reviews or a moderation history cannot be deleted, so that nothing people "
    "wrote is lost. To take it off the site, untick “published” instead."
)


class TagFilter(admin.AllValuesFieldListFilter):
    """The tag names in use, titled "By tag" (the field it reads is the tag's name)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = _("tag")


_SEARCH_PREFIXES = {"^": "istartswith", "=": "exact"}


class EstimatedCountPaginator(Paginator):
    """Counts as usual, except a whole big table on PostgreSQL: there it takes the planner's
    row estimate (kept by autovacuum) instead of a COUNT(*) that reads every row.
    """

    EXACT_BELOW = 10_000

    @cached_property
    def count(self):
        queryset = self.object_list
        connection = connections[queryset.db]
        if connection.vendor == "postgresql" and not queryset.query.where:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
                    [queryset.model._meta.db_table],
                )
                estimate = cursor.fetchone()[0]
            if estimate >= self.EXACT_BELOW:
                return estimate
        return super().count


class IndexedSearchMixin:
    """An admin that stays quick on big tables: no second, unfiltered count (an estimate for a
    whole big table), and a search that looks up each search field in its own subquery (one
    index each: trigram on PostgreSQL) and unites the matches, instead of one OR across joined
    tables that reads every row. "=field" matches exactly (slugs, user names: their unique
    index), "^field" from the start. Each row's checkbox for the actions is written out, not
    rendered through a widget's template.
    """

    show_full_result_count = False
    paginator = EstimatedCountPaginator
    list_per_page = 50

    def action_checkbox(self, obj):
        """Django's checkbox, the same HTML (tests/catalog/test_admin.py compares them), without
        rendering CheckboxInput's templates once per row: a sixth of a 50-row changelist's CPU."""
        label = format_html(_("Select this object for an action - {}"), str(obj))
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            ACTION_CHECKBOX_NAME,
            str(obj.pk),
            label,
        )

    def get_search_results(self, request, queryset, search_term):
        fields = self.get_search_fields(request)
        if not (fields and search_term):
            return queryset, False
        manager = self.model._default_manager
        for bit in smart_split(search_term):
            if bit.startswith(('"', "'")) and bit[0] == bit[-1]:
                bit = unescape_string_literal(bit)
            lookups = [
                f"{field[1:]}__{_SEARCH_PREFIXES[field[0]]}"
                if field[0] in _SEARCH_PREFIXES
                else f"{field}__icontains"
                for field in fields
            ]
            first, *rest = (
                manager.filter(**{lookup: bit}).order_by().values("pk") for lookup in lookups
            )
            queryset = queryset.filter(pk__in=first.union(*rest) if rest else first)
        return queryset, False


class FrameworkFilter(admin.SimpleListFilter):
    """One framework, picked by typing its name in the admin's own autocomplete (select2 asking
    `admin:autocomplete`, which searches like the framework changelist): a list of every
    framework would be thousands of links long. For a model with a `framework` foreign key;
    its admin adds `FrameworkFilter.media`.
    """

    title = _("framework")
    parameter_name = "framework"
    template = "admin/autocomplete_filter.html"

    def lookups(self, request, model_admin):
        return ()

    def has_output(self):
        return True

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        try:
            return queryset.filter(framework=self.value())
        except (ValueError, ValidationError) as error:  # not an id: the admin's "?e=1" page
            raise IncorrectLookupParameters(error) from error

    @staticmethod
    def widget(model_admin) -> AutocompleteSelect:
        field = model_admin.model._meta.get_field("framework")
        choice = forms.ModelChoiceField(
            Framework.objects.all(),
            required=False,
            widget=AutocompleteSelect(field, model_admin.admin_site, attrs={"data-width": "100%"}),
        )
        return choice.widget

    @classmethod
    def media(cls, model_admin) -> forms.Media:
        """The autocomplete's scripts and styles, and ours that applies a pick at once."""
        return cls.widget(model_admin).media + forms.Media(
            js=["admin/js/jquery.init.js", "js/admin-filter.js"]
        )

    def choices(self, changelist):
        """One entry: the autocomplete, and the list's other parameters as hidden fields."""
        others = [(k, v) for k, v in changelist.params.items() if k != self.parameter_name]
        field_id = f"filter-{self.parameter_name}"
        widget = self.widget(changelist.model_admin)
        yield {
            "id": field_id,
            "widget": widget.render(self.parameter_name, self.value(), attrs={"id": field_id}),
            "others": others,
        }


@admin.register(Framework)
class FrameworkAdmin(IndexedSearchMixin, admin.ModelAdmin):
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
        *STAR_FIELDS,
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

    def get_search_fields(self, request):
        """The admin's autocomplete (the framework filter, "replaced by") looks up names only:
        every description mentions other frameworks."""
        if request.resolver_match and request.resolver_match.url_name == "autocomplete":
            return ("slug", "name", "article_name")
        return super().get_search_fields(request)

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        if protected:
            self.message_user(request, UNPUBLISH_INSTEAD, messages.WARNING)
        return deleted, counts, perms_needed, protected


# Frameworks carry catalog.Tag (named in both languages); taggit's own tags are unused.
admin.site.unregister(TaggitTag)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ("name", "name_zh", "slug")
    list_editable = ("name_zh",)
    search_fields = ("name", "name_zh", "slug")
    prepopulated_fields = {"slug": ("name",)}
