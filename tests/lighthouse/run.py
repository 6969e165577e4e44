"""Lighthouse (mobile) on the pages a first-time visitor sees, served the way production is.

    make lighthouse

Installs Lighthouse LIGHTHOUSE_VERSION with npm into .lighthouse/ (ignored by git), builds a
SQLite database in a temporary folder (migrations, the seed, a few votes and a review), starts
gunicorn with production settings (DJANGO_ENV=production, whitenoise's compressed manifest) and
runs Lighthouse's default mobile audit (emulated phone, simulated slow 4G) on each page with
Debian's Chromium (CHROME_PATH, default /usr/bin/chromium; headless, no sandbox). Prints the four
category scores per page and exits non-zero when one is below its target: performance 95,
accessibility, best practices and SEO 100. Needs Node 20+ and npm; not run in CI.
"""

import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(BASE_DIR))  # run as a script by `make lighthouse`

from tests.deploy.harness import gunicorn  # noqa: E402

VERSION = os.environ.get("LIGHTHOUSE_VERSION", "12.2.3")
TOOLS = BASE_DIR / ".lighthouse"
LIGHTHOUSE = TOOLS / "node_modules" / ".bin" / "lighthouse"
CHROME = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
PORT = int(os.environ.get("LIGHTHOUSE_PORT", "8241"))
RUNS = int(os.environ.get("LIGHTHOUSE_RUNS", "3"))  # per page; the median run counts
PAGES = ["/", "/frameworks/django/", "/compare/?f=django&f=flask&f=fastapi", "/about/ranking/"]
TARGETS = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}
POPULATE = """
from django.contrib.auth import get_user_model
from catalog.models import Framework
from reviews import services
flask, django = Framework.objects.get(slug="flask"), Framework.objects.get(slug="django")
for number in range(6):
    user = get_user_model().objects.create_user(f"lighthouse{number}", password=None)
    services.vote_cast(user=user, framework=flask if number % 2 else django, value=1)
services.review_save(user=user, framework=django, rating=4, title="Solid", body="Works well.")
"""


def install() -> None:
    version_file = TOOLS / "node_modules" / "lighthouse" / "package.json"
    if version_file.exists() and json.loads(version_file.read_text())["version"] == VERSION:
        return
    if not shutil.which("npm"):
        sys.exit("npm is needed to install Lighthouse (Node 20+)")
    TOOLS.mkdir(exist_ok=True)
    print(f"installing lighthouse@{VERSION} into {TOOLS} …", flush=True)
    package = f"lighthouse@{VERSION}"
    npm = ["npm", "install", "--no-audit", "--no-fund", "--prefix", str(TOOLS), package]
    subprocess.run(npm, check=True)


def serve(env: dict) -> subprocess.Popen:
    manage = [sys.executable, str(BASE_DIR / "manage.py")]
    for command in (
        ["migrate", "--noinput", "-v0"],
        ["load_seed"],
        ["collectstatic", "--noinput", "-v0"],
    ):
        subprocess.run([*manage, *command], env=env, check=True, stdout=subprocess.DEVNULL)
    subprocess.run(
        [*manage, "compile_translations"], env=env, check=True, stdout=subprocess.DEVNULL
    )
    subprocess.run([*manage, "shell", "-c", POPULATE], env=env, check=True)
    return gunicorn(env, PORT, "config.wsgi", "--workers", "2", wait=20)


def warm_up(path: str) -> None:
    """A few requests first, so no audit measures a cold worker (templates, connections)."""
    for _ in range(4):
        connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        connection.request("GET", path, headers={"Host": "localhost"})
        connection.getresponse().read()
        connection.close()


def median_run(url: str, workdir: Path, name: str) -> dict[str, int]:
    """Lighthouse's scores vary from run to run on a busy machine: the median of RUNS runs."""
    runs = [audit(url, workdir / f"{name}-{number}.json") for number in range(RUNS)]
    runs.sort(key=lambda scores: scores["performance"])
    return runs[len(runs) // 2]


def audit(url: str, report: Path) -> dict[str, int]:
    subprocess.run(
        [
            str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={report}",
            "--only-categories=performance,accessibility,best-practices,seo",
            "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
        ],
        env={**os.environ, "CHROME_PATH": CHROME},
        check=True,
    )  # fmt: skip
    categories = json.loads(report.read_text())["categories"]
    return {name: round(categories[name]["score"] * 100) for name in TARGETS}


def main() -> int:
    install()
    workdir = Path(tempfile.mkdtemp(prefix="pywebrank-lighthouse-"))
    env = {
        **os.environ,
        "DJANGO_ENV": "production",
        "SECRET_KEY": "lighthouse-only-secret",
        "ALLOWED_HOSTS": "localhost,127.0.0.1",
        "DATABASE_URL": f"sqlite:///{workdir / 'lighthouse.sqlite3'}",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(BASE_DIR),
        # Plain HTTP on loopback: no TLS proxy in front, and no mail is sent.
        "SECURE_SSL_REDIRECT": "false",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
    env.pop("REDIS_URL", None)
    server = serve(env)
    failures = []
    try:
        print(f"\nLighthouse {VERSION}, mobile, {CHROME}, median of {RUNS} runs\n")
        print(f"{'page':42} {'perf':>5} {'a11y':>5} {'b.p.':>5} {'seo':>5}")
        for number, path in enumerate(PAGES):
            # localhost, not 127.0.0.1: a secure context, as HTTPS would be in production.
            warm_up(path)
            scores = median_run(f"http://localhost:{PORT}{path}", workdir, f"report-{number}")
            print(f"{path:42} " + " ".join(f"{scores[name]:5d}" for name in TARGETS), flush=True)
            failures += [
                f"{path}: {name} {score} < {TARGETS[name]}"
                for name, score in scores.items()
                if score < TARGETS[name]
            ]
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    print(f"\nreports: {workdir}")
    if failures:
        print("BELOW TARGET:\n  " + "\n  ".join(failures))
        return 1
    print("targets met: performance ≥ 95; accessibility, best practices, SEO 100")
    return 0


if __name__ == "__main__":
    sys.exit(main())
