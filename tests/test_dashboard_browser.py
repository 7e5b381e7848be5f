"""The dashboard served by `streamlit run` on the demo publication, opened page by page in headless
Chromium (Debian's chromium, driven by Playwright): each page draws its charts and shows no error
element. A screenshot of each page is saved under the test's tmp_path."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from support_warehouse.dashboard import APP_PATH

CHROMIUM = os.environ.get("SW_CHROMIUM", "/usr/bin/chromium")
# url path of each page (st.Page names it after its file) -> what must be on it.
PAGES = {
    "": ("Overview", '[data-testid="stMetric"]'),
    "volume": ("Volume", '[data-testid="stVegaLiteChart"]'),
    "speed": ("Speed", '[data-testid="stVegaLiteChart"]'),
    "quality": ("Quality", '[data-testid="stVegaLiteChart"]'),
    "phone": ("Phone", '[data-testid="stVegaLiteChart"]'),
    "team": ("Team", '[data-testid="stVegaLiteChart"]'),
    "commerce": ("Commerce and marketplaces", '[data-testid="stVegaLiteChart"]'),
    "data_quality": ("Data quality", '[data-testid="stVegaLiteChart"]'),
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def served(demo_publication: Path, tmp_path: Path) -> Iterator[str]:
    port = free_port()
    env = {**os.environ, "SW_PUBLISH_DIR": str(demo_publication), "HOME": str(tmp_path)}
    log = (tmp_path / "streamlit.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(APP_PATH), "--server.headless", "true",
         "--server.address", "127.0.0.1", "--server.port", str(port), "--browser.gatherUsageStats", "false"],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            assert server.poll() is None, (tmp_path / "streamlit.log").read_text()
            assert time.monotonic() < deadline, "streamlit did not come up in 60 s"
            time.sleep(0.3)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def wait_until_idle(page, timeout_s: float = 90) -> None:
    """Until the script run is over: no 'running' status widget for a second."""
    deadline = time.monotonic() + timeout_s
    quiet_since = None
    while time.monotonic() < deadline:
        running = page.locator('[data-testid="stStatusWidget"]').count() > 0
        if running:
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since > 1.0:
            return
        page.wait_for_timeout(200)
    raise AssertionError("the page kept running")


def test_every_page_renders_in_chromium(served: str, tmp_path: Path) -> None:
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: `make setup` installs Debian's chromium"
    shots = tmp_path / "screenshots"
    shots.mkdir()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-dev-shm-usage"])
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            for path, (title, chart) in PAGES.items():
                page.goto(f"{served}/{path}", wait_until="domcontentloaded")
                page.get_by_role("heading", name=title, exact=True).first.wait_for(timeout=60_000)
                page.locator(chart).first.wait_for(timeout=60_000)
                wait_until_idle(page)
                name = path or "overview"
                # The app scrolls inside its main container: grow the window to show all of it.
                height = page.evaluate(
                    "() => Math.max(...[...document.querySelectorAll('[data-testid=stMain], "
                    "[data-testid=stAppViewContainer]')].map(e => e.scrollHeight), 1000)"
                )
                page.set_viewport_size({"width": 1400, "height": min(int(height) + 50, 8000)})
                page.wait_for_timeout(500)
                page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
                page.set_viewport_size({"width": 1400, "height": 1000})
                assert page.locator('[data-testid="stException"]').count() == 0, (
                    f"{name}: {page.locator('[data-testid=stException]').first.inner_text()}"
                )
                assert page.locator(chart).count() >= 1, f"{name} shows no chart"
                if chart.endswith('"stVegaLiteChart"]'):  # drawn, not just a placeholder
                    assert page.locator(f"{chart} canvas, {chart} svg").count() >= 1, f"{name}: charts not drawn"
                assert "publication" in page.locator('[data-testid="stCaptionContainer"]').first.inner_text()
        finally:
            browser.close()
    assert sorted(p.name for p in shots.iterdir()) == sorted(f"{p or 'overview'}.png" for p in PAGES)
