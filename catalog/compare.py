"""Helping people choose: frameworks side by side, and the closest alternatives to one."""

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from urllib.parse import urlencode

from django.db import connection

from catalog import aspects, pages, ranking
from catalog.models import Framework, TaggedFramework
from config.derived import kept

MAX_COMPARED = 4
# Slugs looked up at most: bounds the query and the message, whatever the query string holds.
MAX_ASKED = 12
ALTERNATIVES = 5
_SLUG = re.compile(r"[-a-zA-Z0-9_]{1,80}")


@dataclass
class Comparison:
    """What `/compare/` shows: the frameworks in the order asked, and what was left out."""

    frameworks: list[Framework] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)  # not a published framework's slug
    left_out: list[Framework] = field(default_factory=list)  # found, beyond the fourth
    shared_tag_ids: set[int] = field(default_factory=set)  # on two or more of the frameworks
    # {"rank" | "votes" | "rating" | an aspect key: ids of the frameworks best at it}, when
    # they differ
    best: dict[str, set[int]] = field(default_factory=dict)

    @property
    def is_ready(self) -> bool:
        return len(self.frameworks) >= 2

    @property
    def names(self) -> list[str]:
        return [framework.name for framework in self.frameworks]

    @property
    def aspect_rows(self) -> list[tuple[aspects.Aspect, list[aspects.AspectScore]]]:
        """One row per aspect: each framework's average and count, the best marked."""
        rows = []
        for aspect in aspects.ASPECTS:
            best = self.best.get(aspect.key, set())
            scores = [
                replace(aspects.aspect_score(framework, aspect.key), is_best=framework.pk in best)
                for framework in self.frameworks
            ]
            rows.append((aspect, scores))
        return rows

    @property
    def slugs(self) -> list[str]:
        return [framework.slug for framework in self.frameworks]

    @property
    def query(self) -> str:
        """The query string of exactly what is compared (for the canonical link)."""
        return urlencode([("f", framework.slug) for framework in self.frameworks])


def _unique(values: list[str]) -> list[str]:
    cleaned = (value.strip() for value in values)
    return list(dict.fromkeys(value for value in cleaned if value))


# What the compare page shows of a framework that no vote changes: kept between renders.
SHOWN_FIELDS = (
    "name",
    "slug",
    "status",
    "website",
    "description",
    "description_en",
    "drawbacks",
    "drawbacks_en",
    "review_count",
    "rating_sum",
    *aspects.COUNTER_FIELDS,
)


def comparison_of(asked: list[str]) -> Comparison:
    """The published frameworks named by these slugs, up to four, in the order asked.

    Duplicates collapse; anything that is not a published framework's slug is named in
    `unknown`, never looked up if it could not be a slug at all. Each framework carries its tags
    as `tag_list` and its Bayesian rating, kept (config.derived) since no vote changes them, and
    its vote counters and `position` in the ranking, read now: one query after a vote.
    """
    slugs = _unique(asked)[:MAX_ASKED]
    key = f"comparison:{pages.filters_key(*slugs)}"
    comparison = kept({key: lambda: _lasting(slugs)})[key]
    now = _votes_now(comparison.frameworks)
    # A framework unpublished while this was kept: gone from the next render, and from this one.
    comparison.frameworks = [f for f in comparison.frameworks if f.pk in now]
    for framework in comparison.frameworks:
        upvotes, downvotes, score, position = now[framework.pk]
        framework.upvotes, framework.downvotes, framework.score = upvotes, downvotes, score
        framework.position = position
    comparison.best = _best_of(comparison.frameworks)
    return comparison


def _votes_now(frameworks: list[Framework]) -> dict[int, list]:
    """{id: [upvotes, downvotes, score, position]} of these frameworks as they are now, those
    still published: one query, written out (`_VOTES_NOW`), as `with_standing`'s."""
    if not frameworks:
        return {}
    pks = [framework.pk for framework in frameworks]
    return {pk: votes for pk, *votes in _rows(_VOTES_NOW, pks, pks=_placeholders(pks))}


