from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.http import HttpResponseClientRedirect

from catalog.models import Framework
from config import csrf, limits
from config.derived import kept
from config.http import safe_next
from config.pagecache import cache_anonymous
from config.rendering import reverse_slug
from reviews import selectors, services
from reviews.forms import AccountDeleteForm, ReportForm, ReviewForm
from reviews.models import ModerationAction, Review, Vote
from reviews.widgets import VoteWidgets


def see_other(url: str):
    """Redirect after a POST with 303, so the browser follows with a GET."""
    response = redirect(url)
    response.status_code = 303
    return response


def bad_request(request, message: str):
    return render(request, "400.html", {"message": message}, status=400)


def forbidden(request, message: str):
    return render(request, "403.html", {"message": message}, status=403)


def _login_first(request, back: str):
    """Send an anonymous visitor to log in, then back to the page they were on."""
    if request.htmx:
        return HttpResponseClientRedirect(redirect_to_login(back).url)
    return redirect_to_login(back)


def _vote_widget_context(framework, my_votes, back: str) -> dict:
    """What the vote widget needs after an htmx POST: it replaces every copy on the page."""
    return {
        "framework": framework,
        "my_votes": my_votes,
        "next_url": back,
        "oob": True,
    }


@require_POST
def vote(request, slug):
    back = safe_next(request, reverse_slug("catalog:detail", slug))
    if not request.user.is_authenticated:
        get_object_or_404(Framework.objects.published(), slug=slug)
        return _login_first(request, back)
    choice = request.POST.get("value")
    if choice not in Vote.VALUES:
        get_object_or_404(Framework.objects.published(), slug=slug)
        return bad_request(request, _("A vote is “up”, “down” or “clear”."))

    def widget_as_it_is():
        framework = get_object_or_404(Framework.objects.published().for_vote(), slug=slug)
        return _vote_widget_context(
            framework, selectors.user_votes(request.user, [framework]), back
        )

    refused = limits.refusal(
        request, "vote", partial="reviews/_vote_widget.html", context=widget_as_it_is
    )
    if refused:
        return refused
    value = Vote.VALUES[choice]
    try:
        # The framework is read under the vote's lock: no read of it before.
        framework = services.vote_cast_on(user=request.user, slug=slug, value=value)
    except Framework.DoesNotExist:
        raise Http404 from None
    if request.htmx:  # the widget, out of band: every copy on the page updates
        my_votes = selectors.user_vote_cast(request.user, framework, value)
        widgets = VoteWidgets(request, back=back, csrf_token=csrf.token(request))
        return HttpResponse(widgets.render(framework, my_votes, oob=True))
    messages.success(request, _("Your vote on %(name)s is saved.") % {"name": framework.name})
    return see_other(back)


