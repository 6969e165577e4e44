"""The vote widget: one framework's vote buttons with their counts, its approval in plain words
and the visitor's own vote; and the helpful button under each review.

Put together in Python rather than a template, like the ranking's rows (catalog.rows) they sit
in: a ranking shows twenty widgets, a page of reviews ten buttons, and what they all say alike
(URLs, translated words, the CSRF field) is looked up once per page. Logged-in visitors get a form
that POSTs to the vote view (with htmx, `hx-post`; the view renders the widget again, out of band,
so every copy of this framework's widget on the page updates; without JavaScript it redirects
back to `back`). Anonymous visitors get links instead: log in, then confirm the same vote.
"""

from functools import lru_cache
from html import escape  # Django's escape() is this, behind layers that cost more than it
from typing import NamedTuple
from urllib.parse import quote, quote_plus, urlencode

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext, ngettext

from catalog.rows import Approvals
from config.pagecache import VERSION_KEY, LocalPages, current_version
from config.rendering import around_arg, around_slug, reverse_slug
from reviews import selectors
from reviews.models import Vote

# (value, its name in forms and links, its arrow, the framework's counter shown beside it)
VOTES = ((Vote.UP, "up", "▲", "upvotes"), (Vote.DOWN, "down", "▼", "downvotes"))


class Shown(NamedTuple):
    """What a vote widget shows of a framework: kept with a shared fragment (config.fragments)
    to render the widget again for a visitor who voted on it."""

    pk: int
    slug: str
    name: str
    upvotes: int
    downvotes: int

    @classmethod
    def of(cls, framework) -> "Shown":
        return cls(
            framework.pk, framework.slug, framework.name, framework.upvotes, framework.downvotes
        )


class LoginToVote:
    """Log-in links that carry a vote: after logging in, one POST casts it, then back to `back`.

    `for_slug(slug)` gives the same links as quoting `reverse(...)` for every framework, but the
    quoting is done once per page: only the slug differs, and a slug is never quoted.
    """

    def __init__(self, back: str):
        login = reverse("login")
        head, tail = around_slug("reviews:vote-confirm")
        self._halves = {
            value: (
                f"{login}?next={quote_plus(head)}",
                quote_plus(f"{tail}?{urlencode({'value': value, 'next': back})}"),
            )
            for value in ("up", "down")
        }

    def for_slug(self, slug: str) -> dict[str, str]:
        return {value: f"{head}{slug}{tail}" for value, (head, tail) in self._halves.items()}


def csrf_field(csrf_token) -> str:
    """The CSRF field as {% csrf_token %} renders it; nothing without a token (anonymous visitors
    have no cookie, and the token is never asked for them)."""
    if csrf_token in (None, "", "NOTPROVIDED"):
        return ""
    return f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(str(csrf_token))}">'


def rate_limited(retry_minutes) -> str:
    """The message that a widget's action was refused for being repeated too often."""
    if not retry_minutes:
        return ""
    message = render_to_string("includes/rate_limited.html", {"retry_minutes": retry_minutes})
    return f'<p class="message message-error limit-message" role="alert">{message}</p>'


@lru_cache(maxsize=16)
def _words(language: str | None, logged_in: bool) -> tuple[dict, dict]:
    """The widgets' labels and own-vote lines in the active language (the key), looked up once."""
    if not logged_in:
        labels = {
            "up": gettext("Log in to vote %(name)s up; up-votes:"),
            "down": gettext("Log in to vote %(name)s down; down-votes:"),
        }
        return labels, {}
    labels = {
        "up": gettext("Vote %(name)s up; up-votes:"),
        "down": gettext("Vote %(name)s down; down-votes:"),
        "take-back-up": gettext("Take back your up-vote on %(name)s; up-votes:"),
        "take-back-down": gettext("Take back your down-vote on %(name)s; down-votes:"),
    }
    return labels, {Vote.UP: gettext("You voted up"), Vote.DOWN: gettext("You voted down")}


