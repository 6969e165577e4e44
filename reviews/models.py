from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from catalog.aspects import ASPECT_KEYS, ASPECTS, Aspect
from catalog.models import Framework


class VoteQuerySet(models.QuerySet):
    def for_profile(self, user):
        """The user's votes on published frameworks, latest first, each with its framework."""
        return (
            self.filter(user=user, framework__is_published=True)
            .select_related("framework")
            .order_by("-updated_at", "-pk")
        )


class Vote(models.Model):
    """One person's +1 or −1 on a framework.

    `counted`: in the framework's up/down counters (its account is in good standing); held out
    otherwise. `in_week` / `in_year`: cast or changed within the trend window (7 days) or the
    `recent` window (12 months) as of the last ageing (`manage.py release_votes`); the window
    counters add up the counted votes flagged so.
    """

    UP = 1
    DOWN = -1
    VALUES = {"up": UP, "down": DOWN, "clear": None}

    # No index of its own: the unique (user, framework) below finds a user's votes.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="framework_votes",
        db_index=False,
    )
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="votes")
    value = models.SmallIntegerField(_("value"), choices=[(UP, "+1"), (DOWN, "−1")])
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)
    counted = models.BooleanField(_("counted"), default=True, editable=False)
    in_week = models.BooleanField(_("in the last 7 days"), default=False, editable=False)
    in_year = models.BooleanField(_("in the last 12 months"), default=False, editable=False)

    objects = VoteQuerySet.as_manager()

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [
            models.UniqueConstraint(fields=["user", "framework"], name="vote_one_per_user"),
            models.CheckConstraint(
                condition=Q(value__in=[1, -1]), name="vote_value_plus_minus_one"
            ),
        ]

    def __str__(self):
        return f"{self.user} {self.value:+d} {self.framework}"


class ReviewQuerySet(models.QuerySet):
    SORTS = {
        "helpful": ("-helpful_count", "-created_at", "-pk"),
        "newest": ("-created_at", "-pk"),
        "highest": ("-rating", "-helpful_count", "-created_at", "-pk"),
        "lowest": ("rating", "-helpful_count", "-created_at", "-pk"),
    }
    DEFAULT_SORT = "helpful"

    def published(self):
        """Reviews that curators have not hidden, on published frameworks."""
        return self.filter(status=Review.Status.PUBLISHED, framework__is_published=True)

    def sorted(self, sort: str | None = None):
        """Ordered by a public sort key (unknown keys fall back to most helpful)."""
        return self.order_by(*self.SORTS.get(sort, self.SORTS[self.DEFAULT_SORT]))


def _aspect_rating(verbose_name):
    return models.PositiveSmallIntegerField(
        verbose_name, null=True, blank=True, choices=[(i, str(i)) for i in range(1, 6)]
    )


class Review(models.Model):
    class Status(models.TextChoices):
        PUBLISHED = "published", _("published")
        HIDDEN = "hidden", _("hidden")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews"
    )
    # PROTECT: a framework with reviews is unpublished, never deleted (the admin says so).
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="reviews")
    rating = models.PositiveSmallIntegerField(
        _("rating"), choices=[(i, str(i)) for i in range(1, 6)]
    )
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("review"), max_length=10_000, help_text=_("Markdown."))
    body_html = models.TextField(editable=False, default="")
    pros = models.TextField(_("pros"), max_length=2_000, blank=True)
    cons = models.TextField(_("cons"), max_length=2_000, blank=True)
    version_used = models.CharField(
        _("version used"), max_length=30, blank=True, help_text=_("For example 5.2 or 2.x.")
    )
    switched_from = models.ForeignKey(
        Framework,
        verbose_name=_("switched from"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reviews_switched_away",
    )
    # Optional aspect ratings, 1–5 (catalog/aspects.py); higher is always better.
    documentation = _aspect_rating(_("documentation"))
    learning_curve = _aspect_rating(_("learning curve"))
    performance = _aspect_rating(_("performance"))
    ecosystem = _aspect_rating(_("ecosystem"))
    stability = _aspect_rating(_("stability across upgrades"))
    async_support = _aspect_rating(_("async support"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PUBLISHED
    )
    helpful_count = models.PositiveIntegerField(_("helpful"), default=0, editable=False)
    report_count = models.PositiveIntegerField(_("open reports"), default=0, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            models.UniqueConstraint(fields=["user", "framework"], name="review_one_per_user"),
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="review_rating_1_to_5"
            ),
            models.CheckConstraint(
                condition=~Q(switched_from=models.F("framework")),
                name="review_switched_from_other",
            ),
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{key}__isnull": True})
                    | Q(**{f"{key}__gte": 1, f"{key}__lte": 5}),
                    name=f"review_{key}_1_to_5",
                )
                for key in ASPECT_KEYS
            ),
        ]
        # One index per public sort of a framework's reviews (ReviewQuerySet.SORTS, read in
        # order from the first row), one for the feeds, one for the admin's order and one for
        # "switched from" on a framework's page.
        indexes = [
            models.Index(
                fields=["framework", "status", "-helpful_count", "-created_at", "-id"],
                name="review_helpful_idx",
            ),
            models.Index(
                fields=["framework", "status", "-created_at", "-id"], name="review_newest_idx"
            ),
            models.Index(
                fields=["framework", "status", "-rating", "-helpful_count", "-created_at", "-id"],
                name="review_highest_idx",
            ),
            models.Index(
                fields=["framework", "status", "rating", "-helpful_count", "-created_at", "-id"],
                name="review_lowest_idx",
            ),
            models.Index(fields=["status", "-created_at"]),
            # "Switched from": a framework's published reviews that name one, and no others.
            models.Index(
                fields=["framework", "status", "switched_from"],
                condition=Q(switched_from__isnull=False),
                name="review_switched_from_idx",
            ),
            models.Index(fields=["-report_count", "-created_at", "-id"], name="review_admin_idx"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return f"{self.framework.get_absolute_url()}#review-{self.pk}"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def aspect_ratings(self) -> list[tuple[Aspect, int]]:
        """The aspects this review rated, with their ratings, in the fixed order."""
        return [(a, getattr(self, a.key)) for a in ASPECTS if getattr(self, a.key) is not None]


class HelpfulVote(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="helpful_votes"
    )
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="helpful_votes")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("helpful vote")
        verbose_name_plural = _("helpful votes")
        constraints = [
            models.UniqueConstraint(fields=["user", "review"], name="helpful_one_per_user"),
        ]

    def __str__(self):
        return f"{self.user} → {self.review}"


class Report(models.Model):
    class Reason(models.TextChoices):
        SPAM = "spam", _("spam")
        OFFENSIVE = "offensive", _("offensive")
        OFF_TOPIC = "off-topic", _("off-topic")
        OTHER = "other", _("other")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reports"
    )
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="reports")
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    detail = models.TextField(_("details"), max_length=1_000, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            # One open report per person and review; cleared ones do not count.
            models.UniqueConstraint(
                fields=["user", "review"],
                condition=Q(resolved_at__isnull=True),
                name="report_one_open_per_user",
            ),
        ]
        indexes = [
            models.Index(fields=["resolved_at", "-created_at", "-id"], name="report_admin_idx")
        ]

    def __str__(self):
        return f"{self.get_reason_display()}: {self.review}"


