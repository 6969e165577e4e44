"""The guide (`/choose/`) and the use-case rankings (`/best/<use-case>/`).

`fit()` is a pure function of one framework's tags, votes, place in the ranking, aspect averages
and status, and of the visitor's answers; everything it reads is plain data (`Candidate`), so it
is tested on hand-made catalogs. The tag sets of every need live in `NEEDS` below: curated tags
plug in by adding their slugs there. `/about/ranking/` writes the weights out from `WEIGHTS`.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from catalog import extensions
from catalog.aspects import (
    ASPECT_KEYS,
    BY_KEY,
    COUNTER_FIELDS,
    Aspect,
    count_field,
    min_reviews,
    sum_field,
)
from catalog.models import Framework, TaggedFramework, is_chinese, pick_language

# What a need looks for in a framework's tags (slugs, as taggit makes them from the names).
NEEDS: dict[str, frozenset[str]] = {
    "api": frozenset({"rest-api", "microservices", "type-hints", "openapi", "json-api"}),
    "full-stack": frozenset({"full-stack", "batteries-included", "templates", "orm", "admin"}),
    "realtime": frozenset({"websocket", "websockets", "async", "asgi"}),
    "small-service": frozenset({"microframework", "microservices", "lightweight"}),
    "async": frozenset({"async", "asgi"}),
    "performance": frozenset({"high-performance"}),
    "batteries": frozenset({"batteries-included", "full-stack", "orm", "admin"}),
}
# Tags that speak against a use case, with why.
AGAINST: dict[str, frozenset[str]] = {
    "full-stack": frozenset({"microframework"}),
}
# A framework that is not maintained for today's Python (hidden by default, else marked down).
OUTDATED_TAGS = frozenset({"unmaintained", "python-2-only"})
OUTDATED_STATUSES = frozenset({"unmaintained"})
NOT_WEB_FRAMEWORK = "not-web-framework"

# Points for each part of the fit (written out on /about/ranking/).
WEIGHTS = {
    "use_case": 4.0,  # × share of the use case's tags it carries (two make a full match)
    "against": 2.0,  # − for each tag that speaks against the use case
    "async": 5.0,  # × async among its tags, when async is needed
    "priority": 2.0,  # × what matters most: its tag, or the matching aspect average
    "experience": 2.0,  # × learning curve and documentation, for a team new to web work
    "aspects": 1.0,  # × the use case's own aspects
    "standing": 2.0,  # × place in the community ranking (votes, then the article's order)
    "outdated": 5.0,  # − when unmaintained or Python 2 only and shown anyway
}
FULL_MATCH = 2  # tags of a use case that make a full match
NEUTRAL = 0.5  # an aspect with too few ratings counts as middling, neither good nor bad
GOOD_AVERAGE = 4.0  # an aspect average shown as a reason for
WEAK_AVERAGE = 2.5  # an aspect average shown as a reason against
EASE_ASPECTS = ("learning_curve", "documentation")  # what a team new to web work needs
EXPERIENCE_WEIGHT = {"new": 1.0, "some": 0.5, "expert": 0.0}
MIN_PICKS, MAX_PICKS = 3, 4  # four: all picks fit on one compare page
BEST_SHOWN = 10
LEADERS_KEY = "guide:use-case-leaders"  # the shared cache's copy of leaders(), LEADERS_SECONDS


@dataclass(frozen=True)
class UseCase:
    key: str
    slug: str  # /best/<slug>/
    label: Promise  # "A JSON/REST API": the guide's answer
    title: Promise  # "Best for REST APIs"
    need: str | None  # key of NEEDS that scopes the ranking; None ranks every framework
    aspects: tuple[str, ...]  # aspect keys that weigh in
    experience: str = "some"
    priority: str | None = None

    @property
    def tags(self) -> list[str]:
        """The tag slugs that scope and score it, sorted."""
        return sorted(NEEDS[self.need]) if self.need else []

    @property
    def against(self) -> list[str]:
        return sorted(AGAINST.get(self.key, ()))

    @property
    def aspect_labels(self) -> list[Promise]:
        return [BY_KEY[key].label for key in self.aspects]

    @property
    def experience_weight(self) -> float:
        return EXPERIENCE_WEIGHT[self.experience]


USE_CASES: tuple[UseCase, ...] = (
    UseCase(
        "api",
        "rest-apis",
        _("A JSON/REST API"),
        _("Best for REST APIs"),
        "api",
        ("performance", "documentation"),
    ),
    UseCase(
        "full-stack",
        "full-stack",
        _("A full-stack site with templates and an admin"),
        _("Best for full-stack sites"),
        "full-stack",
        ("ecosystem", "stability", "documentation"),
    ),
    UseCase(
        "realtime",
        "realtime",
        _("A realtime app with WebSockets"),
        _("Best for realtime apps"),
        "realtime",
        ("async_support", "performance"),
    ),
    UseCase(
        "small-service",
        "small-services",
        _("A small service or prototype"),
        _("Best for small services and prototypes"),
        "small-service",
        ("learning_curve", "performance"),
    ),
    UseCase(
        "beginners",
        "beginners",
        _("A first project, learning as we go"),
        _("Best for beginners"),
        None,
        ("learning_curve", "documentation"),
        experience="new",
    ),
)
BUILDS = {case.key: case for case in USE_CASES if case.key != "beginners"}
BY_SLUG = {case.slug: case for case in USE_CASES}
PRIORITIES: dict[str, tuple[Promise, str | None, tuple[str, ...]]] = {
    # key: (label, need in NEEDS, aspects)
    "performance": (_("Raw performance"), "performance", ("performance",)),
    "batteries": (_("Batteries included"), "batteries", ("ecosystem",)),
    "stability": (_("Stability"), None, ("stability",)),
    "learning": (_("Ease of learning"), None, ("learning_curve", "documentation")),
    "ecosystem": (_("A large ecosystem"), None, ("ecosystem",)),
}


@dataclass(frozen=True)
class Candidate:
    """What the scoring reads about one framework."""

    slug: str
    name: str
    tags: dict[str, str]  # slug -> name in the reader's language
    upvotes: int
    downvotes: int
    status: str
    position: int  # 1 = top of the community ranking
    aspects: dict[str, tuple[float, int]]  # shown aspect averages only: key -> (average, count)
    drawbacks: str = ""  # in the reader's language (Framework.text_for)
    drawbacks_translated: bool = False  # our English translation of the article's text

    @property
    def is_outdated(self) -> bool:
        return self.status in OUTDATED_STATUSES or bool(OUTDATED_TAGS & self.tags.keys())

    @property
    def vote_count(self) -> int:
        return self.upvotes + self.downvotes

    @property
    def approval(self) -> int | None:
        """Whole per cent of up-votes, or None without votes."""
        return round(100 * self.upvotes / self.vote_count) if self.vote_count else None


@dataclass(frozen=True)
class Answers:
    build: str | None = None  # a key of BUILDS
    needs_async: bool = False
    experience: str = "some"  # new / some / expert
    priority: str | None = None  # a key of PRIORITIES
    hide_outdated: bool = True


@dataclass(frozen=True)
class AspectFigure:
    aspect: Aspect
    average: float
    count: int


@dataclass(frozen=True)
class Fit:
    """How well one framework fits the answers, and the reasons in both directions."""

    candidate: Candidate
    points: float
    matched: tuple[str, ...] = ()  # names of the tags that matched a need
    against: tuple[str, ...] = ()  # names of the tags that speak against the use case
    lacks_async: bool = False
    parts: dict[str, float] = field(default_factory=dict)

    @property
    def slug(self) -> str:
        return self.candidate.slug

    def _figures(self) -> list[AspectFigure]:
        aspects = self.candidate.aspects
        return [AspectFigure(BY_KEY[key], *aspects[key]) for key in ASPECT_KEYS if key in aspects]

    @property
    def strong(self) -> list[AspectFigure]:
        """Aspects reviewers rate well (a reason for it)."""
        return [f for f in self._figures() if f.average >= GOOD_AVERAGE]

    @property
    def weak(self) -> list[AspectFigure]:
        """Aspects reviewers rate poorly (a reason against it)."""
        return [f for f in self._figures() if f.average <= WEAK_AVERAGE]


def _normalised(candidate: Candidate, key: str) -> float:
    """An aspect average from 0 (1 star) to 1 (5 stars); NEUTRAL while too few rated it."""
    if key not in candidate.aspects:
        return NEUTRAL
    return (candidate.aspects[key][0] - 1) / 4


def _mean_aspects(candidate: Candidate, keys: tuple[str, ...]) -> float:
    if not candidate.aspects or not keys:
        return NEUTRAL
    return sum(_normalised(candidate, key) for key in keys) / len(keys)


def _matching(candidate: Candidate, need: str | None) -> list[str]:
    wanted = NEEDS.get(need, frozenset()) if need else frozenset()
    return [slug for slug in candidate.tags if slug in wanted]


def fit(candidate: Candidate, answers: Answers, *, place: int, total: int) -> Fit:
    """Points for one framework against the answers (higher fits better), with the reasons.

    `place` is its place among the `total` frameworks considered, in the community ranking's
    order (1 = top), for the standing part. Pure: no database.
    """
    parts: dict[str, float] = {}
    matched: list[str] = []
    use_case = BUILDS.get(answers.build) or BY_SLUG.get(answers.build or "")
    against = []
    if use_case is not None and use_case.need:
        found = _matching(candidate, use_case.need)
        matched += found
        parts["use_case"] = WEIGHTS["use_case"] * min(1.0, len(found) / FULL_MATCH)
        against = [s for s in candidate.tags if s in use_case.against]
        if against:
            parts["against"] = -WEIGHTS["against"] * len(against)
    if use_case is not None:
        parts["aspects"] = WEIGHTS["aspects"] * _mean_aspects(candidate, use_case.aspects)
    lacks_async = False
    if answers.needs_async:
        found = _matching(candidate, "async")
        matched += found
        lacks_async = not found
        parts["async"] = WEIGHTS["async"] * (1.0 if found else 0.0)
    if answers.priority in PRIORITIES:
        _label, need, keys = PRIORITIES[answers.priority]
        found = _matching(candidate, need)
        matched += found
        by_tag = 1.0 if found else 0.0
        parts["priority"] = WEIGHTS["priority"] * max(by_tag, _mean_aspects(candidate, keys))
    experience = EXPERIENCE_WEIGHT.get(answers.experience, EXPERIENCE_WEIGHT["some"])
    ease = _mean_aspects(candidate, EASE_ASPECTS)
    parts["experience"] = WEIGHTS["experience"] * experience * ease
    parts["standing"] = WEIGHTS["standing"] * (1 - (place - 1) / max(total, 1))
    if candidate.is_outdated:
        parts["outdated"] = -WEIGHTS["outdated"]
    return Fit(
        candidate=candidate,
        points=round(sum(parts.values()), 6),
        matched=tuple(candidate.tags[slug] for slug in dict.fromkeys(matched)),
        against=tuple(candidate.tags[slug] for slug in against),
        lacks_async=lacks_async,
        parts=parts,
    )


def eligible(candidates: Iterable[Candidate], answers: Answers) -> list[Candidate]:
    """Web frameworks only, and without the outdated ones unless asked."""
    return [
        c
        for c in candidates
        if c.status != NOT_WEB_FRAMEWORK and not (answers.hide_outdated and c.is_outdated)
    ]


def ranked_fits(
    candidates: list[Candidate], answers: Answers, *, scope: str | None = None
) -> list[Fit]:
    """Every eligible framework's fit, best first (ties: the community ranking).

    With a `scope` (a key of NEEDS), only frameworks carrying one of its tags are scored and
    listed; their standing still counts every eligible framework.
    """
    pool = sorted(eligible(candidates, answers), key=lambda c: c.position)
    fits = [
        fit(c, answers, place=i, total=len(pool))
        for i, c in enumerate(pool, start=1)
        if scope is None or _matching(c, scope)
    ]
    return sorted(fits, key=lambda f: (-f.points, f.candidate.position))


def picks(candidates: list[Candidate], answers: Answers) -> list[Fit]:
    """The short list: three frameworks, a fourth when it is nearly as good as the first."""
    fits = ranked_fits(candidates, answers)
    chosen = fits[:MIN_PICKS]
    if chosen:
        bar = chosen[0].points * 0.8
        chosen += [f for f in fits[MIN_PICKS:MAX_PICKS] if f.points >= bar]
    return chosen


def use_case_answers(use_case: UseCase) -> Answers:
    return Answers(build=use_case.key, experience=use_case.experience, priority=use_case.priority)


def best_for(candidates: list[Candidate], use_case: UseCase) -> list[Fit]:
    """The use case's ranking: frameworks carrying one of its tags (all for beginners)."""
    return ranked_fits(candidates, use_case_answers(use_case), scope=use_case.need)


