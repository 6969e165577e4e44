"""Security headers on real responses, the CSP report endpoint, request ids and JSON logs."""

import json
import logging
import sys

import pytest

from config.logs import JsonFormatter, RequestIdFilter, request_id_var
from tests.test_settings import PRODUCTION, run_python

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/frameworks/flask/",
    "/compare/?f=flask",
    "/tags/",
    "/accounts/login/",
    "/accounts/signup/",
    "/admin/login/",
    "/api/frameworks/",
    "/about/ranking/",
]
SECURE_SETTINGS = (
    "SECURE_SSL_REDIRECT",
    "SECURE_REDIRECT_EXEMPT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_PROXY_SSL_HEADER",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "DEBUG",
)


@pytest.fixture(scope="module")
def production_values():
    """The security settings exactly as config.settings computes them for production."""
    script = (
        "import json, config.settings as s; print(json.dumps({name: getattr(s, name) for name in "
        f"{SECURE_SETTINGS!r}}}))"
    )
    result = run_python(script, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture
def production(settings, production_values):
    for name, value in production_values.items():
        setattr(settings, name, tuple(value) if name == "SECURE_PROXY_SSL_HEADER" else value)
    settings.ALLOWED_HOSTS = ["pywebrank.example"]
    return settings


def csp_directives(header: str) -> dict:
    return {
        part.split()[0]: part.split()[1:] for part in (p.strip() for p in header.split(";")) if part
    }


@pytest.mark.parametrize("path", PAGES)
def test_every_page_answers_over_https_with_the_strict_headers(client, flask, production, path):
    response = client.get(path, secure=True, HTTP_HOST="pywebrank.example")

    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    policy = csp_directives(response["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]


@pytest.mark.parametrize("path", ["/", "/frameworks/flask/", "/accounts/login/", "/admin/"])
def test_plain_http_is_redirected_to_https(client, flask, production, path):
    response = client.get(path, HTTP_HOST="pywebrank.example")

    assert response.status_code == 301
    assert response["Location"] == f"https://pywebrank.example{path}"


def test_the_health_check_answers_over_plain_http(client, production):
    response = client.get("/healthz", HTTP_HOST="pywebrank.example")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_behind_the_proxy_a_forwarded_https_request_is_not_redirected(client, flask, production):
    response = client.get("/", HTTP_HOST="pywebrank.example", HTTP_X_FORWARDED_PROTO="https")

    assert response.status_code == 200
    assert "Strict-Transport-Security" in response


def test_report_only_switch_sends_the_same_policy_as_report_only(client, flask, settings):
    policy = settings.CONTENT_SECURITY_POLICY
    settings.CONTENT_SECURITY_POLICY = None
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = policy

    response = client.get("/")

    assert "Content-Security-Policy" not in response
    assert "'self'" in response["Content-Security-Policy-Report-Only"]
    assert "report-uri /csp-report/" in response["Content-Security-Policy-Report-Only"]


def test_the_policy_built_once_is_the_one_django_csp_builds_and_follows_the_settings(settings):
    """config.middleware.CSPMiddleware keeps the headers per process: the same headers as
    django-csp's own middleware, a changed setting shows at once, and a view that changes the
    policy (csp_update) or uses a nonce still gets its own."""
    from csp.constants import NONCE
    from csp.decorators import csp_update
    from csp.middleware import CSPMiddleware as DjangoCSP
    from django.http import HttpResponse
    from django.test import RequestFactory

    from config.middleware import CSPMiddleware

    def answer(request):
        return HttpResponse("ok")

    def answered(middleware_class, view=answer, nonce=False):
        request = RequestFactory().get("/")
        middleware = middleware_class(view)
        middleware.process_request(request)
        if nonce:
            str(request.csp_nonce)
        return middleware.process_response(request, view(request))

    ours, theirs = answered(CSPMiddleware), answered(DjangoCSP)
    assert ours["Content-Security-Policy"] == theirs["Content-Security-Policy"]
    assert "default-src 'self'" in ours["Content-Security-Policy"]

    settings.CONTENT_SECURITY_POLICY = None
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": {"default-src": ["'none'"]}}
    response = answered(CSPMiddleware)
    assert "Content-Security-Policy" not in response
    assert response["Content-Security-Policy-Report-Only"] == "default-src 'none'"

    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"script-src": ["'self'", NONCE]}}
    widened = csp_update({"img-src": ["https://img.example"]})(answer)
    assert "https://img.example" in answered(CSPMiddleware, widened)["Content-Security-Policy"]
    with_nonce = answered(CSPMiddleware, nonce=True)["Content-Security-Policy"]
    assert "'nonce-" in with_nonce
    assert "'nonce-" not in answered(CSPMiddleware)["Content-Security-Policy"]


def test_csp_reports_are_logged_and_answered_204(client, caplog):
    report = {
        "csp-report": {
            "document-uri": "https://pywebrank.example/",
            "violated-directive": "script-src-elem",
            "blocked-uri": "inline",
        }
    }
    with caplog.at_level(logging.WARNING, logger="config.views"):
        response = client.post(
            "/csp-report/", json.dumps(report), content_type="application/csp-report"
        )

    assert response.status_code == 204
    assert "CSP violation: script-src-elem blocked inline on https://pywebrank.example/" in (
        caplog.text
    )


@pytest.mark.parametrize(
    ("body", "status"), [(b"not json", 400), (b"[1, 2]", 400), (b"x" * 20000, 413)]
)
def test_csp_report_endpoint_refuses_what_is_not_a_report(client, body, status):
    response = client.post("/csp-report/", body, content_type="application/csp-report")
    assert response.status_code == status


def test_csp_report_endpoint_takes_only_posts(client):
    assert client.get("/csp-report/").status_code == 405


# Request ids and logs ---------------------------------------------------------------------------


def test_each_response_carries_a_fresh_request_id(client):
    first, second = client.get("/healthz"), client.get("/healthz")

    assert len(first["X-Request-ID"]) == 32
    assert first["X-Request-ID"] != second["X-Request-ID"]


def test_a_sane_request_id_from_the_proxy_is_kept(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="edge-7f3a.42")
    assert response["X-Request-ID"] == "edge-7f3a.42"


@pytest.mark.parametrize("incoming", ["a b", "x" * 200, 'evil"\n{"level":"ERROR"}', ""])
def test_an_odd_request_id_is_replaced(client, incoming):
    response = client.get("/healthz", HTTP_X_REQUEST_ID=incoming)
    assert response["X-Request-ID"] != incoming
    assert len(response["X-Request-ID"]) == 32


def test_each_request_is_logged_once_as_json_with_its_id_path_status_and_duration(client, caplog):
    with caplog.at_level(logging.INFO, logger="pywebrank.request"):
        response = client.get("/no-such-page/", HTTP_X_REQUEST_ID="req-1")

    records = [r for r in caplog.records if r.name == "pywebrank.request"]
    assert len(records) == 1
    entry = json.loads(JsonFormatter().format(records[0]))
    assert response.status_code == 404
    assert entry["level"] == "INFO"
    assert entry["request_id"] == "req-1"
    assert entry["path"] == "/no-such-page/"
    assert entry["method"] == "GET"
    assert entry["status"] == 404
    assert isinstance(entry["duration_ms"], float)
    assert entry["time"].endswith("+00:00")


def test_json_log_lines_are_one_object_per_line_even_with_newlines_and_errors():
    try:
        raise ValueError("boom\nsecond line")
    except ValueError:
        record = logging.getLogger("x").makeRecord(
            "x", logging.ERROR, __file__, 1, "two\nlines %s", ("中文",), sys.exc_info()
        )
    line = JsonFormatter().format(record)

    assert "\n" not in line
    entry = json.loads(line)
    assert entry["message"] == "two\nlines 中文"
    assert entry["request_id"] == "-"
    assert "ValueError: boom" in entry["exception"]


def test_production_logs_json_lines_to_stderr():
    script = (
        "import django, logging; django.setup(); "
        "logging.getLogger('pywebrank.request').info('hello', extra={'path': '/x', 'status': 200})"
    )
    variables = {**PRODUCTION, "DATABASE_URL": "sqlite:///:memory:"}
    result = run_python(script, **variables, DJANGO_SETTINGS_MODULE="config.settings")
    entry = json.loads(result.stderr.strip().splitlines()[-1])
    assert entry["message"] == "hello"
    assert (entry["path"], entry["status"], entry["request_id"]) == ("/x", 200, "-")


def test_django_lines_about_a_request_carry_its_id():
    token = request_id_var.set("req-9")
    try:
        record = logging.getLogger("django.request").makeRecord(
            "django.request", logging.WARNING, __file__, 1, "Not Found: /x", (), None
        )
        RequestIdFilter().filter(record)
    finally:
        request_id_var.reset(token)
    assert json.loads(JsonFormatter().format(record))["request_id"] == "req-9"