@login_required
@require_safe
def vote_confirm(request, slug):
    """After logging in to vote: the vote asked for, cast by one POST (a link never casts it)."""
    framework = get_object_or_404(Framework.objects.published(), slug=slug)
    choice = request.GET.get("value")
    if choice not in ("up", "down"):
        return bad_request(request, _("A vote is “up” or “down”."))
    my_vote = selectors.user_votes(request.user, [framework]).get(framework.pk)
    context = {
        "framework": framework,
        "value": choice,
        "already": my_vote == Vote.VALUES[choice],
        "next_url": safe_next(request, framework.get_absolute_url()),
    }
    return render(request, "reviews/vote_confirm.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def review_edit(request, slug):
    framework = get_object_or_404(Framework.objects.published(), slug=slug)
    review = Review.objects.filter(user=request.user, framework=framework).first()
    data = request.POST if request.method == "POST" else None
    form = ReviewForm(data, instance=review, framework=framework)
    context = {"form": form, "framework": framework, "review": review}
    if form.is_valid():
        # Over RATE_REVIEW the form comes back as typed, saying when to send it again.
        wait = limits.seconds_to_wait(request, "review")
        if wait is not None:
            return limits.too_many(request, wait, "reviews/review_form.html", context)
        review = services.review_save(user=request.user, framework=framework, **form.cleaned_data)
        messages.success(request, _("Your review of %(name)s is saved.") % {"name": framework.name})
        return see_other(review.get_absolute_url())
    return render(request, "reviews/review_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def review_delete(request, pk):
    review = get_object_or_404(Review.objects.select_related("framework"), pk=pk, user=request.user)
    if request.method == "POST":
        services.review_delete(review=review)
        messages.success(
            request, _("Your review of %(name)s is deleted.") % {"name": review.framework.name}
        )
        return see_other(review.framework.get_absolute_url())
    return render(request, "reviews/review_confirm_delete.html", {"review": review})


@require_POST
def helpful_toggle(request, pk):
    review = get_object_or_404(Review.objects.published().select_related("framework"), pk=pk)
    back = safe_next(request, review.framework.get_absolute_url()).split("#")[0]
    if not request.user.is_authenticated:
        return _login_first(request, back)
    refused = limits.refusal(
        request,
        "helpful",
        partial="reviews/_helpful_button.html",
        context=lambda: {
            "review": review,
            "marks": selectors.user_helpful_marks(request.user, [review]),
            "next": back,
        },
    )
    if refused:
        return refused
    try:
        review, marked = services.helpful_toggle(user=request.user, review=review)
    except services.NotAllowed as exc:
        return forbidden(request, str(exc))
    if request.htmx:
        context = {"review": review, "marks": {review.pk} if marked else set(), "next": back}
        return render(request, "reviews/_helpful_button.html", context)
    if marked:
        messages.success(request, _("Marked as helpful. Thank you."))
    else:
        messages.info(request, _("Your helpful mark was removed."))
    return see_other(f"{back}#review-{review.pk}")


@login_required
@require_http_methods(["GET", "POST"])
@limits.limited("report")
def report(request, pk):
    review = get_object_or_404(Review.objects.published().select_related("framework"), pk=pk)
    if review.user_id == request.user.pk:
        return forbidden(request, _("You cannot report your own review."))
    form = ReportForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        _report, created = services.report_create(
            user=request.user, review=review, **form.cleaned_data
        )
        if created:
            messages.success(
                request, _("Your report has been received. A curator will look at it.")
            )
        else:
            messages.info(request, _("Your report on this review had already been received."))
        return see_other(review.get_absolute_url())
    return render(request, "reviews/report_form.html", {"form": form, "review": review})


@cache_anonymous
def moderation_log(request):
    actions = ModerationAction.objects.select_related("framework")
    page = Paginator(actions, settings.MODERATION_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "reviews/moderation_log.html", {"page": page, "actions": page})


@cache_anonymous
def profile(request, username):
    """A person's public page: their published reviews and their votes, latest first."""
    person = get_object_or_404(get_user_model(), username=username)
    votes = Paginator(Vote.objects.for_profile(person), settings.PROFILE_VOTES_PAGE_SIZE)
    page = votes.get_page(request.GET.get("page"))
    reviews = selectors.profile_reviews(person, page=request.GET.get("rpage"))
    context = {"person": person, "page": page, "votes": page, "reviews_page": reviews}
    return render(request, "reviews/profile.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request):
    """Delete one's own account after typing the password; says first what goes."""
    user = request.user
    form = AccountDeleteForm(request.POST if request.method == "POST" else None, user=user)
    if form.is_valid():
        services.account_delete(user=user)
        logout(request)
        messages.success(request, _("Your account is deleted. Thank you for taking part."))
        return see_other(reverse("catalog:ranking"))
    counts = {
        "votes": Vote.objects.filter(user=user).count(),
        "reviews": Review.objects.filter(user=user).count(),
    }
    return render(request, "reviews/account_confirm_delete.html", {"form": form, **counts})


SWITCHES_SHOWN = 10  # frameworks listed under "came here from" and "moved on to"


def framework_sections(request, framework) -> dict:
    """What reviews adds to a framework's page (catalog.extensions): its reviews, sorted and
    paged by `rsort` and `rpage`, and the frameworks people switched from and to (kept by
    config.derived: no vote changes them)."""
    reviews = selectors.framework_reviews(
        framework, request.user, sort=request.GET.get("rsort"), page=request.GET.get("rpage")
    )
    key = f"switches:{framework.pk}"
    came_from, moved_on_to = kept(
        {
            key: lambda: (
                list(selectors.came_from(framework, limit=SWITCHES_SHOWN)),
                list(selectors.moved_on_to(framework, limit=SWITCHES_SHOWN)),
            )
        }
    )[key]
    return {"reviews": reviews, "came_from": came_from, "moved_on_to": moved_on_to}


def compare_sections(request, comparison) -> dict:
    """What reviews adds to the compare page (catalog.extensions): each framework's most
    helpful review, in the order compared (kept by config.derived: no vote changes them)."""
    key = "top-reviews:" + ",".join(sorted(str(f.pk) for f in comparison.frameworks))
    tops = kept({key: lambda: selectors.top_reviews(comparison.frameworks)})[key]
    return {"top_reviews": [(f, tops.get(f.pk)) for f in comparison.frameworks]}