class VoteWidgets:
    """The vote widgets of one page, for one visitor, whose forms send them back to `back`."""

    def __init__(self, request, *, back: str, csrf_token=None):
        self.request = request
        self.logged_in = request.user.is_authenticated
        self.back = back
        self.approvals = Approvals()
        self.labels, self.voted = _words(get_language(), self.logged_in)
        if self.logged_in:
            self.hidden = f'<input type="hidden" name="next" value="{escape(back)}">'
            self.csrf = csrf_field(csrf_token)
        else:
            self.login_to_vote = LoginToVote(back)

    def render(self, framework, votes, *, oob=False, retry_minutes=None) -> SafeString:
        """The widget for `framework`, with the visitor's own vote from `votes` (user_votes)."""
        slug = escape(framework.slug)
        my_vote = votes.get(framework.pk)
        swap = f" hx-swap-oob=\"outerHTML:.vote-widget[data-framework='{slug}']\"" if oob else ""
        if self.logged_in:
            url = reverse_slug("reviews:vote", slug)
            buttons = "".join(self._button(framework, slug, my_vote, *vote) for vote in VOTES)
            controls = f"""<form class="vote-buttons" method="post" action="{url}"
        hx-post="{url}" hx-swap="none">
    {self.csrf}
    {self.hidden}{buttons}
  </form>"""
        else:
            links = self.login_to_vote.for_slug(slug)
            buttons = "".join(self._link(framework, links, *vote) for vote in VOTES)
            controls = f'<div class="vote-buttons">{buttons}\n  </div>'
        widget = f'<div class="vote-widget" id="vote-{slug}" data-framework="{slug}"{swap}>'
        return mark_safe(f"""{widget}
  {controls}
  {self.approvals.details(framework.upvotes, framework.downvotes)}
  {rate_limited(retry_minutes)}
  {self._own(framework, votes, my_vote)}
</div>""")

    def _button(self, framework, slug, my_vote, value, key, arrow, count) -> str:
        pressed = my_vote == value
        label = self.labels[f"take-back-{key}" if pressed else key]
        state = (
            f'value="clear" id="vote-{slug}-{key}"\n            class="vote-button vote-{key} '
            'is-active" aria-pressed="true"'
            if pressed
            else f'value="{key}" id="vote-{slug}-{key}"\n            class="vote-button '
            f'vote-{key}" aria-pressed="false"'
        )
        return f"""
    <button type="submit" name="value" {state}>
      <span aria-hidden="true">{arrow}</span>
      <span class="visually-hidden">{label % {"name": escape(framework.name)}}</span>
      <span class="vote-count" data-role="{count}">{getattr(framework, count)}</span>
    </button>"""

    def _link(self, framework, links, value, key, arrow, count) -> str:
        return f"""
    <a class="vote-button vote-{key}" rel="nofollow" href="{escape(links[key])}">
      <span aria-hidden="true">{arrow}</span>
      <span class="visually-hidden">{self.labels[key] % {"name": escape(framework.name)}}</span>
      <span class="vote-count" data-role="{count}">{getattr(framework, count)}</span>
    </a>"""

    def _own(self, framework, votes, my_vote) -> str:
        """The visitor's own vote, and why it is not counted yet when it is held."""
        if not my_vote:
            return ""
        own = f'<p class="my-vote" data-role="my-vote">{self.voted[my_vote]}</p>'
        if framework.pk in votes.held:
            own += render_to_string("reviews/_vote_held.html", {"my_votes": votes}, self.request)
        return own


# A visitor's own widgets per shared fragment and page version (config.fragments): every change to
# anyone's votes or standing makes a new page version, so these hold as long as the version does.
OWN_WIDGETS = LocalPages(limit=4 * 1024 * 1024)
NO_VOTES = selectors.UserVotes()  # a visitor who has not voted on any of them


