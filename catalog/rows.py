"""The rows of a ranking (the home page and the tag pages), put together in Python.

A page shows twenty rows of a dozen values each. In the template language every value costs a
lookup, a filter and an escape through several layers, and rendering the rows was most of a
page's time. So, like the admin's change list (`admin_list.items_for_result`), each row is put
together here, with what every row shares (URLs, translated words) looked up once per page. The
vote widget between a row's two halves belongs to reviews (`{% vote_widget %}`): the catalog
knows nothing of votes.
"""

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from html import escape  # Django's escape() is this, behind layers that cost more than it

from django.conf import settings
from django.template.defaultfilters import floatformat
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import linebreaks
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext, ngettext, npgettext, pgettext

from catalog import ranking
from catalog.models import Framework, FrameworkQuerySet, is_chinese
from config.pagecache import CONTENT_VERSION_KEY, current_version
from config.rendering import Remembered, around_slug, reverse_once

MONOGRAM_COLOURS = 12
# What a ranking's row shows of a framework, its vote widget (reviews.widgets) included.
ROW_FIELDS = (
    "name",
    "slug",
    "status",
    "description",
    "summary_en",
    "upvotes",
    "downvotes",
    "review_count",
    "rating_sum",
)


@lru_cache(maxsize=4096)
def monogram(name: str, slug: str, size: str = "md") -> str:
    """Initials on a colour derived from the slug (the seed has no logos), remembered."""
    letters = "".join(ch for ch in name if ch.isalnum())
    initials = (letters[:1].upper() + letters[1:2].lower()) if letters else "?"
    colour = int(hashlib.sha1(slug.encode()).hexdigest(), 16) % MONOGRAM_COLOURS
    return mark_safe(
        f'<span class="monogram monogram-{escape(size)} monogram-c{colour}" aria-hidden="true">'
        f"{escape(initials)}</span>"
    )


def rating_words(average, count: int) -> SafeString:
    """The stars in words, "★ 4.2 out of 5 stars · 12 reviews", marked up (the msgid the
    templates had)."""
    return mark_safe(  # our own msgid, and numbers
        ngettext(
            '<span aria-hidden="true">★</span> <strong data-role="average">%(average)s</strong>'
            '<span class="visually-hidden"> out of 5 stars</span> · '
            '<span data-role="review-count">%(counter)s</span> review',
            '<span aria-hidden="true">★</span> <strong data-role="average">%(average)s</strong>'
            '<span class="visually-hidden"> out of 5 stars</span> · '
            '<span data-role="review-count">%(counter)s</span> reviews',
            count,
        )
        % {"average": floatformat(average, 1), "counter": count}
    )


def rating_line(average, count: int, link: str = "") -> SafeString:
    """The headline of `rating_summary`: the plain average and the count, or none yet."""
    if not count:
        none_yet = gettext("No reviews yet")
        return mark_safe(f'<p class="rating-line muted">{none_yet}</p>')
    words = rating_words(average, count)
    if link:
        words = f'<a href="{escape(link)}">{words}</a>'
    return mark_safe(f'<p class="rating-line">{words}</p>')


def rating_summary(average, count: int, bayesian=None, link: str = "") -> SafeString:
    """Stars in plain words, the same everywhere: the plain average with its count as the
    headline (`rating_line`) and, once reviewed, the rating that the "best reviewed" order sorts
    by (`bayesian`, when given), explained one tap away."""
    line = rating_line(average, count, link)
    if not count or bayesian is None:
        return line
    sorted_as = gettext("Sorted by rating as %(rating)s") % {"rating": floatformat(bayesian, 1)}
    pulled = gettext(
        "When sorting by rating, the average is pulled towards the average of all reviews on the "
        "site as if every framework had five more average reviews, so a single review cannot "
        "carry a framework to the top or the bottom. The headline is the plain average."
    )
    how = gettext("How the ranking works")
    about = reverse_once("catalog:about-ranking")
    return mark_safe(f"""{line}
  <details class="rating-more">
    <summary>{sorted_as}</summary>
    <p>{pulled} <a href="{about}#rating">{how}</a></p>
  </details>""")


