"""Finding a Chromium for the browser tests: CHROMIUM, Debian's, one on PATH, or Playwright's."""

import os
import shutil
from pathlib import Path

DEBIAN_CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-quic",
    "--no-first-run",
    "--disable-sync",
]


def find_chromium() -> str | None:
    """Path of a Chromium binary, or None. Playwright's own download is the last resort."""
    for candidate in (os.environ.get("CHROMIUM"), DEBIAN_CHROMIUM, shutil.which("chromium")):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    try:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            path = playwright.chromium.executable_path
    except Exception:
        return None
    return path if path and Path(path).is_file() else None
