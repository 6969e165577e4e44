from django.conf import settings
from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, Subquery, Sum, Value
from django.db.models.functions import Cast, Coalesce, Lower, NullIf
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import TagBase, TaggedItemBase

from catalog import aspects, ranking
from config.rendering import reverse_slug

# The vote counters kept on Framework by reviews.services (checked by `recount`): one list for
# the services' save, the recount and the page cache's signal.
VOTE_COUNTER_FIELDS = (
    "upvotes",
    "downvotes",
    "score",
    "trend",
    "recent_upvotes",
    "recent_downvotes",
    "recent_score",
)
# Published reviews per star, 1 to 5: the histogram on a framework's page.
STAR_FIELDS = ("stars_1", "stars_2", "stars_3", "stars_4", "stars_5")
REVIEW_COUNTER_FIELDS = ("review_count", "rating_sum", *STAR_FIELDS)


class FrameworkQuerySet(models.QuerySet):
    # Public sort keys -> order_by. Every order ends in a unique tie-breaker (seed rank,
    # then name, then pk) so that pages never repeat or skip rows.
    TIE_BREAK = (F("seed_rank").asc(nulls_last=True), "name", "pk")
    SORTS = {
        # Equal Wilson bounds happen in practice only at 0 (no up-votes): there the frameworks
        # with fewer down-votes go first, so a down-vote is never invisible.
        "top": ("-score", "downvotes"),
        "trending": ("-trend",),
        "recent": ("-recent_score", "recent_downvotes"),
        "rating": ("-bayes_rating", "-review_count"),
        "reviews": ("-review_count",),
        "newest": ("-created_at",),
        "name": (),
        "seed": (),
    }
    DEFAULT_SORT = "top"

    def published(self):
        """Only what curators have left visible."""
        return self.filter(is_published=True)

    def for_vote(self):
        """Only the columns a vote and its widget read: name, slug and the vote counters."""
        return self.only("name", "slug", *VOTE_COUNTER_FIELDS)

    def search(self, query: str):
        """Frameworks whose names, texts (in either language) or a tag's names contain the text."""
        query = query.strip()
        if not query:
            return self
        tagged = TaggedFramework.objects.filter(content_object=OuterRef("pk")).filter(
            Q(tag__name__icontains=query) | Q(tag__name_zh__icontains=query)
        )
        matches = Q(Exists(tagged))
        for field in Framework.SEARCHED_FIELDS:
            matches |= Q(**{f"{field}__icontains": query})
        return self.filter(matches)

    def picker(self, query: str, exclude=()):
        """What a picker offers: matches of `query` by name, else the leaders; names and slugs."""
        picked = self.exclude(pk__in=[framework.pk for framework in exclude])
        if query:
            picked = picked.search(query).order_by(Lower("name"), "pk")
        else:
            picked = picked.order_by(*self.SORTS["top"], *self.TIE_BREAK)
        return picked.only("name", "slug")

    def tagged(self, slug: str):
        """Frameworks carrying the tag with this slug."""
        return self.filter(tags__slug=slug)

    def mean_rating(self) -> float:
        """Mean of all the stars of these frameworks' published reviews, from the counters."""
        totals = self.aggregate(
            stars=Coalesce(Sum("rating_sum"), 0), count=Coalesce(Sum("review_count"), 0)
        )
        return totals["stars"] / totals["count"] if totals["count"] else 0.0

    def with_bayes_rating(self):
        """Annotate `bayes_rating`: the Bayesian average of stars against the site-wide mean,
        which the same query works out from the counters (a subquery, evaluated once)."""
        if "bayes_rating" in self.query.annotations:
            return self  # already there (e.g. sorted by rating)
        totals = Framework.objects.published().order_by().values("is_published")
        mean = totals.annotate(
            mean=Cast(Sum("rating_sum"), models.FloatField()) / NullIf(Sum("review_count"), 0)
        ).values("mean")
        prior_mean = Coalesce(Subquery(mean[:1]), Value(0.0))
        weight = Value(float(ranking.PRIOR_WEIGHT))
        return self.annotate(
            bayes_rating=(weight * prior_mean + Cast("rating_sum", models.FloatField()))
            / (weight + Cast("review_count", models.FloatField()))
        )

    def ranked(self, sort: str | None = None):
        """Ordered by a public sort key (unknown keys fall back to `top`); each framework's tags
        prefetched as the list `tag_list`."""
        if sort not in self.SORTS:
            sort = self.DEFAULT_SORT
        qs = self
        if sort == "rating":
            qs = qs.with_bayes_rating()
        tie_break = self.TIE_BREAK
        if sort == "name":
            # Case-insensitive on every database: projects spell "aiohttp" and "Bottle".
            tie_break = (Lower("name"), "name", "pk")
        return qs.order_by(*self.SORTS[sort], *tie_break).with_tag_list()

    def with_tag_list(self):
        """Each framework's tags prefetched as the list `tag_list` (one query). A plain list:
        `prefetch_related("tags")` has taggit build a queryset per framework to hold them."""
        return self.prefetch_related(Prefetch("tags", to_attr="tag_list"))


