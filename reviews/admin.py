"""Curation: reviews (reported first) with hide / restore / clear-reports actions that go through
reviews.services, so the counters and the public moderation log always follow."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from catalog.admin import FrameworkAdmin as CatalogFrameworkAdmin
from catalog.admin import FrameworkFilter, IndexedSearchMixin
from catalog.aspects import ASPECT_KEYS
from catalog.models import Framework
from reviews import rings, selectors, services
from reviews.counters import recount_all, rows_in
from reviews.models import (
    HelpfulVote,
    ModerationAction,
    Report,
    Review,
    Standing,
    Suspension,
    Vote,
    VoteRing,
)
from reviews.text import CleanTextMixin


class ReadOnlyAdmin(IndexedSearchMixin, admin.ModelAdmin):
    """Rows written only by the site's services: curators may look, never edit."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def public_reason(*, help_text, required_message, initial=None):
    """The public reason a curator gives for a decision shown in the moderation log."""
    return forms.CharField(
        label=_("Public reason"),
        max_length=ModerationAction._meta.get_field("reason").max_length,
        help_text=help_text,
        initial=initial,
        error_messages={"required": required_message},
    )


class HideReasonForm(CleanTextMixin, forms.Form):
    reason = public_reason(
        help_text=_("Shown in the public moderation log. Never name the reporters."),
        required_message=_("A public reason is required; nothing was hidden."),
    )


class HoldReasonForm(CleanTextMixin, forms.Form):
    reason = public_reason(
        help_text=_("Shown in the public moderation log with the number of accounts, never names."),
        required_message=_("A public reason is required; no votes were held out."),
    )


def ask_reason(modeladmin, request, objects, *, form_class, title, action, template):
    """The page between choosing a curation action and applying it; returns the cleaned public
    reason, or the page (again with its error, if any)."""
    form = form_class(request.POST if "apply" in request.POST else None)
    if form.is_valid():
        return form.cleaned_data["reason"]
    if form.is_bound:
        modeladmin.message_user(request, form.errors["reason"][0], messages.ERROR)
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "opts": modeladmin.model._meta,
        "form": form,
        "objects": objects,
        "action": action,
        "action_checkbox_name": ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, template, context)


