"""Run by `make test` before pytest: make sure the browser tests have a Chromium.

Finds one (CHROMIUM, /usr/bin/chromium, chromium on PATH, Playwright's own); failing that tries
`python -m playwright install chromium`. Under CI=true a missing browser is a failure; elsewhere the
browser tests are skipped with the reason printed here and by pytest.
"""

import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from chromium import find_chromium


def main() -> int:
    if find_chromium():
        return 0
    print("No Chromium found; trying `python -m playwright install chromium` …", flush=True)
    subprocess.run([sys.executable, "-m", "playwright", "install", "chromium"], check=False)
    if find_chromium():
        return 0
    if os.environ.get("CI") == "true":
        print(
            "ERROR: no Chromium for the browser tests. Install Debian's (apt-get install chromium) "
            "or set CHROMIUM=/path/to/chromium.",
            file=sys.stderr,
        )
        return 1
    print(
        "WARNING: no Chromium found, so the browser tests (tests/browser) will be skipped. "
        "Install one with `apt-get install chromium` or set CHROMIUM.",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