def is_chinese(language: str | None = None) -> bool:
    """Whether this language (the active one if not given) is a Chinese one."""
    return (language or get_language() or settings.LANGUAGE_CODE).lower().startswith("zh")


def pick_language(chinese: str, english: str, language: str | None = None) -> str:
    """The text for a reader of this language (the active one if not given), else the other."""
    first, fallback = (chinese, english) if is_chinese(language) else (english, chinese)
    return first or fallback


class Bilingual:
    """A model whose texts are written in Chinese and in English, in explicit fields.

    `BILINGUAL` maps a name to its (Chinese, English) attributes; `text_for` picks the
    visitor's language and falls back to the other one when that text is not written yet.
    """

    BILINGUAL: dict[str, tuple[str, str]] = {}

    def text_for(self, name: str, language: str | None = None) -> str:
        chinese, english = self.BILINGUAL[name]
        return pick_language(getattr(self, chinese), getattr(self, english), language)

    def is_translated(self, name: str, language: str | None = None) -> bool:
        """Whether `text_for` gives our English translation of a Chinese text."""
        english = self.BILINGUAL[name][1]
        return not is_chinese(language) and bool(getattr(self, english))


class Tag(Bilingual, TagBase):
    """A tag, named in English (`name`, also its slug) and in Chinese (`name_zh`)."""

    name_zh = models.CharField(_("name in Chinese"), max_length=100, blank=True)

    BILINGUAL = {"name": ("name_zh", "name")}

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")


class TaggedFramework(TaggedItemBase):
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="tagged_frameworks")
    content_object = models.ForeignKey("Framework", on_delete=models.CASCADE)

    class Meta:
        verbose_name = _("tagged framework")
        verbose_name_plural = _("tagged frameworks")
        constraints = [
            models.UniqueConstraint(
                fields=["content_object", "tag"], name="tagged_framework_unique"
            ),
        ]


def _aspect_counter(verbose_name):
    return models.PositiveIntegerField(verbose_name, default=0, editable=False)