def whole_percent(share) -> int:
    """0.783 -> 78 (a share shown as a whole percentage)."""
    return round((share or 0) * 100)


class Approvals:
    """A framework's votes in plain words, with how sure they are: "78% approve · 95% sure it is
    between 63% and 88% · 41 votes" (the share of its counted up-votes and the 95% interval around
    it, catalog.ranking.approval), the explanation one tap away (a disclosure, never a hover
    title). What every framework's says alike is translated once per page."""

    def __init__(self):
        self.no_votes, self.unvoted, self.how = _approval_words(
            get_language(), reverse_once("catalog:about-ranking")
        )

    def details(self, upvotes: int, downvotes: int) -> str:
        a = ranking.approval(upvotes, downvotes)
        if not a.votes:
            summary, more = self.no_votes, f"<p>{self.unvoted}</p>"
        else:
            low = whole_percent(a.low)
            summary = ngettext(
                '<strong data-role="approval-share">%(share)s%%</strong> approve · 95%% sure it '
                "is between %(low)s%% and %(high)s%% · %(counter)s vote",
                '<strong data-role="approval-share">%(share)s%%</strong> approve · 95%% sure it '
                "is between %(low)s%% and %(high)s%% · %(counter)s votes",
                a.votes,
            ) % {
                "share": whole_percent(a.share),
                "low": low,
                "high": whole_percent(a.high),
                "counter": a.votes,
            }
            counts = ngettext(
                "%(up)s up and %(down)s down from %(counter)s vote.",
                "%(up)s up and %(down)s down from %(counter)s votes.",
                a.votes,
            ) % {"up": upvotes, "down": downvotes, "counter": a.votes}
            sure = gettext(
                "The ranking uses the approval it can be 95%% sure of, at least %(sure)s%% here, "
                "so a few votes count for less than many."
            ) % {"sure": low}
            more = f"<p>{counts}\n      {sure}</p>"
        return f"""<details class="approval" data-role="approval">
  <summary>{summary}</summary>
  <div class="approval-more">
    {more}
    {self.how}
  </div>
</details>"""


@lru_cache(maxsize=16)
def _approval_words(language: str | None, about_ranking: str) -> tuple[str, str, str]:
    """What every approval says alike, in the active language (the key: looked up once each)."""
    how = gettext("How the ranking works")
    return (
        gettext("No votes yet"),
        gettext("Until people vote, frameworks keep the article's order."),
        f'<p><a href="{about_ranking}#approval">{how}</a></p>',
    )


def tag_list(tags, *, tags_url: str, label: str, language: str | None) -> SafeString:
    """A framework's tags as links to their pages, in `language`."""
    if not tags:
        return mark_safe("")
    links = "".join(
        f'<li><a class="tag" href="{tags_url}{escape(tag.slug)}/">'
        f"{escape(tag.text_for('name', language))}</a></li>"
        for tag in tags
    )
    return mark_safe(f'<ul class="tags" aria-label="{label}">{links}</ul>')


def seed_text(framework: Framework, name: str) -> SafeString:
    """The article's strengths or drawbacks (`name`): as written for Chinese readers; for others
    our translation, marked so, with the article's text one tap away as its source."""
    source = linebreaks(getattr(framework, name), autoescape=True)
    if framework.is_translated(name):
        translation = linebreaks(framework.text_for(name), autoescape=True)
        ours = gettext("Our translation. The article's text, in Chinese")
        return mark_safe(f"""<div class="seed-text seed-translation">{translation}</div>
  <details class="seed-source">
    <summary>{ours}</summary>
    <div class="seed-text" lang="zh-Hans">{source}</div>
  </details>""")
    shown = f'<div class="seed-text" lang="zh-Hans">{source}</div>'
    if getattr(framework, name) and not is_chinese():
        untranslated = gettext("Not translated yet: the article's text, in Chinese.")
        shown += f'\n  <p class="muted seed-untranslated">{untranslated}</p>'
    return mark_safe(shown)


