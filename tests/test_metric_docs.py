"""docs/metrics.md (issue 24) is the catalog's definitions, nothing else and nothing stale.

The document is generated from seeds/metric_catalog.csv and seeds/metric_targets.csv
(support_warehouse.metric_docs); these tests read it back independently of the renderer and
check every metric id is there once with the catalog's definition, dimensions, grains, dating
rule and articles, and every target with its origin and minimum sample.
"""

from __future__ import annotations

import csv
import re

from support_warehouse import metric_docs
from support_warehouse.config import REPO_ROOT

METRICS_MD = REPO_ROOT / "docs" / "metrics.md"


def _rows(name: str) -> list[dict[str, str]]:
    with (REPO_ROOT / "seeds" / name).open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _sections() -> dict[str, str]:
    """metric_id -> the text of its `### `id`` section in docs/metrics.md."""
    text = METRICS_MD.read_text(encoding="utf-8")
    parts = re.split(r"^### `([a-z0-9_]+)`[^\n]*\n", text, flags=re.MULTILINE)
    ids = parts[1::2]
    assert len(ids) == len(set(ids)), "a metric has two sections"
    return {metric_id: re.split(r"^## ", body, flags=re.MULTILINE)[0] for metric_id, body in zip(ids, parts[2::2])}


def test_docs_are_generated_from_the_current_seeds():
    assert METRICS_MD.read_text(encoding="utf-8") == metric_docs.render(), (
        "docs/metrics.md is stale: run python -m support_warehouse.metric_docs")


def test_every_catalog_metric_is_documented_with_its_definition():
    sections = _sections()
    catalog = _rows("metric_catalog.csv")
    assert sorted(sections) == sorted(r["metric_id"] for r in catalog)
    for r in catalog:
        body = sections[r["metric_id"]]
        definition = body.strip().split("\n\n")[0]
        assert definition == r["description"], r["metric_id"]
        assert f"- Dated by: {r['dated_by']}\n" in body, r["metric_id"]
        assert f"- Dimensions: {', '.join(r['dimensions'].split())}\n" in body, r["metric_id"]
        assert f"- Grains: {', '.join(r['grains'].split())}\n" in body, r["metric_id"]
        assert f"- Source articles: {', '.join(r['source_articles'].split())}\n" in body, r["metric_id"]


def test_every_target_says_where_it_comes_from():
    sections = _sections()
    targets = _rows("metric_targets.csv")
    assert targets
    for t in targets:
        line = next(x for x in sections[t["metric_id"]].splitlines() if x.startswith("- Target: "))
        if t["is_house_default"] == "true":
            assert t["source_article"] == "" and "(house default: " in line, t["metric_id"]
        else:
            assert t["source_article"] in metric_docs.ARTICLES, t["metric_id"]
            assert f"(article {t['source_article']}: " in line, t["metric_id"]
        assert line.endswith(f"judged from at least {int(float(t['min_sample']))} observations"), line
    untargeted = {r["metric_id"] for r in _rows("metric_catalog.csv")} - {t["metric_id"] for t in targets}
    assert all("- Target: none\n" in sections[m] for m in untargeted)


def test_target_text_by_hand():
    between = {"direction": "between", "target_value": "", "target_min": "30", "target_max": "35",
               "source_note": "35 a day, lowered to 30", "source_article": "004", "is_house_default": "false",
               "min_sample": "1"}
    assert metric_docs.target_text(between) == (
        "between 30 and 35 (article 004: 35 a day, lowered to 30); judged from at least 1 observations")
    house = {"direction": "at_most", "target_value": "2.5", "target_min": "", "target_max": "",
             "source_note": "no article gives one", "source_article": "", "is_house_default": "true",
             "min_sample": "20"}
    assert metric_docs.target_text(house) == (
        "<= 2.5 (house default: no article gives one); judged from at least 20 observations")
    assert metric_docs.target_text(None) == "none"


def test_no_file_points_at_a_spec_outside_the_repository():
    """The project carries its own definitions: code and docs cite docs/metrics.md (and the
    contracts in docs/), never a spec document outside the repository."""
    import subprocess

    tracked = subprocess.run(["git", "ls-files"], cwd=REPO_ROOT, capture_output=True, text=True, check=True).stdout
    offenders = []
    for name in tracked.splitlines():
        path = REPO_ROOT / name
        if not path.is_file() or path.suffix in {".parquet", ".duckdb", ".png"}:
            continue
        text = path.read_text(encoding="utf-8", errors="ignore")
        # spelled in pieces so this file does not match itself
        for needle in ("SPEC" + " §", "SPEC" + ".md", "shared" + "/seeds"):
            if needle in text:
                offenders.append(f"{name}: {needle}")
    assert not offenders, offenders