def _lasting(slugs: list[str]) -> Comparison:
    """What no vote changes of the comparison of these slugs: three queries (the frameworks,
    their tags, the site's mean of the stars when it is not kept)."""
    lookup = [slug for slug in slugs if _SLUG.fullmatch(slug)]
    found = Framework.objects.published().filter(slug__in=lookup).only(*SHOWN_FIELDS)
    found = {framework.slug: framework for framework in found.with_tag_list()}
    mean = pages.mean_rating()
    for framework in found.values():
        framework.bayes_rating = ranking.bayesian_average(
            framework.rating_sum, framework.review_count, mean
        )
    known = [found[slug] for slug in slugs if slug in found]
    comparison = Comparison(
        frameworks=known[:MAX_COMPARED],
        unknown=[slug for slug in slugs if slug not in found],
        left_out=known[MAX_COMPARED:],
    )
    counts = Counter(tag.pk for f in comparison.frameworks for tag in f.tag_list)
    comparison.shared_tag_ids = {pk for pk, count in counts.items() if count > 1}
    return comparison


def _shown_aspect(key: str):
    def measure(framework):
        score = aspects.aspect_score(framework, key)
        return round(score.average, 1) if score.shown else None

    return measure


def _best_of(frameworks: list[Framework]) -> dict[str, set[int]]:
    """Which frameworks lead each compared measure; none when they are all level."""
    measures = {
        "rank": lambda f: -f.position,
        "votes": lambda f: f.score,  # what the ranking orders by
        "rating": lambda f: f.bayesian_rating,  # what "best reviewed" uses
        # an aspect's average as shown (one decimal), once enough reviews rated it
        **{key: _shown_aspect(key) for key in aspects.ASPECT_KEYS},
    }
    best = {}
    for name, measure in measures.items():
        values = {f.pk: measure(f) for f in frameworks}
        known = [value for value in values.values() if value is not None]
        if len(set(known)) > 1 or (known and len(known) < len(values)):
            top = max(known)
            best[name] = {pk for pk, value in values.items() if value == top}
    return best


@dataclass
class Alternative:
    framework: Framework  # name, slug, status and `shared_tag_count` only
    shared_tags: list


@dataclass(frozen=True)
class Candidates:
    """The frameworks that may show as another's alternatives whatever the votes: those sharing
    the most tags with it, level by level (most shared first) until `limit` are in, each with
    what its line shows. Only their order within a level follows votes (`alternatives_among`)."""

    levels: list[list[int]]  # ids, by how many tags they share, most first
    shown: dict[int, Alternative]


def candidates_for(framework: Framework, tags, limit: int = ALTERNATIVES) -> Candidates:
    """The candidates for `framework`'s alternatives, given its tags. Two queries."""
    shared: dict[int, set[int]] = {}
    tagged = TaggedFramework.objects.filter(
        tag__in=[tag.pk for tag in tags], content_object__is_published=True
    ).exclude(content_object=framework)
    for other, tag in tagged.values_list("content_object_id", "tag_id"):
        shared.setdefault(other, set()).add(tag)
    by_count: dict[int, list[int]] = {}
    for other, tag_ids in shared.items():
        by_count.setdefault(len(tag_ids), []).append(other)
    levels, taken = [], 0
    for count in sorted(by_count, reverse=True):
        if taken >= limit:
            break
        levels.append(by_count[count])
        taken += len(by_count[count])
    pks = [pk for level in levels for pk in level]
    shown = {}
    for other in Framework.objects.filter(pk__in=pks).only("name", "slug", "status"):
        other.shared_tag_count = len(shared[other.pk])
        # By name, as the framework's own tags come.
        shown[other.pk] = Alternative(other, [tag for tag in tags if tag.pk in shared[other.pk]])
    return Candidates(levels, shown)


def alternatives_among(candidates: Candidates, limit: int = ALTERNATIVES) -> list[Alternative]:
    """The candidates sharing the most tags, then the highest ranked under the default sort
    (the order by votes read now, one query: `_RANKED_AMONG`)."""
    pks = [pk for level in candidates.levels for pk in level]
    if not pks:
        return []
    level_of = {pk: n for n, level in enumerate(candidates.levels) for pk in level}
    ranked = [pk for (pk,) in _rows(_RANKED_AMONG, pks, pks=_placeholders(pks))]
    in_order = sorted(ranked, key=level_of.__getitem__)  # stable
    return [candidates.shown[pk] for pk in in_order[:limit]]


def alternatives_to(framework: Framework, limit: int = ALTERNATIVES) -> list[Alternative]:
    """The published frameworks sharing most tags with this one, with those tags (by name), then
    the highest ranked. Three queries (the framework's tags from its prefetch, when it has one)."""
    return alternatives_among(candidates_for(framework, list(framework.tags.all()), limit), limit)