def statistical_ties(frameworks, sort=None) -> set[int]:
    """Ids of the frameworks on this page that are a statistical tie with the one above them,
    when the list is ordered by votes (the default sort)."""
    if sort in FrameworkQuerySet.SORTS and sort != FrameworkQuerySet.DEFAULT_SORT:
        return set()
    approvals = [ranking.approval(f.upvotes, f.downvotes) for f in frameworks]
    flags = ranking.ties_with_previous(approvals)
    return {framework.pk for framework, tied in zip(frameworks, flags, strict=True) if tied}


# What each framework's row shows but its place and vote widget, by language, content version and
# framework: after a vote (a new page version, the content version unchanged) a ranking's rows are
# put together from these, not written again. A value is used only under the version it was made
# for, so every change to a framework, its tags or its reviews shows at once.
ROW_PARTS = Remembered(limit=8192)  # about 1.2 KB each: every framework in both languages


@dataclass(frozen=True)
class Row:
    framework: Framework
    head: SafeString  # from <li> to the vote widget
    tail: SafeString  # from the vote widget to </li>


class Rows:
    """Builds the rows of one page; what every row says is translated and escaped once."""

    def __init__(self):
        self.language = get_language()
        self.version = None  # the content version, when rows are kept under it
        if settings.PAGE_CACHE_SECONDS:
            self.version = current_version(CONTENT_VERSION_KEY)
        self.detail = around_slug("catalog:detail")
        self.tags_url = reverse("catalog:tag-list")
        self.tags_label = gettext("Tags")
        self.rank = gettext("Rank")
        self.compare = gettext("Compare")
        # gettext outside the f-strings, where makemessages finds the words
        tie, tie_note = (
            gettext("statistical tie"),
            gettext("with the one above: the votes cannot tell them apart"),
        )
        self.tie = (
            f'<p class="statistical-tie"><a href="{reverse("catalog:about-ranking")}#ties">'
            f'{tie}</a> <span class="muted">{tie_note}</span></p>'
        )

    def page(self, frameworks, *, start: int, sort=None, give_tags=None) -> list[Row]:
        """The rows of these frameworks, the first at place `start`. `give_tags(frameworks)`
        gives frameworks their `tag_list` (catalog.pages.give_tags, one query): called for those
        whose row is not kept, if any; without it, every framework has its `tag_list`."""
        frameworks = list(frameworks)
        parts = {}  # each framework's row but for its place and tie (_parts), kept or made now
        if self.version is not None:  # kept under the content version
            for framework in frameworks:
                found = ROW_PARTS.find(self._key(framework))
                if found is not None:
                    parts[framework.pk] = found
        missing = [framework for framework in frameworks if framework.pk not in parts]
        if missing and give_tags is not None:
            give_tags(missing)
        for framework in missing:
            parts[framework.pk] = self._parts(framework)
            if self.version is not None:
                ROW_PARTS.put(self._key(framework), parts[framework.pk])
        ties = statistical_ties(frameworks, sort)
        rows = []
        for position, framework in enumerate(frameworks, start=start):
            before, after, rating, end = parts[framework.pk]
            tie = self.tie if framework.pk in ties else ""
            head, tail = f"{before}{position}{after}", f"{rating}{tie}{end}"
            rows.append(Row(framework, mark_safe(head), mark_safe(tail)))
        return rows

    def _key(self, framework: Framework) -> tuple:
        return (self.language, self.version, framework.pk)

    def _parts(self, framework: Framework) -> tuple[str, str, str, str]:
        """The row but for its position and whether it ties with the row above: the head before
        and after the position, the tail before and after the tie. Nothing here follows votes:
        with the page cache on, they are kept under the content version (ROW_PARTS)."""
        slug, name = escape(framework.slug), escape(framework.name)
        link = f"{self.detail[0]}{framework.slug}{self.detail[1]}"
        url = escape(link)
        badge = ""
        if framework.status != Framework.Status.ACTIVE:
            badge = (
                f'<span class="badge badge-{escape(framework.status)}">'
                f"{escape(framework.get_status_display())}</span>"
            )
        tags = tag_list(
            framework.tag_list,
            tags_url=self.tags_url,
            label=self.tags_label,
            language=self.language,
        )
        before = f"""<li class="framework-row" id="framework-{slug}" data-slug="{slug}">
  <span class="position"><span class="visually-hidden">{self.rank} </span>"""
        after = f"""</span>
  {monogram(framework.name, framework.slug)}
  <div class="framework-main">
    <h2 class="framework-name"><a href="{url}">{name}</a>
      {badge}
    </h2>
    <p class="summary">{escape(framework.text_for("summary", self.language))}</p>
    {tags}
  </div>
  <div class="framework-numbers">
    """
        rating = rating_line(framework.average_rating, framework.review_count, f"{link}#reviews")
        pick = (
            f'<input type="checkbox" name="f" value="{slug}" form="compare-form"> {self.compare}'
            f'<span class="visually-hidden"> {name}</span>'
        )
        end = f"""
    <label class="compare-pick">{pick}</label>
  </div>
</li>
"""
        return before, after, f"\n    {rating}\n    ", end


