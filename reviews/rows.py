"""A page of reviews on a framework's page, put together in Python.

Like the ranking's rows (catalog.rows): ten reviews of a dozen values each cost more in the
template language than the queries behind them, so each review is put together here, with what
every review says alike (translated words, URL patterns) looked up once per page. The helpful
button under each review is reviews.widgets'.
"""

from html import escape  # Django's escape() is this, behind layers that cost more than it

from django.template.defaultfilters import linebreaksbr
from django.utils import formats
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import localtime
from django.utils.translation import gettext, ngettext

from catalog.aspects import ASPECTS
from catalog.rows import rating_summary
from config.rendering import around_arg, pagination, reverse_once, reverse_slug, url_part
from reviews.forms import REVIEW_SORT_CHOICES
from reviews.widgets import HelpfulButtons


def stars(rating) -> str:
    """4 -> ★★★★☆"""
    filled = max(0, min(5, int(rating or 0)))
    return "★" * filled + "☆" * (5 - filled)


class ReviewArticles:
    """The reviews of one page of a framework's reviews, as one visitor sees them: their own with
    links to edit and delete it, the others' with a link to report them."""

    def __init__(self, request, framework, *, back: str, csrf_token=None):
        self.user_pk = request.user.pk
        self.helpful = HelpfulButtons(request, back=back, csrf_token=csrf_token)
        self.profile = around_arg("reviews:profile")
        self.report = around_arg("reviews:report")
        self.delete = around_arg("reviews:review-delete")
        self.edit = escape(reverse_slug("reviews:review-edit", framework.slug))
        # gettext with the words written out, where makemessages finds them
        self.words = {
            key: escape(text)
            for key, text in (
                ("switched", gettext("switched from")),
                ("pros", gettext("Pros")),
                ("cons", gettext("Cons")),
                ("edit", gettext("Edit")),
                ("delete", gettext("Delete")),
                ("report", gettext("Report")),
            )
        }
        self.out_of_five = gettext("%(rating)s out of 5 stars")
        self.by = gettext('by <a class="review-author" href="%(url)s">%(name)s</a>')
        self.version = gettext("version %(version)s")
        self.aspect = gettext("%(value)s / 5")
        self.aspects = [(a.key, escape(str(a.label))) for a in ASPECTS]

    def render(self, reviews, marks) -> SafeString:
        """The reviews, each with its helpful button pressed when its id is in `marks`."""
        return mark_safe("".join(self.article(review, marks) for review in reviews))

    def article(self, review, marks) -> str:
        pk, name = review.pk, review.user.get_username()
        url = f"{self.profile[0]}{url_part(name)}{self.profile[1]}"
        author = self.by % {"url": escape(url), "name": escape(name)}
        created = localtime(review.created_at)
        meta = f"""{author}
              · <time datetime="{created.isoformat()}">\
{formats.date_format(created, "DATE_FORMAT")}</time>"""
        if review.version_used:
            version = self.version % {"version": escape(review.version_used)}
            meta += f'\n              · <span data-role="version-used">{version}</span>'
        if review.switched_from:
            other = review.switched_from
            link = f'<a href="{escape(other.get_absolute_url())}">{escape(other.name)}</a>'
            meta += f"\n              · {self.words['switched']} {link}"
        rating = self.out_of_five % {"rating": review.rating}
        return f"""
        <article class="review" id="review-{pk}">
          <header class="review-header">
            <p class="stars" role="img" aria-label="{rating}"><span aria-hidden="true">\
{stars(review.rating)}</span></p>
            <h3 class="review-title">{escape(review.title)}</h3>
            <p class="review-meta muted">
              {meta}
            </p>
          </header>
          <div class="review-body">{review.body_html}</div>\
{self._aspects(review)}{self._pros_cons(review)}
          <footer class="review-actions">
            {self.helpful.render(review, marks)}
            {self._actions(review)}
          </footer>
        </article>"""

    def _aspects(self, review) -> str:
        rated = [
            f'<div><dt>{label}</dt><dd data-aspect="{key}">'
            f"{self.aspect % {'value': getattr(review, key)}}</dd></div>"
            for key, label in self.aspects
            if getattr(review, key) is not None
        ]
        if not rated:
            return ""
        return f"""
          <dl class="review-aspects" data-role="review-aspects">
            {"".join(rated)}
          </dl>"""

    def _pros_cons(self, review) -> str:
        if not (review.pros or review.cons):
            return ""
        pros = cons = ""
        if review.pros:
            pros = f'<dt class="pros">{self.words["pros"]}</dt><dd>{linebreaksbr(review.pros)}</dd>'
        if review.cons:
            cons = f'<dt class="cons">{self.words["cons"]}</dt><dd>{linebreaksbr(review.cons)}</dd>'
        return f"""
          <dl class="review-pros-cons">
            {pros}
            {cons}
          </dl>"""

    def _actions(self, review) -> str:
        if review.user_id == self.user_pk:
            delete = f"{self.delete[0]}{review.pk}{self.delete[1]}"
            return (
                f'<a href="{self.edit}">{self.words["edit"]}</a>\n'
                f'              <a class="danger-link" href="{delete}">{self.words["delete"]}</a>'
            )
        report = f"{self.report[0]}{review.pk}{self.report[1]}"
        return f'<a class="report-link" href="{report}" rel="nofollow">{self.words["report"]}</a>'


