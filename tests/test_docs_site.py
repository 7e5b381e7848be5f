"""`support-warehouse docs`: dbt's static docs site built from the small build, published beside the
marts, opened from disk in headless Chromium (Debian's chromium driven by Playwright) on the lineage
graph of kpi_scorecard; the screenshot stays in the test's temporary folder."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from support_warehouse.cli import main

CHROMIUM = os.environ.get("SW_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="module")
def docs_page(small_build: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("docs_site")
    # A copy of the build's target folder: dbt re-parses only what changed, and the build's own
    # artifacts stay as they were.
    target = root / "target"
    shutil.copytree(small_build["warehouse"].parent / "target", target)
    publish_dir = root / "published"
    mp = pytest.MonkeyPatch()
    mp.delenv("SW_REPORTING_TZ", raising=False)  # the small build's environment: same profile, partial parse
    mp.setenv("SW_DUCKDB_MEMORY_LIMIT", "1GB")
    mp.setenv("SW_DBT_TARGET_PATH", str(target))
    try:
        code = main(["docs", "--warehouse", str(small_build["warehouse"]), "--publish-dir", str(publish_dir)])
    finally:
        mp.undo()
    assert code == 0
    return publish_dir / "docs" / "index.html"


def test_docs_command_publishes_one_self_contained_page(docs_page: Path) -> None:
    assert docs_page.exists()
    text = docs_page.read_text(encoding="utf-8")
    # --static inlines the manifest and the warehouse catalog: no server, no other file needed.
    assert '"model.support_warehouse.kpi_scorecard"' in text
    assert '"metric.support_warehouse.csat_score"' in text
    assert '"saved_query.support_warehouse.csat_by_team"' in text
    assert list(docs_page.parent.iterdir()) == [docs_page]  # no temporary file left behind


def test_docs_site_lineage_opens_in_chromium(docs_page: Path, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: `make setup` installs Debian's chromium"
    # The model page of kpi_scorecard with its lineage graph open, narrowed to its upstream.
    url = docs_page.as_uri() + "#!/model/model.support_warehouse.kpi_scorecard?g_v=1&g_i=%2Bkpi_scorecard"
    shot = tmp_path / "lineage.png"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-dev-shm-usage"])
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(url)
            page.get_by_text("Lineage Graph").first.wait_for(timeout=60_000)
            page.locator("canvas").first.wait_for(state="visible", timeout=60_000)
            page.wait_for_function(
                "() => { const g = angular.element(document.body).injector().get('graph');"
                " return g.graph.elements && g.graph.elements.length > 0; }",
                timeout=60_000,
            )
            # The nodes cytoscape draws: labels of the graph elements (the canvas has no DOM text).
            labels = set(page.evaluate(
                "() => angular.element(document.body).injector().get('graph').graph.elements"
                ".filter(e => !e.data.source).map(e => e.data.label)"
            ))
            select = page.locator("input").evaluate_all("els => els.map(e => e.value)")
            page.screenshot(path=str(shot))
        finally:
            browser.close()
    assert not errors, errors
    # kpi_scorecard and the chain it is built from, down to a raw source.
    assert {"kpi_scorecard", "int_metric_observations", "fct_tickets", "stg_helpdesk__tickets",
            "helpdesk.tickets", "metric_catalog"} <= labels, sorted(labels)
    # Upstream only: a mart built from the scorecard is not in this graph.
    assert "customer_experience_monthly" not in labels
    assert "+kpi_scorecard" in select
    assert shot.stat().st_size > 20_000  # a drawn graph, not a blank page