# A framework's page: the lines of its lists, like the ranking's rows.


def aspect_items(scores) -> SafeString:
    """A framework's aspects (catalog.aspects): a bar and the average once enough reviews rated
    one, else how many did."""
    items = []
    for score in scores:
        if score.shown:
            figure = ngettext(
                "%(average)s / 5 from %(counter)s review",
                "%(average)s / 5 from %(counter)s reviews",
                score.count,
            ) % {"average": floatformat(score.average, 1), "counter": score.count}
            shown = f"""<svg class="aspect-bar" viewBox="0 0 100 10" preserveAspectRatio="none" \
aria-hidden="true" focusable="false">
            <rect class="histogram-track" x="0" y="0" width="100" height="10"></rect>
            <rect class="histogram-fill" x="0" y="0" width="{score.percent}" height="10"></rect>
          </svg>
          <span class="aspect-figure" data-role="aspect-average">{figure}</span>"""
        else:
            figure = ngettext(
                "%(counter)s rating so far; shown from %(minimum)s",
                "%(counter)s ratings so far; shown from %(minimum)s",
                score.count,
            ) % {"counter": score.count, "minimum": score.minimum}
            shown = f'<span class="aspect-figure muted" data-role="aspect-too-few">{figure}</span>'
        items.append(f"""
      <li class="aspect-row" data-aspect="{score.key}">
        <span class="aspect-label">{escape(str(score.aspect.label))}</span>
        {shown}
      </li>""")
    return mark_safe("".join(items))


def alternative_items(framework: Framework, alternatives) -> SafeString:
    """The lines of a framework's alternatives (catalog.compare): each linked, with the tags it
    shares and a link to compare the two."""
    language = get_language()
    detail = around_slug("catalog:detail")
    compare = f"{reverse('catalog:compare')}?f={escape(framework.slug)}&amp;f="
    in_common = escape(gettext("In common:"))
    separator = escape(pgettext("list separator", ", "))
    compare_with = escape(gettext("Compare with"))
    items = []
    for alternative in alternatives:
        other = alternative.framework
        slug, name = escape(other.slug), escape(other.name)
        badge = ""
        if other.status != Framework.Status.ACTIVE:
            badge = (
                f'<span class="badge badge-{escape(other.status)}">'
                f"{escape(other.get_status_display())}</span>"
            )
        shared = separator.join(
            f'<span class="tag-name">{escape(tag.text_for("name", language))}</span>'
            for tag in alternative.shared_tags
        )
        items.append(f"""
        <li class="alternative" data-slug="{slug}">
          {monogram(other.name, other.slug)}
          <div>
            <a class="alternative-name" href="{detail[0]}{slug}{detail[1]}">{name}</a>
            {badge}
            <p class="shared-tags muted">{in_common} {shared}</p>
          </div>
          <a class="button button-secondary button-small compare-with" href="{compare}{slug}">\
{compare_with}<span class="visually-hidden"> {name}</span></a>
        </li>""")
    return mark_safe("".join(items))