def leaders(candidates: list[Candidate]) -> dict[str, list[str]]:
    """{use case key: the slugs its shown ranking lists (the top BEST_SHOWN)}."""
    return {
        use_case.key: [f.slug for f in best_for(candidates, use_case)[:BEST_SHOWN]]
        for use_case in USE_CASES
    }


def placings(candidates: list[Candidate], slug: str) -> list[tuple[UseCase, int]]:
    """The use cases whose shown ranking (the top BEST_SHOWN) has this framework, and where."""
    return _placed(leaders(candidates), slug)


def placings_of(slug: str) -> list[tuple[UseCase, int]]:
    """`placings()` for a framework's page. The use cases' leaders are worked out from every
    framework, so at most once per LEADERS_SECONDS (not after every vote: a framework page may
    show a place up to that old; the `/best/` pages themselves are always exact) and kept in the
    shared cache for every framework's page; they do not depend on the reader's language.
    PAGE_CACHE_SECONDS = 0 or LEADERS_SECONDS = 0 work them out on every page."""
    if not settings.PAGE_CACHE_SECONDS or not settings.LEADERS_SECONDS:
        return placings(load_candidates(), slug)
    shown = cache.get(LEADERS_KEY)
    if shown is None:
        shown = leaders(load_candidates())
        cache.set(LEADERS_KEY, shown, settings.LEADERS_SECONDS)
    return _placed(shown, slug)