# Where frameworks stand under the default sort, in statements written out (standard SQL, the same
# on SQLite and PostgreSQL, tested against FrameworkQuerySet.ranked() through every kind of tie):
# the ORM took longer to compose their five-part ties than the database takes to answer them.

# Published frameworks `a` that the default sort ("top": score, fewer down-votes, seed rank, name)
# places above `f`: the one statement of that rule. `a.score >= f.score` holds in every branch:
# said on its own, it bounds the index scan to the frameworks above.
_AHEAD = """a.is_published AND a.score >= f.score AND (
    a.score > f.score
    OR (a.score = f.score AND a.downvotes < f.downvotes)
    OR (a.score = f.score AND a.downvotes = f.downvotes AND (
        (f.seed_rank IS NOT NULL AND a.seed_rank < f.seed_rank)
        OR (f.seed_rank IS NULL AND (a.seed_rank IS NOT NULL OR a.name < f.name)))))"""
_COUNT_AHEAD = f"(SELECT COUNT(*) FROM {{table}} a WHERE {_AHEAD})"
# The same order as a sort of frameworks `a` (FrameworkQuerySet.SORTS["top"], its TIE_BREAK), and
# upside down: the last of those ahead of `f`, the one just above it, comes first.
_TOP_ORDER = "a.score DESC, a.downvotes ASC, a.seed_rank ASC NULLS LAST, a.name ASC, a.id ASC"
_TOP_ORDER_UPSIDE_DOWN = re.sub(
    r"\b(DESC|ASC|LAST)\b",
    lambda m: {"DESC": "ASC", "ASC": "DESC", "LAST": "FIRST"}[m[1]],
    _TOP_ORDER,
)
_STANDING = f"""
SELECT f.*, {_COUNT_AHEAD} AS standing_ahead,
    n.id AS neighbour_id, n.name AS neighbour_name, n.slug AS neighbour_slug,
    n.upvotes AS neighbour_upvotes, n.downvotes AS neighbour_downvotes
FROM {{table}} f
LEFT JOIN {{table}} n ON n.id = (
    SELECT a.id FROM {{table}} a WHERE {_AHEAD} ORDER BY {_TOP_ORDER_UPSIDE_DOWN} LIMIT 1)
WHERE f.is_published AND f.slug = %s"""
# The published frameworks among some ids, in the default sort's order.
_RANKED_AMONG = f"""SELECT a.id FROM {{table}} a WHERE a.is_published AND a.id IN ({{pks}})
ORDER BY {_TOP_ORDER}"""
_PLACE = f"SELECT {_COUNT_AHEAD} + 1 FROM {{table}} f WHERE f.id = %s"
_VOTES_NOW = f"""
SELECT f.id, f.upvotes, f.downvotes, f.score, {_COUNT_AHEAD} + 1
FROM {{table}} f
WHERE f.is_published AND f.id IN ({{pks}})"""


def statement(sql: str, **parts) -> str:
    """One of these statements to run: `parts` put in, and the frameworks' table named as
    quoted."""
    return sql.format(table=connection.ops.quote_name(Framework._meta.db_table), **parts)


def _rows(sql: str, params: list, **parts) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(statement(sql, **parts), params)
        return cursor.fetchall()


def _placeholders(values: list) -> str:
    return ", ".join(["%s"] * len(values))


def place_of(framework: Framework) -> int:
    """Its place among the published frameworks under the default sort (1 = top); one query."""
    [(place,)] = _rows(_PLACE, [framework.pk])
    return place


def with_standing(slug: str) -> Framework | None:
    """The published framework with this slug, with its place under the default sort, why
    (`why`) and the framework just above it (`neighbour`: name, link and votes), or None.

    One query: the row, the count of the frameworks ahead and the neighbour (the last of them)
    together."""
    framework = next(iter(Framework.objects.raw(statement(_STANDING), [slug])), None)
    if framework is None:
        return None
    neighbour = None
    if framework.neighbour_id is not None:
        neighbour = Framework(
            pk=framework.neighbour_id,
            name=framework.neighbour_name,
            slug=framework.neighbour_slug,
            upvotes=framework.neighbour_upvotes,
            downvotes=framework.neighbour_downvotes,
        )
    framework.neighbour = neighbour
    framework.why = ranking.why_rank(
        position=framework.standing_ahead + 1,
        upvotes=framework.upvotes,
        downvotes=framework.downvotes,
        neighbour_votes=(neighbour.upvotes, neighbour.downvotes) if neighbour else None,
    )
    return framework