def switch_items(others) -> SafeString:
    """Frameworks people switched from or to, each linked, with how many reviews say so
    (`switch_count`)."""
    detail = around_slug("catalog:detail")
    items = []
    for other in others:
        reviews = ngettext("%(counter)s review", "%(counter)s reviews", other.switch_count) % {
            "counter": other.switch_count
        }
        link = f'<a href="{detail[0]}{escape(other.slug)}{detail[1]}">{escape(other.name)}</a>'
        items.append(f'\n      <li>{link}\n        <span class="muted">{reviews}</span></li>')
    return mark_safe("".join(items))


def tag_cloud(tags) -> SafeString:
    """Every tag in use (`tags_in_use()`), each linked to its page with how many frameworks
    carry it, in the visitor's language."""
    language = get_language()
    tag_page = around_slug("catalog:tag-detail")
    items = []
    for tag in tags:
        count = tag.framework_count
        frameworks = npgettext("carrying a tag", "framework", "frameworks", count)
        items.append(
            f'\n    <li><a class="tag" href="{tag_page[0]}{escape(tag.slug)}{tag_page[1]}">'
            f'{escape(tag.text_for("name", language))} <span class="tag-count">{count}'
            f'<span class="visually-hidden"> {escape(frameworks)}</span></span></a></li>'
        )
    return mark_safe("".join(items))


# The compare table: its cells and rows, like the ranking's rows. `comparison` is what
# catalog.compare.comparison_of gives: the frameworks in their columns' order, and `best`, the
# ids of those that lead each measure.


def compare_head_cells(frameworks) -> SafeString:
    """The head of each compared framework's column: its monogram, name (linked) and status."""
    detail = around_slug("catalog:detail")
    cells = []
    for framework in frameworks:
        slug = escape(framework.slug)
        badge = ""
        if framework.status != Framework.Status.ACTIVE:
            badge = (
                f'<span class="badge badge-{escape(framework.status)}">'
                f"{escape(framework.get_status_display())}</span>"
            )
        cells.append(f"""
            <th scope="col" class="compare-framework" data-slug="{slug}">
              {monogram(framework.name, framework.slug)}
              <a href="{detail[0]}{slug}{detail[1]}">{escape(framework.name)}</a>
              {badge}
            </th>""")
    return mark_safe("".join(cells))


def compare_rank_cells(comparison) -> SafeString:
    """Each compared framework's place in the ranking, the highest marked."""
    best, mark = comparison.best.get("rank", ()), best_mark()
    cells = []
    for framework in comparison.frameworks:
        place = f'<strong class="rank-number">#{framework.position}</strong>'
        cells.append(f"\n          <td>{place}{' ' + mark if framework.pk in best else ''}</td>")
    return mark_safe("".join(cells))


def compare_rating_cells(comparison) -> SafeString:
    """Each compared framework's stars (`rating_summary`), linked to its reviews, the best
    reviewed marked."""
    best, mark = comparison.best.get("rating", ()), best_mark()
    detail = around_slug("catalog:detail")
    cells = []
    for framework in comparison.frameworks:
        link = f"{detail[0]}{framework.slug}{detail[1]}#reviews"
        stars = rating_summary(
            framework.average_rating, framework.review_count, framework.bayesian_rating, link
        )
        cells.append(f"\n          <td>{stars}{mark if framework.pk in best else ''}</td>")
    return mark_safe("".join(cells))


def best_mark() -> SafeString:
    """The mark of the framework that leads a row of the compare table (catalog/_best.html)."""
    return render_to_string("catalog/_best.html")


def compare_aspect_rows(aspect_rows) -> SafeString:
    """One row per aspect (Comparison.aspect_rows): each framework's average and how many rated
    it, the leader marked (`best_mark`), or that too few did."""
    best = best_mark()
    rows = []
    for aspect, scores in aspect_rows:
        cells = []
        for score in scores:
            if score.shown:
                reviews = ngettext("(%(counter)s review)", "(%(counter)s reviews)", score.count) % {
                    "counter": score.count
                }
                mark = f"\n                {best}" if score.is_best else ""
                figure = f"""
                <strong>{floatformat(score.average, 1)}</strong> / 5
                <span class="muted">{reviews}</span>{mark}
              """
            else:
                too_few = ngettext(
                    "%(counter)s rating, too few", "%(counter)s ratings, too few", score.count
                ) % {"counter": score.count}
                figure = f'<span class="muted">{too_few}</span>'
            shown = ' class="is-best"' if score.is_best else ""
            cells.append(f"\n            <td{shown}>{figure}</td>")
        rows.append(f"""
          <tr class="compare-aspect" data-aspect="{aspect.key}">
            <th scope="row">{escape(str(aspect.label))}</th>{"".join(cells)}
          </tr>""")
    return mark_safe("".join(rows))