def leaders_seconds() -> int:
    """How old a framework page's places by use case may be (written out on /about/ranking/)."""
    return settings.LEADERS_SECONDS


def _placed(shown: dict[str, list[str]], slug: str) -> list[tuple[UseCase, int]]:
    return [
        (use_case, shown[use_case.key].index(slug) + 1)
        for use_case in USE_CASES
        if slug in shown[use_case.key]
    ]


def compare_query(fits: list[Fit]) -> str:
    return urlencode([("f", f.slug) for f in fits])


def came_from(fits: list[Fit]) -> dict[str, str]:
    """{slug: the framework most of its reviewers say they switched from}. One query (reviews
    answers it through catalog.extensions)."""
    return extensions.switch_sources([f.slug for f in fits])


# Reading the catalog -------------------------------------------------------------------------

CANDIDATE_FIELDS = (
    "pk",
    "name",
    "slug",
    "status",
    "upvotes",
    "downvotes",
    "drawbacks",
    "drawbacks_en",
    *COUNTER_FIELDS,
)


def load_candidates() -> list[Candidate]:
    """Every published framework as plain data, in the community ranking's order.

    Two queries (rows as tuples, then their tags), never one per framework.
    """
    rows = Framework.objects.published().ranked().prefetch_related(None)
    rows = list(rows.values_list(*CANDIDATE_FIELDS))
    tags: dict[int, dict[str, str]] = {}
    tagged = TaggedFramework.objects.filter(
        content_object__in=Framework.objects.published().values("pk")
    ).order_by("pk")  # in the order the tags were given
    names = tagged.values_list("content_object_id", "tag__slug", "tag__name_zh", "tag__name")
    language = get_language()
    for object_id, slug, name_zh, name in names:
        tags.setdefault(object_id, {})[slug] = pick_language(name_zh, name, language)
    minimum = max(min_reviews(), 1)
    result = []
    chinese = is_chinese(language)
    for position, row in enumerate(rows, start=1):
        pk, name, slug, status, up, down, drawbacks, drawbacks_en, *counters = row
        counts = dict(zip(COUNTER_FIELDS, counters, strict=True))
        shown = {
            key: (counts[sum_field(key)] / count, count)
            for key in ASPECT_KEYS
            if (count := counts[count_field(key)]) >= minimum
        }
        result.append(
            Candidate(
                slug=slug,
                name=name,
                tags=tags.get(pk, {}),
                upvotes=up,
                downvotes=down,
                status=status,
                position=position,
                aspects=shown,
                drawbacks=pick_language(drawbacks, drawbacks_en, language),
                drawbacks_translated=not chinese and bool(drawbacks_en),
            )
        )
    return result