class ReportInline(admin.TabularInline):
    model = Report
    extra = 0
    can_delete = False
    fields = ("user", "reason", "detail", "created_at", "resolved_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Review)
class ReviewAdmin(IndexedSearchMixin, admin.ModelAdmin):
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
    list_filter = ("status", "rating", FrameworkFilter)
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

    @property
    def media(self):
        return super().media + FrameworkFilter.media(self)

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
        reason = ask_reason(
            self,
            request,
            queryset.select_related("framework", "user"),
            form_class=HideReasonForm,
            title=_("Hide reviews"),
            action="hide_reviews",
            template="admin/reviews/hide_reason.html",
        )
        if not isinstance(reason, str):
            return reason
        hidden = sum(
            services.review_hide(review=review, curator=request.user, reason=reason)
            for review in queryset
        )
        self.message_user(
            request, ngettext("%d review hidden.", "%d reviews hidden.", hidden) % hidden
        )
        return None

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
    ordering = ("resolved_at", "-created_at", "-pk")


@admin.register(ModerationAction)
class ModerationActionAdmin(ReadOnlyAdmin):
    list_display = (
        "created_at",
        "action",
        "framework",
        "review_title",
        "account_count",
        "reason",
        "curator",
    )
    list_filter = ("action",)
    search_fields = ("review_title", "reason", "framework__name")
    list_select_related = ("framework", "curator")


@admin.register(Vote)
class VoteAdmin(ReadOnlyAdmin):
    list_display = ("framework", "user", "value", "counted", "updated_at")
    list_filter = ("value", "counted", FrameworkFilter)
    search_fields = ("=user__username",)
    list_select_related = ("framework", "user")

    @property
    def media(self):
        return super().media + FrameworkFilter.media(self)


@admin.register(HelpfulVote)
class HelpfulVoteAdmin(ReadOnlyAdmin):
    list_display = ("review", "user", "created_at")
    search_fields = ("review__title", "=user__username")
    list_select_related = ("review", "user")


@admin.register(Standing)
class StandingAdmin(admin.ModelAdmin):
    """Accounts and whether their votes count: curators hold an account's votes out of the
    ranking (with a public reason in the moderation log) and restore them."""

    list_display = ("user", "votes_count", "suspension", "user_joined", "vote_total")
    list_filter = ("votes_count", ("suspension", admin.EmptyFieldListFilter))
    search_fields = ("user__username",)
    list_select_related = ("user", "suspension")
    ordering = ("-user__date_joined", "-pk")
    actions = ("hold_votes", "restore_votes")
    readonly_fields = ("user", "votes_count", "suspension", "signup_address")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return (
            super().get_queryset(request).annotate(vote_total=models.Count("user__framework_votes"))
        )

    @admin.display(description=_("joined"), ordering="user__date_joined")
    def user_joined(self, obj):
        return obj.user.date_joined

    @admin.display(description=_("votes"), ordering="vote_total")
    def vote_total(self, obj):
        return obj.vote_total

    @admin.action(
        description=_("Hold out the votes of selected accounts (asks for a public reason)"),
        permissions=["change"],
    )
    def hold_votes(self, request, queryset):
        reason = ask_reason(
            self,
            request,
            queryset.select_related("user"),
            form_class=HoldReasonForm,
            title=_("Hold out votes"),
            action="hold_votes",
            template="admin/reviews/action_reason.html",
        )
        if not isinstance(reason, str):
            return reason
        users = [standing.user for standing in queryset.select_related("user")]
        services.votes_suspend(users=users, curator=request.user, reason=reason)
        self.message_user(
            request,
            ngettext(
                "The votes of %d account are held out.",
                "The votes of %d accounts are held out.",
                len(users),
            )
            % len(users),
        )
        return None

    @admin.action(description=_("Restore the votes of selected accounts"), permissions=["change"])
    def restore_votes(self, request, queryset):
        users = [standing.user for standing in queryset.select_related("user")]
        restored = services.votes_restore(users=users, curator=request.user)
        self.message_user(
            request,
            ngettext(
                "The votes of %d account are restored.",
                "The votes of %d accounts are restored.",
                restored,
            )
            % restored,
        )


@admin.register(Suspension)
class SuspensionAdmin(ReadOnlyAdmin):
    """Every hold curators put on accounts' votes (single accounts or whole rings); lifting one
    undoes it."""

    list_display = ("created_at", "reason", "account_total", "curator", "lifted_at")
    list_filter = (("lifted_at", admin.EmptyFieldListFilter),)
    list_select_related = ("curator",)
    actions = ("lift",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(account_total=models.Count("standings"))

    @admin.display(description=_("accounts held"), ordering="account_total")
    def account_total(self, obj):
        return obj.account_total

    def has_lift_permission(self, request):
        return request.user.has_perm("reviews.change_standing")

    @admin.action(
        description=_("Lift selected holds (their votes count again)"), permissions=["lift"]
    )
    def lift(self, request, queryset):
        lifted = sum(
            services.suspension_lift(suspension=suspension, curator=request.user)
            for suspension in queryset
        )
        self.message_user(
            request,
            ngettext(
                "The votes of %d account are restored.",
                "The votes of %d accounts are restored.",
                lifted,
            )
            % lifted,
        )


class RingHoldForm(HoldReasonForm):
    accounts = forms.RegexField(regex=r"^\d+(,\d+)*$", widget=forms.HiddenInput)
    reason = public_reason(
        help_text=HoldReasonForm.base_fields["reason"].help_text,
        required_message=_("A public reason is required; no votes were held out."),
        initial=_("Coordinated voting (a vote ring)"),
    )


@admin.register(VoteRing)
class VoteRingAdmin(admin.ModelAdmin):
    """Suspicious clusters of accounts (reviews.rings) with what they moved; a curator holds
    out a whole cluster's votes in one step. Undo: lift the hold under "Vote holds"."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            if not request.user.has_perm("reviews.change_standing"):
                raise PermissionDenied
            return self._recompute(request) if "recompute" in request.POST else self._hold(request)
        report = selectors.ring_report()
        context = {
            **self.admin_site.each_context(request),
            "title": _("Vote rings"),
            "opts": self.model._meta,
            "scan": report.scan,
            "rings": report.rings,
            "skipped": report.skipped,
            "max_voters": rings.MAX_VOTERS,
            "form": RingHoldForm(),
            "can_hold": request.user.has_perm("reviews.change_standing"),
        }
        return TemplateResponse(request, "admin/reviews/vote_rings.html", context)

    def _recompute(self, request):
        scan = services.ring_scan_record()
        self.message_user(
            request,
            ngettext(
                "Searched again: %(count)d suspicious group in %(seconds).1f s.",
                "Searched again: %(count)d suspicious groups in %(seconds).1f s.",
                len(scan.clusters),
            )
            % {"count": len(scan.clusters), "seconds": scan.seconds},
        )
        return redirect(request.path)

    def _hold(self, request):
        form = RingHoldForm(request.POST)
        if not form.is_valid():
            # The messages alone: the field names and bullets of errors.as_text() mean nothing here.
            errors = " ".join(error for field in form.errors.values() for error in field)
            self.message_user(request, _("Nothing was held out: %s") % errors, messages.ERROR)
            return redirect(request.path)
        ids = [int(pk) for pk in form.cleaned_data["accounts"].split(",")]
        users = get_user_model().objects.filter(pk__in=ids)
        held = services.ring_hold(
            users=users, curator=request.user, reason=form.cleaned_data["reason"]
        )
        if not held:
            self.message_user(
                request,
                _(
                    "Nothing was held out: these accounts no longer vote together as a ring. "
                    "Search again to see the rings as they are now."
                ),
                messages.ERROR,
            )
            return redirect(request.path)
        self.message_user(
            request,
            ngettext(
                "The votes of %d account are held out. To undo, lift the hold under Vote holds.",
                "The votes of %d accounts are held out. To undo, lift the hold under Vote holds.",
                len(held),
            )
            % len(held),
        )
        if len(held) < len(ids):
            left = len(ids) - len(held)
            self.message_user(
                request,
                ngettext(
                    "%d account of the group no longer votes with the ring; it was left alone.",
                    "%d accounts of the group no longer vote with the ring; they were left alone.",
                    left,
                )
                % left,
                messages.WARNING,
            )
        return redirect("admin:reviews_suspension_changelist")


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


admin.site.unregister(get_user_model())


@admin.register(get_user_model())
class AccountAdmin(UserAdmin):
    """Users: deleting one (single or bulk) goes through reviews.services.account_delete."""

    SERVICE_ROWS = (Vote, HelpfulVote, Report, Review, Standing)

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        # Votes, helpful marks, reports and standings are read-only in the admin (only the
        # services write them); whoever may delete the account may take them with it, through
        # the service.
        if self.has_delete_permission(request):
            service_rows = {str(model._meta.verbose_name) for model in self.SERVICE_ROWS}
            perms_needed = {name for name in perms_needed if str(name) not in service_rows}
        return deleted, counts, perms_needed, protected

    def delete_model(self, request, obj):
        services.account_delete(user=obj)

    def delete_queryset(self, request, queryset):
        for user in queryset:
            services.account_delete(user=user)