def compare_tag_cells(frameworks, shared_ids) -> SafeString:
    """Each compared framework's tags, linked, those it shares with another marked."""
    language = get_language()
    tags_url = reverse("catalog:tag-list")
    shared = escape(gettext("shared"))  # outside the f-string, where makemessages finds it
    shared_note = f'<span class="visually-hidden"> ({shared})</span>'
    cells = []
    for framework in frameworks:
        if not framework.tag_list:
            cells.append('\n            <td><span class="muted">—</span></td>')
            continue
        links = "".join(
            f'<li><a class="tag{" is-shared" if tag.pk in shared_ids else ""}" '
            f'href="{tags_url}{escape(tag.slug)}/">{escape(tag.text_for("name", language))}'
            f"{shared_note if tag.pk in shared_ids else ''}</a></li>"
            for tag in framework.tag_list
        )
        cells.append(
            f'\n            <td><ul class="tags">\n              {links}\n            </ul></td>'
        )
    return mark_safe("".join(cells))


# A framework's page: its facts and where it stands (were catalog/_facts.html and _why_rank.html).


def facts(framework: Framework) -> SafeString:
    """The official site, the source code and the install line, and where they come from."""
    website = escape(framework.website)
    # gettext outside the f-strings, where makemessages finds the words
    site, source, install = (
        gettext("Official site"),
        gettext("Source code"),
        gettext("Install"),
    )
    items = [
        f"<dt>{site}</dt>\n"
        f'  <dd class="website"><a href="{website}" rel="noopener" target="_blank">'
        f"{website}</a></dd>"
    ]
    if framework.repository:
        repository = escape(framework.repository)
        items.append(
            f"<dt>{source}</dt>\n"
            f'  <dd class="repository"><a href="{repository}" rel="noopener" target="_blank" '
            f'translate="no">{repository}</a></dd>'
        )
    if framework.pypi_name:
        items.append(
            f"<dt>{install}</dt>\n  <dd><code>pip install {escape(framework.pypi_name)}</code></dd>"
        )
    curated = gettext("Name, links and tags: curated by PyWebRank.")
    article = ""
    if framework.article_name:
        article = gettext(
            'The article calls it “<span translate="no">%(name)s</span>” and links to '
            '<span class="website">%(url)s</span>.'
        ) % {"name": escape(framework.article_name), "url": escape(framework.article_website)}
    listed = "\n  ".join(items)
    return mark_safe(f"""<dl class="facts">
  {listed}
</dl>
<p class="muted facts-source">{curated}
  {article}</p>""")


