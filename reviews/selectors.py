"""Reads for the pages: the current user's marks (a whole page's worth in one query), a
framework's rating summary and page of reviews, and the reads about reviews that annotate
frameworks (their top review, who switched from and to them). The catalog knows nothing of
reviews; these live here."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.paginator import Page, Paginator
from django.db.models import Count, OuterRef, Subquery

from catalog import ranking
from catalog.aspects import ASPECT_KEYS
from catalog.models import STAR_FIELDS, Framework, FrameworkQuerySet
from config.derived import kept
from reviews import rings, services
from reviews.models import HelpfulVote, Review, ReviewQuerySet, RingScan, Standing, Vote


class UserVotes(dict):
    """{framework id: +1 or −1}, plus which of those votes are held out of the counts and why:
    `held` (framework ids), `suspended` (curators hold the account's votes) and `counted_from`
    (when a new account's votes start to count by age alone)."""

    held: set[int] = frozenset()
    suspended: bool = False
    counted_from = None


def user_votes(user, frameworks) -> UserVotes:
    """The user's votes on these frameworks and, when held, why."""
    return user_votes_on(user, [framework.pk for framework in frameworks])


def user_votes_on(user, ids) -> UserVotes:
    """`user_votes()` from the frameworks' ids: one query, and a second only when the account's
    votes are held (to say why)."""
    votes = UserVotes()
    if not user.is_authenticated:
        return votes
    rows = Vote.objects.filter(user_id=user.pk, framework_id__in=ids).values_list(
        "framework_id", "value", "counted"
    )
    held = set()
    for framework_id, value, counted in rows:
        votes[framework_id] = value
        if not counted:
            held.add(framework_id)
    if held:
        standing = Standing.objects.filter(user_id=user.pk).values_list("suspension", flat=True)
        _hold(votes, user, held, suspended=standing.first() is not None)
    return votes


def user_vote_cast(user, framework: Framework, value: int | None) -> UserVotes:
    """The vote the user has just cast on the framework, as user_votes() would read it, without
    reading it back: an account's votes are all counted or all held, as its standing says (which
    services.vote_cast has just read and left on the user)."""
    votes = UserVotes()
    if value is None:
        return votes
    votes[framework.pk] = value
    standing = user.standing
    if not standing.votes_count:
        _hold(votes, user, {framework.pk}, standing.suspension_id is not None)
    return votes


def _hold(votes: UserVotes, user, held: set[int], suspended: bool) -> None:
    """Mark these of the user's votes as held out, and why (see UserVotes)."""
    votes.held = held
    votes.suspended = suspended
    if not suspended:
        votes.counted_from = services.hold_ends(user)


def vote_counts(ids) -> list[tuple[int, int, int]]:
    """(id, up-votes, down-votes) of these frameworks, as counted now."""
    return list(Framework.objects.filter(pk__in=ids).values_list("pk", "upvotes", "downvotes"))


def user_helpful_marks(user, reviews) -> set[int]:
    """Ids of these reviews that the user has marked helpful."""
    if not user.is_authenticated:
        return set()
    ids = [review.pk for review in reviews]
    return set(
        HelpfulVote.objects.filter(user=user, review_id__in=ids).values_list("review_id", flat=True)
    )


@dataclass(frozen=True)
class StarBar:
    stars: int
    count: int
    percent: str  # "42.5": an SVG width, never localised


@dataclass(frozen=True)
class RatingSummary:
    count: int  # published reviews, from the framework's counters like the ranking
    average: float | None
    bayesian: float | None
    bars: list[StarBar]  # 5 stars first
    my_status: str | None  # the user's own review: "published", "hidden" or None


def rating_summary(framework: Framework, user) -> RatingSummary:
    """Averages and reviews per star from the counters; the user's own review in one query (none
    for a visitor who is not logged in)."""
    count, stars = framework.review_count, framework.rating_sum
    per_star = [getattr(framework, field) for field in STAR_FIELDS]
    bars = [
        StarBar(n, per_star[n - 1], f"{100 * per_star[n - 1] / (count or 1):.1f}")
        for n in range(5, 0, -1)
    ]
    my_status = None
    if user.is_authenticated:
        mine = Review.objects.filter(framework=framework, user_id=user.pk)
        my_status = mine.values_list("status", flat=True).first()
    return RatingSummary(
        count, ranking.raw_average(stars, count), framework.bayesian_rating, bars, my_status
    )


@dataclass(frozen=True)
class FrameworkReviews:
    summary: RatingSummary
    page: Page  # of published reviews, users and "switched from" joined
    marks: set[int]  # the reviews on the page the user marked helpful
    sort: str


# What a review on a framework's page shows (its text, not its Markdown source), with its
# author's name and the name and link of the framework it switched from.
LISTED_FIELDS = (
    "rating",
    "title",
    "body_html",
    "pros",
    "cons",
    "version_used",
    *ASPECT_KEYS,
    "helpful_count",
    "created_at",
    "user",
    "user__username",
    "switched_from",
    "switched_from__name",
    "switched_from__slug",
)


def framework_reviews(framework: Framework, user, *, sort: str | None, page: str | None):
    """The reviews section of a published framework's page (its `bayes_rating` set): rating
    summary, one sorted page of published reviews (kept by config.derived), the user's helpful
    marks. At most one query for a visitor who is not logged in, three for one who is.
    """
    if sort not in ReviewQuerySet.SORTS:
        sort = ReviewQuerySet.DEFAULT_SORT
    summary = rating_summary(framework, user)
    published = Review.objects.filter(framework=framework, status=Review.Status.PUBLISHED)
    paginator = Paginator(published.sorted(sort).values("pk"), settings.REVIEWS_PAGE_SIZE)
    paginator.count = summary.count  # the counters count them: no COUNT query
    shown = paginator.get_page(page)

    def listed():
        # The page's reviews are found in the sort's index alone, and only they are read whole:
        # a deep page no longer reads every review before it, with its author.
        rows = published.filter(pk__in=shown.object_list).select_related("user", "switched_from")
        return list(rows.only(*LISTED_FIELDS).sorted(sort))

    key = f"reviews:{framework.pk}:{sort}:{shown.number}"
    shown.object_list = kept({key: listed})[key]
    return FrameworkReviews(summary, shown, user_helpful_marks(user, shown.object_list), sort)


def profile_reviews(person, *, page: str | None) -> Page:
    """A page of the person's published reviews, newest first, with their frameworks."""
    reviews = (
        Review.objects.published().filter(user=person).select_related("framework").sorted("newest")
    )
    return Paginator(reviews, settings.PROFILE_REVIEWS_PAGE_SIZE).get_page(page)


@dataclass(frozen=True)
class TopReview:
    pk: int
    title: str


def top_reviews(frameworks) -> dict[int, TopReview]:
    """{framework id: its most helpful published review} for these frameworks, in one query."""
    best = Review.objects.filter(framework=OuterRef("pk"), status=Review.Status.PUBLISHED).order_by(
        *ReviewQuerySet.SORTS["helpful"]
    )
    rows = (
        Framework.objects.filter(pk__in=[framework.pk for framework in frameworks])
        .annotate(
            top_pk=Subquery(best.values("pk")[:1]), top_title=Subquery(best.values("title")[:1])
        )
        .values_list("pk", "top_pk", "top_title")
    )
    return {pk: TopReview(top_pk, title) for pk, top_pk, title in rows if top_pk is not None}


def came_from(framework: Framework, *, limit: int):
    """Published frameworks that published reviews of this one say they switched from,
    most mentioned first (`switch_count`); their names and slugs only."""
    return (
        Framework.objects.published()
        .filter(
            reviews_switched_away__framework=framework,
            reviews_switched_away__status=Review.Status.PUBLISHED,
        )
        .annotate(switch_count=Count("reviews_switched_away"))
        .order_by("-switch_count", *FrameworkQuerySet.TIE_BREAK)
        .only("name", "slug")[:limit]
    )


def moved_on_to(framework: Framework, *, limit: int):
    """Published frameworks whose published reviews say they switched from this one,
    most mentioned first (`switch_count`); their names and slugs only."""
    return (
        Framework.objects.published()
        .filter(reviews__switched_from=framework, reviews__status=Review.Status.PUBLISHED)
        .annotate(switch_count=Count("reviews"))
        .order_by("-switch_count", *FrameworkQuerySet.TIE_BREAK)
        .only("name", "slug")[:limit]
    )


def switch_sources(slugs) -> dict[str, str]:
    """{slug: name of the published framework that most of its published reviewers say they
    switched from} for these frameworks. One query."""
    rows = (
        Framework.objects.published()
        .filter(
            reviews_switched_away__framework__slug__in=slugs,
            reviews_switched_away__status=Review.Status.PUBLISHED,
        )
        .values("reviews_switched_away__framework__slug", "name")
        .annotate(switch_count=Count("reviews_switched_away"))
        .order_by("-switch_count", "name")
    )
    found: dict[str, str] = {}
    for row in rows:
        found.setdefault(row["reviews_switched_away__framework__slug"], row["name"])
    return found


RING_MOVES_SHOWN = 20  # frameworks listed per cluster, the biggest moves


@dataclass
class Ring:
    """A suspicious cluster for the admin: its accounts, and what its votes move now (the
    biggest moves; `more` frameworks moved less)."""

    cluster: rings.Cluster
    accounts: list = field(default_factory=list)  # (pk, username, date joined)
    moved: list = field(default_factory=list)  # (framework name, rings.Moved)
    more: int = 0

    @property
    def account_ids(self) -> str:
        return ",".join(str(pk) for pk, _name, _joined in self.accounts)


@dataclass
class RingReport:
    """The last search for vote rings (None before the first), its clusters with what their
    counted votes move now, and the framework-days it left out: (name, value, day, votes)."""

    scan: RingScan | None
    rings: list[Ring] = field(default_factory=list)
    skipped: list[tuple] = field(default_factory=list)


def ring_report() -> RingReport:
    """The stored search for the "Vote rings" page, with each cluster's effect on the ranking
    as it stands. At most four queries."""
    scan = RingScan.objects.order_by("-computed_at", "-pk").first()
    if scan is None:
        return RingReport(None)
    cluster_of = {pk: n for n, cluster in enumerate(scan.clusters) for pk in cluster["accounts"]}
    people = {}
    theirs = [defaultdict(lambda: [0, 0]) for _cluster in scan.clusters]
    if cluster_of:
        people = {
            row[0]: row
            for row in get_user_model()
            .objects.filter(pk__in=list(cluster_of))
            .values_list("pk", "username", "date_joined")
        }
        counted = Vote.objects.filter(user_id__in=list(cluster_of), counted=True)
        for user, framework, value in counted.values_list("user_id", "framework_id", "value"):
            theirs[cluster_of[user]][framework][value < 0] += 1
    names, counters = {}, {}
    for pk, name, up, down, published in Framework.objects.values_list(
        "pk", "name", "upvotes", "downvotes", "is_published"
    ):
        names[pk] = name
        if published:
            counters[pk] = (up, down)
    found = []
    for stored, mine in zip(scan.clusters, theirs, strict=True):
        cluster = rings.Cluster(
            [pk for pk in stored["accounts"] if pk in people],  # deleted since: gone
            stored["chance"],
            stored["shared_address"],
        )
        moved = rings.effect(mine, counters)
        found.append(
            Ring(
                cluster,
                [people[pk] for pk in cluster.accounts],
                [(names[m.framework], m) for m in moved[:RING_MOVES_SHOWN]],
                max(0, len(moved) - RING_MOVES_SHOWN),
            )
        )
    skipped = [
        (
            names.get(day["framework"], day["framework"]),
            day["value"],
            date.fromisoformat(day["day"]),
            day["votes"],
        )
        for day in scan.skipped
    ]
    return RingReport(scan, found, skipped)