def own_votes(request, fragment) -> dict:
    """The vote widgets of a shared fragment (config.fragments) as this visitor sees them:
    those of the frameworks they voted on (their votes in one query, when logged in) and, in a
    lasting fragment, every one with its counts as they are now (one query). Kept in this process
    under the page version: {framework id: HTML, as bytes}."""
    user = request.user
    if not (fragment.lasting or user.is_authenticated):
        return {}
    version = current_version(VERSION_KEY)
    key = f"{fragment.placeholder}:{user.pk}"  # the placeholder: this fragment and no other
    own = OWN_WIDGETS.get(key, version)
    if own is None:
        own = _own_widgets(request, fragment)
        if settings.PAGE_CACHE_SECONDS:
            size = 100 + sum(len(html) for html in own.values())
            OWN_WIDGETS.put(key, version, own, size, settings.PAGE_CACHE_SECONDS)
    return own


def _own_widgets(request, fragment) -> dict:
    shown = {pk: Shown._make(data) for pk, data in fragment.shown().items()}
    if fragment.lasting:
        for pk, up, down in selectors.vote_counts(list(shown)):
            shown[pk] = shown[pk]._replace(upvotes=up, downvotes=down)
    votes = NO_VOTES
    if request.user.is_authenticated:
        votes = selectors.user_votes_on(request.user, list(shown))
    redone = shown if fragment.lasting else votes
    if not redone:
        return {}
    widgets = VoteWidgets(request, back=request.get_full_path(), csrf_token=fragment.placeholder)
    return {pk: widgets.render(shown[pk], votes).encode() for pk in redone}


class HelpfulButtons:
    """The helpful buttons of one page of reviews, for one visitor, whose forms (and log-in links)
    send them back to `back`, at the review. A visitor's own review shows its count only; anonymous
    visitors get a link to log in; others a form that POSTs the toggle (with htmx, the view sends
    the button back in place)."""

    def __init__(self, request, *, back: str, csrf_token=None):
        self.user_pk = request.user.pk
        self.logged_in = request.user.is_authenticated
        self.helpful = escape(gettext("Helpful"))
        if self.logged_in:
            self.toggle = around_arg("reviews:helpful-toggle")
            self.csrf = csrf_field(csrf_token)
            self.hidden = f'<input type="hidden" name="next" value="{escape(back)}">'
            self.marked = escape(gettext("Helpful (you)"))
            self.titles = {
                True: escape(gettext("Take back your helpful mark")),
                False: escape(gettext("Mark this review helpful")),
            }
        else:
            self.login = f"{reverse('login')}?next={escape(quote(back, safe='/'))}%23review-"
            self.log_in = escape(gettext("log in to mark it"))

    def render(self, review, marks, *, retry_minutes=None) -> SafeString:
        """The button for `review`, pressed when its id is in `marks` (the visitor's marks)."""
        count = review.helpful_count
        if review.user_id == self.user_pk:
            static = ngettext(
                '<span data-role="helpful-count">%(counter)s</span> person found this helpful',
                '<span data-role="helpful-count">%(counter)s</span> people found this helpful',
                count,
            ) % {"counter": count}
            inner = f'<span class="helpful-static">{static}</span>'
        elif not self.logged_in:
            inner = f"""<a class="helpful-button" rel="nofollow" href="{self.login}{review.pk}">\
{self.helpful}<span class="visually-hidden"> ({self.log_in})</span>
      <span class="helpful-count" data-role="helpful-count">{count}</span></a>"""
        else:
            url = f"{self.toggle[0]}{review.pk}{self.toggle[1]}"
            marked = review.pk in marks
            label = self.marked if marked else self.helpful
            inner = f"""<form method="post" action="{url}"
          hx-post="{url}" hx-target="#helpful-{review.pk}" hx-swap="outerHTML">
      {self.csrf}
      {self.hidden}
      <button type="submit" class="helpful-button{" is-active" if marked else ""}"
              aria-pressed="{"true" if marked else "false"}"
              title="{self.titles[marked]}">
        {label}
        <span class="helpful-count" data-role="helpful-count">{count}</span>
      </button>
    </form>
    {rate_limited(retry_minutes)}"""
        return mark_safe(f"""<div class="helpful" id="helpful-{review.pk}">
  {inner}
</div>""")