class Framework(Bilingual, models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        UNMAINTAINED = "unmaintained", _("unmaintained")
        NOT_WEB_FRAMEWORK = "not-web-framework", _("not a web framework")

    # Curated facts: as the project itself writes and publishes them.
    # Unique by the constraints below (one plain index each), not `unique=True`, which on
    # PostgreSQL adds a second index for `LIKE 'prefix%'` that nothing here asks for, written on
    # every vote all the same.
    name = models.CharField(
        _("name"), max_length=80, help_text=_("As the project itself spells it.")
    )
    slug = models.SlugField(_("slug"), max_length=80, db_index=False)
    website = models.URLField(_("official site"), max_length=300)
    repository = models.URLField(_("source repository"), max_length=300, blank=True)
    pypi_name = models.CharField(
        _("package on PyPI"),
        max_length=100,
        blank=True,
        help_text=_("What `pip install` takes; empty when it is not on PyPI."),
    )
    # The article's own text (Chinese), kept as written: the seed test proves it.
    article_name = models.CharField(
        _("name in the article"),
        max_length=80,
        blank=True,
        help_text=_("The article's spelling, kept as the source; empty for later additions."),
    )
    article_website = models.URLField(
        _("link in the article"), max_length=300, blank=True, help_text=_("The article's 官网.")
    )
    description = models.TextField(_("description (pros)"))
    drawbacks = models.TextField(_("drawbacks (cons)"), blank=True)
    # Our English translation of the texts above.
    summary_en = models.CharField(_("one-line summary in English"), max_length=200, blank=True)
    description_en = models.TextField(_("description (pros) in English"), blank=True)
    drawbacks_en = models.TextField(_("drawbacks (cons) in English"), blank=True)
    seed_rank = models.PositiveSmallIntegerField(
        _("seed rank"),
        null=True,
        blank=True,
        unique=True,
        help_text=_("Place in the original article (1–37); empty for frameworks added later."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    replaced_by = models.ForeignKey(
        "self",
        verbose_name=_("replaced by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replaces",
    )
    is_published = models.BooleanField(_("published"), default=True)
    # Tags by name, the same on every database and every render, prefetched or not (without
    # this, a prefetch reads them in whatever order the database returns).
    tags = TaggableManager(
        _("tags"), blank=True, through=TaggedFramework, ordering=[Lower("name"), "name"]
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    # Community counters, kept by reviews.services in the same transaction as the rows behind
    # them, and checked by `manage.py recount`.
    upvotes = models.PositiveIntegerField(_("up-votes"), default=0, editable=False)
    downvotes = models.PositiveIntegerField(_("down-votes"), default=0, editable=False)
    score = models.FloatField(_("score"), default=0.0, editable=False)
    review_count = models.PositiveIntegerField(_("reviews"), default=0, editable=False)
    rating_sum = models.PositiveIntegerField(_("sum of stars"), default=0, editable=False)
    stars_1 = models.PositiveIntegerField(_("reviews with 1 star"), default=0, editable=False)
    stars_2 = models.PositiveIntegerField(_("reviews with 2 stars"), default=0, editable=False)
    stars_3 = models.PositiveIntegerField(_("reviews with 3 stars"), default=0, editable=False)
    stars_4 = models.PositiveIntegerField(_("reviews with 4 stars"), default=0, editable=False)
    stars_5 = models.PositiveIntegerField(_("reviews with 5 stars"), default=0, editable=False)
    # Time windows: counted votes cast or changed in the last 7 days (net, for `trending`) and in
    # the last 12 months (for `recent`), aged out by `manage.py release_votes`.
    trend = models.IntegerField(_("net votes this week"), default=0, editable=False)
    recent_upvotes = models.PositiveIntegerField(
        _("up-votes in 12 months"), default=0, editable=False
    )
    recent_downvotes = models.PositiveIntegerField(
        _("down-votes in 12 months"), default=0, editable=False
    )
    recent_score = models.FloatField(_("score over 12 months"), default=0.0, editable=False)

    # Aspect ratings (catalog/aspects.py): the sum and the number of published reviews that
    # rated each aspect, kept by reviews.services like the star counters.
    documentation_sum = _aspect_counter(_("documentation: sum"))
    documentation_count = _aspect_counter(_("documentation: ratings"))
    learning_curve_sum = _aspect_counter(_("learning curve: sum"))
    learning_curve_count = _aspect_counter(_("learning curve: ratings"))
    performance_sum = _aspect_counter(_("performance: sum"))
    performance_count = _aspect_counter(_("performance: ratings"))
    ecosystem_sum = _aspect_counter(_("ecosystem: sum"))
    ecosystem_count = _aspect_counter(_("ecosystem: ratings"))
    stability_sum = _aspect_counter(_("stability: sum"))
    stability_count = _aspect_counter(_("stability: ratings"))
    async_support_sum = _aspect_counter(_("async support: sum"))
    async_support_count = _aspect_counter(_("async support: ratings"))

    objects = FrameworkQuerySet.as_manager()

    BILINGUAL = {
        "summary": ("summary", "summary_en"),
        "description": ("description", "description_en"),
        "drawbacks": ("drawbacks", "drawbacks_en"),
    }
    # What a search looks through, besides the tags' names in both languages.
    SEARCHED_FIELDS = (
        "name",
        "article_name",
        "description",
        "drawbacks",
        "summary_en",
        "description_en",
        "drawbacks_en",
    )

    class Meta:
        verbose_name = _("framework")
        verbose_name_plural = _("frameworks")
        ordering = [F("seed_rank").asc(nulls_last=True), "name"]
        # One per indexable public sort (FrameworkQuerySet.SORTS); `rating` depends on the
        # site-wide mean, so it is computed, over the catalog's few thousand rows at most.
        indexes = [
            # Only the published frameworks, which every ranking and place reads: counting
            # the frameworks ahead of one (its place) reads this index alone.
            models.Index(
                fields=["-score", "downvotes", "seed_rank", "name"],
                condition=Q(is_published=True),
                name="framework_top_idx",
            ),
            models.Index(
                fields=["-review_count", "seed_rank", "name"], name="framework_reviews_idx"
            ),
            models.Index(fields=["-created_at", "seed_rank", "name"], name="framework_newest_idx"),
            models.Index(fields=["-trend", "seed_rank", "name"], name="framework_trend_idx"),
            models.Index(
                fields=["-recent_score", "recent_downvotes", "seed_rank", "name"],
                name="framework_recent_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["name"], name="framework_name_unique"),
            models.UniqueConstraint(fields=["slug"], name="framework_slug_unique"),
            models.CheckConstraint(
                condition=Q(seed_rank__isnull=True) | Q(seed_rank__gte=1),
                name="framework_seed_rank_positive",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        # Asked several times per row of a ranking, and for thousands of rows by the sitemap.
        return reverse_slug("catalog:detail", self.slug)

    @property
    def vote_count(self) -> int:
        return self.upvotes + self.downvotes

    @property
    def bayesian_rating(self) -> float | None:
        """The Bayesian average (annotated by `with_bayes_rating()`, or set from the site-wide
        mean with catalog.ranking.bayesian_average), or None without reviews.

        The one rule for a framework without reviews, wherever a rating is shown (pages, API).
        """
        return self.bayes_rating if self.review_count else None

    @property
    def average_rating(self) -> float | None:
        return ranking.raw_average(self.rating_sum, self.review_count)

    @property
    def aspect_scores(self) -> list[aspects.AspectScore]:
        """Average and count per aspect, from the counters."""
        return aspects.aspect_scores(self)

    @property
    def aspect_scores_by_key(self) -> dict[str, aspects.AspectScore]:
        return {score.key: score for score in self.aspect_scores}

    @property
    def summary(self) -> str:
        """The first sentence of the seed description, for one-line rows."""
        text = self.description.strip().split("\n", 1)[0]
        for stop in ("。", ". "):
            head, found, _rest = text.partition(stop)
            if found and len(head) >= 8:
                return head + stop.strip()
        return text


def tags_in_use():
    """Tags carried by published frameworks, annotated `framework_count`, the most used first."""
    return (
        Tag.objects.filter(framework__is_published=True)
        .annotate(framework_count=Count("framework"))
        .order_by("-framework_count", "name")
    )
