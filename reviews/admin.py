"""Curation: reviews (reported first) with hide / restore / clear-reports actions that go through
reviews.services, so the counters and the public moderation log always follow."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from catalog.admin import FrameworkAdmin as CatalogFrameworkAdmin
from catalog.aspects import ASPECT_KEYS
from catalog.models import Framework
from reviews import services
from reviews.counters import recount_all, rows_in
from reviews.models import HelpfulVote, ModerationAction, Report, Review, Vote
from reviews.text import CleanTextMixin


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written only by the site's services: curators may look, never edit."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class HideReasonForm(CleanTextMixin, forms.Form):
    reason = forms.CharField(
        label=_("Public reason"),
        max_length=ModerationAction._meta.get_field("reason").max_length,
        help_text=_("Shown in the public moderation log. Never name the reporters."),
        error_messages={"required": _("A public reason is required; nothing was hidden.")},
    )


class ReportInline(admin.TabularInline):
    model = Report
    extra = 0
    can_delete = False
    fields = ("user", "reason", "detail", "created_at", "resolved_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = (
        "title",
        "framework",
        "user",
        "rating",
        "status",
        "helpful_count",
        "report_count",
        "created_at",
    )
    list_filter = ("status", "rating", ("framework", admin.RelatedOnlyFieldListFilter))
    search_fields = ("title", "body", "user__username")
    list_select_related = ("framework", "user")
    ordering = ("-report_count", "-created_at", "-pk")
    actions = ("hide_reviews", "restore_reviews", "clear_reports")
    inlines = (ReportInline,)
    # A curator hides or restores; the words and stars stay the reviewer's own, and counters
    # move only through reviews.services.
    readonly_fields = (
        "user",
        "framework",
        "rating",
        *ASPECT_KEYS,
        "title",
        "body",
        "pros",
        "cons",
        "version_used",
        "switched_from",
        "status",
        "helpful_count",
        "report_count",
        "created_at",
        "updated_at",
    )

    def has_add_permission(self, request):
        return False

    def delete_model(self, request, obj):
        services.review_delete(review=obj)

    def delete_queryset(self, request, queryset):
        for review in queryset:
            services.review_delete(review=review)

    @admin.action(
        description=_("Hide selected reviews (asks for a public reason)"), permissions=["change"]
    )
    def hide_reviews(self, request, queryset):
        form = HideReasonForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            hidden = sum(
                services.review_hide(
                    review=review, curator=request.user, reason=form.cleaned_data["reason"]
                )
                for review in queryset
            )
            self.message_user(
                request, ngettext("%d review hidden.", "%d reviews hidden.", hidden) % hidden
            )
            return None
        if form.is_bound:
            self.message_user(request, form.errors["reason"][0], messages.ERROR)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Hide reviews"),
            "opts": self.model._meta,
            "form": form,
            "reviews": queryset.select_related("framework", "user"),
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/reviews/hide_reason.html", context)

    @admin.action(description=_("Restore selected reviews"), permissions=["change"])
    def restore_reviews(self, request, queryset):
        restored = sum(
            services.review_restore(review=review, curator=request.user) for review in queryset
        )
        self.message_user(
            request, ngettext("%d review restored.", "%d reviews restored.", restored) % restored
        )

    @admin.action(description=_("Clear reports on selected reviews"), permissions=["change"])
    def clear_reports(self, request, queryset):
        cleared = sum(services.reports_clear(review=review) for review in queryset)
        self.message_user(
            request, ngettext("%d report cleared.", "%d reports cleared.", cleared) % cleared
        )


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = ("review", "reason", "user", "created_at", "resolved_at")
    list_filter = ("reason", ("resolved_at", admin.EmptyFieldListFilter))
    search_fields = ("review__title", "detail", "user__username")
    list_select_related = ("review", "user")
    ordering = ("resolved_at", "-created_at")


@admin.register(ModerationAction)
class ModerationActionAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "action", "framework", "review_title", "reason", "curator")
    list_filter = ("action",)
    search_fields = ("review_title", "reason", "framework__name")
    list_select_related = ("framework", "curator")


@admin.register(Vote)
class VoteAdmin(ReadOnlyAdmin):
    list_display = ("framework", "user", "value", "updated_at")
    list_filter = ("value",)
    search_fields = ("framework__name", "user__username")
    list_select_related = ("framework", "user")


@admin.register(HelpfulVote)
class HelpfulVoteAdmin(ReadOnlyAdmin):
    list_display = ("review", "user", "created_at")
    search_fields = ("review__title", "user__username")
    list_select_related = ("review", "user")


# The catalog's admin knows nothing of votes and reviews (reviews imports catalog, never the
# reverse), so the recount action joins it here.
admin.site.unregister(Framework)


@admin.register(Framework)
class FrameworkAdmin(CatalogFrameworkAdmin):
    actions = ("recount",)

    @admin.action(description=_("Recount votes, score and reviews of selected frameworks"))
    def recount(self, request, queryset):
        drift = recount_all(queryset)  # found under the lock, so it is what was corrected
        changed = rows_in(drift)
        if not changed:
            self.message_user(request, _("All counters already matched the rows."))
            return
        fields = ", ".join(sorted({f"{line.label}.{line.field}" for line in drift}))
        self.message_user(
            request,
            ngettext(
                "%(count)d row recounted (%(fields)s).",
                "%(count)d rows recounted (%(fields)s).",
                changed,
            )
            % {"count": changed, "fields": fields},
            messages.WARNING,
        )
