"""Debian's Chromium for the browser tests (no browser download works here).

``scripts/setup --test`` installs ``chromium`` and a CJK font with apt; without them
(or without Playwright) the browser tests skip with the reason.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def sync_api() -> Any:
    """Playwright's sync API; skip the calling module where Chromium is missing."""
    api = pytest.importorskip("playwright.sync_api")
    if shutil.which(CHROMIUM) is None:
        pytest.skip(f"{CHROMIUM} is not installed", allow_module_level=True)
    return api


@contextmanager
def launched() -> Iterator[Any]:
    """A headless Chromium, closed when the block ends."""
    with sync_api().sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


def serious_violations(page: Any) -> list[str]:
    """The ids of the axe rules the page breaks at 'serious' or 'critical' impact."""
    from axe_playwright_python.sync_playwright import Axe

    return [
        v["id"]
        for v in Axe().run(page).response["violations"]
        if v.get("impact") in ("serious", "critical")
    ]
