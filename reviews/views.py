from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from catalog.models import Framework
from reviews import services
from reviews.models import Vote


def see_other(url: str):
    """Redirect after a POST with 303, so the browser follows with a GET."""
    response = redirect(url)
    response.status_code = 303
    return response


def bad_request(request, message: str):
    return render(request, "400.html", {"message": message}, status=400)


def _next_url(request, fallback: str) -> str:
    """Where to go back to: a safe `next` from the form, else the fallback."""
    url = request.POST.get("next") or request.GET.get("next")
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return fallback


def _login_first(request, back: str):
    """Send an anonymous visitor to log in, then back to the page they were on."""
    if request.htmx:
        return HttpResponseClientRedirect(redirect_to_login(back).url)
    return redirect_to_login(back)


@require_POST
def vote(request, slug):
    framework = get_object_or_404(Framework.objects.published(), slug=slug)
    back = _next_url(request, framework.get_absolute_url())
    if not request.user.is_authenticated:
        return _login_first(request, back)
    choice = request.POST.get("value")
    if choice not in Vote.VALUES:
        return bad_request(request, _("A vote is “up”, “down” or “clear”."))
    framework = services.vote_cast(
        user=request.user, framework=framework, value=Vote.VALUES[choice]
    )
    if request.htmx:
        return render(
            request,
            "reviews/_vote_widget.html",
            {"framework": framework, "my_vote": Vote.VALUES[choice]},
        )
    messages.success(request, _("Your vote on %(name)s is saved.") % {"name": framework.name})
    return see_other(back)
