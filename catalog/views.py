from django.conf import settings
from django.core.paginator import InvalidPage, Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.decorators import method_decorator
from django.views.generic import TemplateView

from catalog import guide
from catalog import ranking as formulas
from catalog.compare import alternatives_to, comparison_of, standing_of
from catalog.extensions import COMPARE_SECTIONS, DETAIL_SECTIONS, extra_context
from catalog.filters import FrameworkFilterSet
from catalog.forms import GuideForm
from catalog.models import Framework, Tag, tags_in_use
from config import fragments
from config.fragments import Fragment
from config.pagecache import cache_anonymous

PICKER_SIZE = 20  # frameworks the compare picker offers: the leaders, or those matching `q`


def _page(request, queryset):
    """The requested page of a ranking; a wild page number is a 404, never a 500."""
    paginator = Paginator(queryset, settings.RANKING_PAGE_SIZE)
    try:
        return paginator.page(request.GET.get("page") or 1)
    except InvalidPage as exc:
        raise Http404(str(exc)) from exc


@cache_anonymous
def ranking(request):
    return fragments.respond(request, "ranking", lambda: _ranking(request))


def _ranking(request) -> Fragment:
    """The ranking as every visitor sees it."""
    filterset = FrameworkFilterSet(request.GET, queryset=Framework.objects.published())
    page = _page(request, filterset.qs)
    tag = request.GET.get("tag")
    context = {
        "filter": filterset,
        "page": page,
        "frameworks": page.object_list,
        "active_tag": Tag.objects.filter(slug=tag).first() if tag else None,
    }
    return Fragment().render("catalog/ranking.html", context, request)


@cache_anonymous
def detail(request, slug):
    published = Framework.objects.published()
    framework = get_object_or_404(
        published.select_related("replaced_by").prefetch_related("tags").with_bayes_rating(),
        slug=slug,
    )
    why, neighbour = standing_of(framework)
    return render(
        request,
        "catalog/detail.html",
        {
            "framework": framework,
            "framework_list": [framework],
            "position": why.position,
            "neighbour": neighbour,
            "why": why,
            "alternatives": alternatives_to(framework),
            **extra_context(DETAIL_SECTIONS, request, framework),
            "placings": guide.placings_of(framework.slug),
        },
    )


@cache_anonymous
def tag_list(request):
    return render(request, "catalog/tag_list.html", {"tags": tags_in_use()})


@cache_anonymous
def tag_detail(request, slug):
    return fragments.respond(request, "tag", lambda: _tag_detail(request, slug))


def _tag_detail(request, slug) -> Fragment:
    """A tag's ranking as every visitor sees it."""
    tag = get_object_or_404(Tag, slug=slug)
    frameworks = Framework.objects.published().tagged(tag.slug).ranked(request.GET.get("sort"))
    page = _page(request, frameworks)
    context = {"tag": tag, "page": page, "frameworks": page.object_list}
    return Fragment().render("catalog/tag_detail.html", context, request)


@method_decorator(cache_anonymous, name="dispatch")
class AboutRankingView(TemplateView):
    """How the ranking works, with the constants read from catalog.ranking (never typed twice)."""

    template_name = "catalog/about_ranking.html"
    extra_context = {"use_cases": guide.USE_CASES, "weights": guide.WEIGHTS, "guide": guide}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            z=formulas.Z,
            prior_weight=formulas.PRIOR_WEIGHT,
            trending_days=formulas.TRENDING_DAYS,
            vote_hold_days=settings.VOTE_HOLD_DAYS,
            **kwargs,
        )


@cache_anonymous
def choose(request):
    """The guide: a few GET questions, and a short list with the reasons for and against."""
    form = GuideForm(request.GET)
    fits = []
    if form.is_bound and form.is_valid():
        fits = guide.picks(guide.load_candidates(), form.answers())
    sources = guide.came_from(fits) if fits else {}
    context = {
        "form": form,
        "picks": [(fit, sources.get(fit.slug)) for fit in fits],
        "compare_query": guide.compare_query(fits),
        "use_cases": guide.USE_CASES,
    }
    return render(request, "catalog/choose.html", context)


@cache_anonymous
def best(request, slug):
    """One use case's ranking: frameworks carrying its tags, weighted by its aspects."""
    use_case = guide.BY_SLUG.get(slug)
    if use_case is None:
        raise Http404("No such use case.")
    fits = guide.best_for(guide.load_candidates(), use_case)[: guide.BEST_SHOWN]
    context = {"use_case": use_case, "fits": fits, "use_cases": guide.USE_CASES, "guide": guide}
    return render(request, "catalog/best.html", context)


@cache_anonymous
def compare(request):
    comparison = comparison_of(request.GET.getlist("f"))
    query = request.GET.get("q", "").strip()[:100]
    choices = Framework.objects.published().picker(query, exclude=comparison.frameworks)
    context = {"comparison": comparison, "choices": choices[:PICKER_SIZE], "query": query}
    return render(
        request,
        "catalog/compare.html",
        {**context, **extra_context(COMPARE_SECTIONS, request, comparison)},
    )