class Suspension(models.Model):
    """A curator's decision to hold out the votes of some accounts (one, or a whole vote ring).

    The accounts are those whose standing points here; lifting it lets their votes count again.
    """

    reason = models.CharField(_("public reason"), max_length=200)
    curator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("held out"), auto_now_add=True)
    lifted_at = models.DateTimeField(_("lifted"), null=True, blank=True)

    class Meta:
        verbose_name = _("vote hold")
        verbose_name_plural = _("vote holds")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.reason


class Standing(models.Model):
    """Whether an account's votes count in the ranking, and what ring detection knows of it.

    `votes_count` says where the account's votes are now (counted or held); it follows the rule
    (older than VOTE_HOLD_DAYS or a published review, and not suspended) whenever
    reviews.services touches the account, and `manage.py release_votes` catches up with time.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="standing",
    )
    votes_count = models.BooleanField(_("votes count"), default=False, editable=False)
    suspension = models.ForeignKey(
        Suspension,
        verbose_name=_("vote hold"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="standings",
        editable=False,
    )
    # A keyed hash of the address the account signed up from: equal for equal addresses,
    # useless for finding the address itself.
    signup_address = models.CharField(_("sign-up address (hashed)"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("account standing")
        verbose_name_plural = _("account standings")
        indexes = [models.Index(fields=["votes_count", "suspension"])]

    def __str__(self):
        return str(self.user)


class VoteRing(Standing):
    """The admin's "Vote rings" page (reviews.rings): suspicious clusters of accounts."""

    class Meta:
        proxy = True
        verbose_name = _("vote ring")
        verbose_name_plural = _("vote rings")


class RingScan(models.Model):
    """The last search for vote rings over the recent votes (reviews.rings), made by the
    periodic job `manage.py find_rings` or a curator's "Recompute now"; the "Vote rings" page
    shows it, because the search takes seconds at a large size."""

    computed_at = models.DateTimeField()
    seconds = models.FloatField()  # how long the search took
    votes = models.PositiveIntegerField()  # votes examined
    candidates = models.PositiveIntegerField()  # pairs of accounts examined in full
    # [{"accounts": [user ids], "chance": p, "shared_address": n}], largest first
    clusters = models.JSONField(default=list)
    # The framework-days left out as too popular, the most voted first (at most SKIPPED_KEPT):
    # [{"framework": id, "value": ±1, "day": "2026-11-20", "votes": n}]
    skipped = models.JSONField(default=list)
    skipped_count = models.PositiveIntegerField(default=0)

    SKIPPED_KEPT = 20

    class Meta:
        verbose_name = _("vote ring search")
        verbose_name_plural = _("vote ring searches")

    def __str__(self):
        return f"{self.computed_at:%Y-%m-%d %H:%M}"


class ModerationAction(models.Model):
    """A public line in the moderation log: a curator hid or restored a review, or held out or
    restored the votes of some accounts (counted, never named)."""

    class Action(models.TextChoices):
        HIDE = "hide", _("hidden")
        RESTORE = "restore", _("restored")
        HOLD_VOTES = "hold-votes", _("votes held out")
        RESTORE_VOTES = "restore-votes", _("votes restored")

    review = models.ForeignKey(
        Review, null=True, on_delete=models.SET_NULL, related_name="moderation_actions"
    )
    framework = models.ForeignKey(
        Framework, null=True, on_delete=models.PROTECT, related_name="moderation_actions"
    )
    review_title = models.CharField(_("review title"), max_length=120, blank=True)
    account_count = models.PositiveIntegerField(_("accounts"), default=0)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    reason = models.CharField(_("public reason"), max_length=200, blank=True)
    curator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("date"), auto_now_add=True)

    class Meta:
        verbose_name = _("moderation action")
        verbose_name_plural = _("moderation log")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["-created_at", "-id"], name="moderation_log_idx")]

    def __str__(self):
        return f"{self.get_action_display()}: {self.review_title or self.account_count}"