def histogram(bars) -> SafeString:
    """The rows of a framework's star histogram (selectors.RatingSummary.bars)."""
    rows = []
    for bar in bars:
        label = ngettext("%(counter)s star", "%(counter)s stars", bar.stars) % {
            "counter": bar.stars
        }
        rows.append(f"""
          <li class="histogram-row" data-stars="{bar.stars}">
            <span class="histogram-label">{label}</span>
            <svg class="histogram-bar" viewBox="0 0 100 10" preserveAspectRatio="none" \
aria-hidden="true" focusable="false">
              <rect class="histogram-track" x="0" y="0" width="100" height="10"></rect>
              <rect class="histogram-fill" x="0" y="0" width="{bar.percent}" height="10"></rect>
            </svg>
            <span class="histogram-count" data-role="histogram-count">{bar.count}</span>
          </li>""")
    return mark_safe("".join(rows))


def sort_links(query, sort: str) -> SafeString:
    """Links to the framework's reviews in each order, the current one marked; each keeps the
    page's other query parameters (`query`, request.GET) and goes back to the first page."""
    params = query.copy()
    params.pop("rpage", None)
    links = []
    for key, label in REVIEW_SORT_CHOICES:
        params["rsort"] = key
        current = ' aria-current="true"' if key == sort else ""
        links.append(
            f'\n        <a href="?{escape(params.urlencode())}#reviews"{current}>'
            f"{escape(str(label))}</a>"
        )
    return mark_safe("".join(links))


def framework_section(request, framework, reviews, *, csrf_token=None) -> SafeString:
    """The reviews section of a framework's page (selectors.framework_reviews): the button to
    write or edit one's review, the stars and their histogram, the sort links, a page of reviews
    (`ReviewArticles`) and its pagination, the feed and the moderation log."""
    summary, page = reviews.summary, reviews.page
    edit = escape(reverse_slug("reviews:review-edit", framework.slug))
    log = reverse_once("reviews:moderation-log")
    # gettext outside the f-strings, where makemessages finds the words
    heading = gettext("Reviews")
    if summary.my_status:
        words = gettext("Edit your review")
        write = f'<a class="button button-secondary" href="{edit}">{words}</a>'
    else:
        words = gettext("Write a review")
        write = f'<a class="button" href="{edit}">{words}</a>'
    hidden = ""
    if summary.my_status == "hidden":
        hidden_words = gettext(  # blocktranslate's words, unescaped as it left them
            "A curator has hidden your review; only you can see it, on its edit page."
        )
        see_log = gettext("See the moderation log")
        hidden = (
            f'<p class="message message-warning" role="status" data-role="my-review-hidden">'
            f'{hidden_words} <a href="{log}">{see_log}</a></p>'
        )
    if summary.count:
        figures = rating_summary(summary.average, summary.count, summary.bayesian)
        by_stars = gettext("Reviews by stars")
        shown = f"""
      <div class="rating-figures">
        {figures}
      </div>
      <ol class="histogram" aria-label="{by_stars}">
        {histogram(summary.bars)}
      </ol>
    """
    else:
        no_reviews = gettext("No reviews yet. Be the first to say how it went.")
        shown = f'\n      <p class="empty">{no_reviews}</p>\n    '
    listed = ""
    if page.object_list:
        sort_label, sort_words = gettext("Sort reviews"), gettext("Sort:")
        back = request.get_full_path()
        articles = ReviewArticles(request, framework, back=back, csrf_token=csrf_token)
        label = gettext("Pages of reviews")
        pages = pagination(page, request.GET, param="rpage", anchor="#reviews", label=label)
        listed = f"""
    <nav class="review-sort" aria-label="{sort_label}">
      <span class="muted">{sort_words}</span>
      {sort_links(request.GET, reviews.sort)}
    </nav>
    <div class="review-list">
      {articles.render(page.object_list, reviews.marks)}
    </div>
    {pages}
  """
    feed = reverse_slug("reviews:framework-feed", framework.slug)
    feed_words, log_words = (
        gettext("Atom feed of these reviews"),
        gettext("Moderation log"),
    )
    return mark_safe(f"""<section class="panel framework-reviews" id="reviews" \
aria-labelledby="reviews-heading">
  <div class="reviews-head">
    <h2 id="reviews-heading">{heading}</h2>
    {write}
  </div>
  {hidden}

  <div class="rating-summary" data-role="rating-summary">{shown}</div>
{listed}
  <p class="feed-link"><a href="{feed}">{feed_words}</a>
    · <a href="{log}">{log_words}</a></p>
</section>
""")
