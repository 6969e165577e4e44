from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.views.generic import TemplateView

from catalog import guide, pages
from catalog import ranking as formulas
from catalog.compare import alternatives_among, candidates_for, comparison_of, with_standing
from catalog.extensions import COMPARE_SECTIONS, DETAIL_SECTIONS, extra_context
from catalog.forms import GuideForm
from catalog.models import Framework, Tag, tags_in_use
from config import fragments
from config.derived import kept
from config.fragments import Fragment
from config.pagecache import cache_anonymous

PICKER_SIZE = 20  # frameworks the compare picker offers: the leaders, or those matching `q`


@cache_anonymous
def ranking(request):
    lasting = pages.follows_no_votes(request.GET.get("sort"))
    return fragments.respond(request, "ranking", lambda: _ranking(request), lasting=lasting)


def _ranking(request) -> Fragment:
    """The ranking as every visitor sees it."""
    filterset = pages.ranking_filters(request.GET)
    frameworks = filterset.qs
    filters = filterset.form.cleaned_data
    key = pages.filters_key(filters.get("q"), filters.get("tag"), filters.get("hide"))
    sort = filters.get("sort")
    page = pages.ranking_page(frameworks, number=request.GET.get("page"), sort=sort, key=key)
    tag = request.GET.get("tag")
    context = {
        "filter": filterset,
        "page": page,
        "frameworks": page.object_list,
        "active_tag": _tag(tag) if tag else None,
    }
    return Fragment().render("catalog/ranking.html", context, request)


@cache_anonymous
def detail(request, slug):
    framework = with_standing(slug)
    if framework is None:
        raise Http404("No such framework.")
    key = f"framework-page:{framework.pk}"
    found = kept(pages.with_mean_rating({key: lambda: _lasting(framework)}))
    page = found[key]
    framework.replaced_by = page["replaced_by"]
    framework.bayes_rating = formulas.bayesian_average(
        framework.rating_sum, framework.review_count, found[pages.MEAN_RATING]
    )
    return render(
        request,
        "catalog/detail.html",
        {
            "framework": framework,
            "framework_list": [framework],
            "tags": page["tags"],
            "position": framework.why.position,
            "neighbour": framework.neighbour,
            "why": framework.why,
            "alternatives": alternatives_among(page["candidates"]),
            **extra_context(DETAIL_SECTIONS, request, framework),
            "placings": guide.placings_of(framework.slug),
        },
    )


def _lasting(framework) -> dict:
    """What a framework's page shows that no vote changes (kept by config.derived): its tags,
    what replaced it, the candidates for its alternatives."""
    tags = list(framework.tags.all())
    replaced_by = None
    if framework.replaced_by_id:
        replaced = Framework.objects.filter(pk=framework.replaced_by_id)
        replaced_by = replaced.only("name", "slug", "is_published").first()
    return {"tags": tags, "replaced_by": replaced_by, "candidates": candidates_for(framework, tags)}


@cache_anonymous
def tag_list(request):
    tags = kept({"tags-in-use": lambda: list(tags_in_use())})["tags-in-use"]
    return render(request, "catalog/tag_list.html", {"tags": tags})


@cache_anonymous
def tag_detail(request, slug):
    lasting = pages.follows_no_votes(request.GET.get("sort"))
    return fragments.respond(request, "tag", lambda: _tag_detail(request, slug), lasting=lasting)


def _tag_detail(request, slug) -> Fragment:
    """A tag's ranking as every visitor sees it."""
    tag = _tag(slug)
    if tag is None:
        raise Http404("No such tag.")
    sort = request.GET.get("sort")
    frameworks = Framework.objects.published().tagged(tag.slug).ranked(sort)
    key = pages.filters_key("tag page", tag.slug)
    page = pages.ranking_page(frameworks, number=request.GET.get("page"), sort=sort, key=key)
    context = {"tag": tag, "page": page, "frameworks": page.object_list}
    return Fragment().render("catalog/tag_detail.html", context, request)


def _tag(slug: str) -> Tag | None:
    """The tag with this slug, kept by config.derived."""
    key = f"tag:{pages.filters_key(slug)}"
    return kept({key: lambda: Tag.objects.filter(slug=slug).first()})[key]


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
