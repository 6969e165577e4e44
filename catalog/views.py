from django.conf import settings
from django.core.paginator import InvalidPage, Paginator
from django.db.models.functions import Lower
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.generic import TemplateView

from catalog import guide
from catalog.compare import alternatives_to, comparison_of, standing_of
from catalog.filters import FrameworkFilterSet
from catalog.forms import GuideForm
from catalog.models import Framework, Tag, tags_in_use

SWITCHES_SHOWN = 10  # frameworks listed under "came here from" and "moved on to"


def _page(request, queryset):
    """The requested page of a ranking; a wild page number is a 404, never a 500."""
    paginator = Paginator(queryset, settings.RANKING_PAGE_SIZE)
    try:
        return paginator.page(request.GET.get("page") or 1)
    except InvalidPage as exc:
        raise Http404(str(exc)) from exc


def ranking(request):
    filterset = FrameworkFilterSet(request.GET, queryset=Framework.objects.published())
    page = _page(request, filterset.qs)
    tag = request.GET.get("tag")
    return render(
        request,
        "catalog/ranking.html",
        {
            "filter": filterset,
            "page": page,
            "frameworks": page.object_list,
            "active_tag": Tag.objects.filter(slug=tag).first() if tag else None,
        },
    )


def detail(request, slug):
    framework = get_object_or_404(
        Framework.objects.published().select_related("replaced_by").prefetch_related("tags"),
        slug=slug,
    )
    why, neighbour = standing_of(framework)
    published = Framework.objects.published()
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
            "came_from": published.came_from(framework)[:SWITCHES_SHOWN],
            "moved_on_to": published.moved_on_to(framework)[:SWITCHES_SHOWN],
            "placings": guide.placings(guide.load_candidates(), framework.slug),
        },
    )


def tag_list(request):
    return render(request, "catalog/tag_list.html", {"tags": tags_in_use()})


def tag_detail(request, slug):
    tag = get_object_or_404(Tag, slug=slug)
    frameworks = Framework.objects.published().tagged(tag.slug).ranked(request.GET.get("sort"))
    page = _page(request, frameworks)
    return render(
        request,
        "catalog/tag_detail.html",
        {"tag": tag, "page": page, "frameworks": page.object_list},
    )


class AboutRankingView(TemplateView):
    template_name = "catalog/about_ranking.html"
    extra_context = {"use_cases": guide.USE_CASES, "weights": guide.WEIGHTS, "guide": guide}

    def get_context_data(self, **kwargs):
        return super().get_context_data(vote_hold_days=settings.VOTE_HOLD_DAYS, **kwargs)


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


def best(request, slug):
    """One use case's ranking: frameworks carrying its tags, weighted by its aspects."""
    use_case = guide.BY_SLUG.get(slug)
    if use_case is None:
        raise Http404("No such use case.")
    fits = guide.best_for(guide.load_candidates(), use_case)[: guide.BEST_SHOWN]
    context = {"use_case": use_case, "fits": fits, "use_cases": guide.USE_CASES, "guide": guide}
    return render(request, "catalog/best.html", context)

    def get_context_data(self, **kwargs):
        return super().get_context_data(vote_hold_days=settings.VOTE_HOLD_DAYS, **kwargs)


def compare(request):
    comparison = comparison_of(request.GET.getlist("f"))
    choices = Framework.objects.published().order_by(Lower("name"), "pk").only("name", "slug")
    return render(request, "catalog/compare.html", {"comparison": comparison, "choices": choices})