def why_rank(framework: Framework, why, neighbour) -> SafeString:
    """Its votes in words and what it would take to climb past the one above (`why`, a
    catalog.ranking.RankReason; `neighbour`, that framework, or None at the top)."""
    if framework.vote_count:
        share = round(framework.upvotes / framework.vote_count * 100)
        votes = ngettext(
            "%(up)s up and %(down)s down from %(counter)s vote: %(share)s%% approve.",
            "%(up)s up and %(down)s down from %(counter)s votes: %(share)s%% approve.",
            framework.vote_count,
        ) % {
            "up": framework.upvotes,
            "down": framework.downvotes,
            "counter": framework.vote_count,
            "share": share,
        }
    elif framework.seed_rank:
        votes = gettext("Nobody has voted yet, so it keeps its place from the article's order.")
    else:
        votes = gettext(
            "Nobody has voted yet. It was added after the article, so it comes after the "
            "article's frameworks that have no votes either, by name."
        )
    lines = [f"<p>{votes}</p>"]
    if neighbour:
        name = escape(neighbour.name)
        above = gettext('Next above: <a href="%(url)s">%(name)s</a>.') % {
            "url": escape(neighbour.get_absolute_url()),
            "name": name,
        }
        lines.append(f"<p>{above}</p>")
        if why.is_tied:
            tie = gettext(
                "It stands level with %(name)s; level frameworks are ordered by fewer down-votes, "
                "then the article's order, then the name, and that puts %(name)s first."
            ) % {"name": name}
            lines.append(f'<p class="why-tie">{tie}</p>')
        if why.out_of_reach:
            climb = gettext(
                "No realistic number of extra up-votes would lift it past %(name)s."
            ) % {"name": name}
            lines.append(f'<p class="why-climb">{climb}</p>')
        else:
            climb = ngettext(
                "%(counter)s more up-vote, with no new down-votes, would lift it past %(name)s.",
                "%(counter)s more up-votes, with no new down-votes, would lift it past %(name)s.",
                why.upvotes_needed,
            ) % {"counter": why.upvotes_needed, "name": name}
            lines.append(f'<p class="why-climb">{climb}</p>')
    else:
        top = gettext("Nothing is placed above it: it leads the ranking.")
        lines.append(f'<p class="why-top">{top}</p>')
    return mark_safe("\n".join(lines))


# A framework's page: its panels (were catalog/_aspects.html, _alternatives.html, _switches.html
# and _switch_list.html). Translated words go in unescaped, as {% translate %} left them.


def aspects_panel(scores) -> SafeString:
    """The averages of the reviewers' ratings per aspect (`aspect_items`), with what they mean."""
    heading = gettext("Rated by reviewers")
    note = gettext(
        "Averages of the optional ratings in reviews; 5 is best (for the learning curve, 5 means "
        "easiest)."
    )
    return mark_safe(f"""<section class="panel aspects" id="aspects" \
aria-labelledby="aspects-heading" data-role="aspects">
  <h2 id="aspects-heading">{heading}</h2>
  <ul class="aspect-list">
    {aspect_items(scores)}
  </ul>
  <p class="muted aspect-note">{note}</p>
</section>""")


def alternatives_panel(framework: Framework, alternatives) -> SafeString:
    """A framework's alternatives (`alternative_items`), or that no other shares a tag."""
    heading = gettext("Alternatives")
    if alternatives:
        how = gettext("Other frameworks with the most tags in common, then the highest ranked.")
        shown = f"""<p class="muted">{how}</p>
    <ol class="alternative-list">
      {alternative_items(framework, alternatives)}
    </ol>"""
    else:
        none = gettext("No other framework shares a tag with this one.")
        shown = f'<p class="muted">{none}</p>'
    return mark_safe(f"""<section class="panel alternatives" \
aria-labelledby="alternatives-heading">
  <h2 id="alternatives-heading">{heading}</h2>
  {shown}
</section>""")


def switches_panel(framework: Framework, came_from, moved_on_to) -> SafeString:
    """The frameworks people came from and moved on to (`switch_items`, each with its count of
    reviews), when there are any."""
    if not (came_from or moved_on_to):
        return mark_safe("")
    name = escape(framework.name)
    heading = gettext("Switching")
    counted = gettext(
        "Counted from published reviews that name the framework the reviewer switched from."
    )
    columns = []
    if came_from:
        title = gettext("People came to %(name)s from") % {"name": name}
        columns.append(_switch_list("came-from", title, came_from))
    if moved_on_to:
        title = gettext("People moved on from %(name)s to") % {"name": name}
        columns.append(_switch_list("moved-on", title, moved_on_to))
    return mark_safe(f"""<section class="panel switches" aria-labelledby="switches-heading">
  <h2 id="switches-heading">{heading}</h2>
  <p class="muted">{counted}</p>
  <div class="switch-columns">
    {"".join(columns)}
  </div>
</section>""")


def _switch_list(css_class: str, heading: str, others) -> str:
    return f"""
<div class="{css_class}">
  <h3>{heading}</h3>
  <ul>
    {switch_items(others)}
  </ul>
</div>
"""
