"""The independent side of the end-to-end metric tests (test_outcome_facts, test_scorecard): the
landing CSV files read with pandas, the contract applied as docs/input_contract.md states it,
without reading any dbt code. Rows listed in the generator's `_bad_rows.json` are dropped (every
rule except duplicate_key), and for a key repeated in an entity's files the later line wins (the
duplicate_key rule; the history file is read first). Months are UTC calendar months."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from support_warehouse.contract import ENTITIES
from support_warehouse.generate import MANIFEST_NAME


def bad_lines(landing: Path) -> set[tuple[str, int]]:
    """(file, line) of every row the generator made bad for a rule other than duplicate_key."""
    manifest = json.loads((landing / MANIFEST_NAME).read_text())
    return {(b["file"], int(b["line"])) for b in manifest if b["rule"] != "duplicate_key"}


def _file_order(path: Path) -> tuple[bool, str]:
    return (not path.stem.endswith("_history"), path.name)


def good_rows(landing: Path, entity: str) -> pd.DataFrame:
    """Good rows of one entity, latest line per key, as text (empty -> None)."""
    bad = bad_lines(landing)
    frames = []
    for path in sorted((landing / entity).glob("*.csv"), key=_file_order):
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
        df["_file"] = f"{entity}/{path.name}"
        df["_line"] = range(2, len(df) + 2)  # line 1 is the header
        frames.append(df)
    df = pd.concat(frames, ignore_index=True)
    keep = [(f, ln) not in bad for f, ln in zip(df["_file"], df["_line"])]
    df = df[keep].drop_duplicates(subset=list(ENTITIES[entity].key), keep="last")
    return df.replace("", None)


def utc(series: pd.Series) -> pd.Series:
    """ISO-8601 text as naive UTC timestamps."""
    return pd.to_datetime(series, utc=True, format="ISO8601").dt.tz_localize(None)


def month_start(ts: pd.Series) -> pd.Series:
    return ts.dt.to_period("M").dt.start_time.dt.date
