"""Issue 29: published PII hashes are keyed (HMAC-SHA256), so a dictionary cannot reverse them.

A small generated dataset, three nights (the Dagster job: load, dbt build, publish): key 1, key 1 again
(hashes stable), key 2 with --full-refresh (every hash changes: rotation). The attack is the one an
outsider with the generator's own name lists would run: every first x last name, every
first.last<n>@<domain> customer email and first.last.<n>@support.example.com agent email.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import stat
from datetime import date
from pathlib import Path

import duckdb
import pytest

from support_warehouse import config
from support_warehouse.generate import EMAIL_DOMAINS, FIRST_NAMES, LAST_NAMES, _ascii, generate
from support_warehouse.summary import format_report
from tests.nights import Night, NightStage, night_refresh

KEY_1 = "first-test-key"
KEY_2 = "second-test-key"


def dictionary(max_number: int) -> list[str]:
    names = [f"{f} {last}" for f in FIRST_NAMES for last in LAST_NAMES]
    locals_ = [f"{_ascii(f)}.{_ascii(last)}" for f in FIRST_NAMES for last in LAST_NAMES]
    emails = [f"{local}{n}@{d}" for local in locals_ for n in range(max_number) for d in EMAIL_DOMAINS]
    agents = [f"{local}.{n}@support.example.com" for local in locals_ for n in range(max_number)]
    return names + emails + agents


def unkeyed(values: list[str]) -> set[str]:
    return {hashlib.sha256(v.strip().lower().encode()).hexdigest() for v in values}


def keyed(values: list[str], key: str) -> set[str]:
    return {hmac.new(key.encode(), v.strip().lower().encode(), hashlib.sha256).hexdigest() for v in values}


def published_text(published: Path) -> set[str]:
    """Every text value of every published table and Parquet file, except agents' names (employees,
    published by name on purpose; drawn from the same name lists as the customers)."""
    out: set[str] = set()
    con = duckdb.connect(str(published / "marts.duckdb"), read_only=True)
    try:
        for table, column in con.execute(
            "select table_name, column_name from duckdb_columns() "
            "where database_name = current_database() and data_type = 'VARCHAR' and column_name <> 'agent_name'"
        ).fetchall():
            out |= {v for (v,) in con.execute(f'select distinct "{column}" from "{table}"').fetchall() if v}
    finally:
        con.close()
    files = sorted((published / "parquet").rglob("*.parquet"))  # partitioned marts: month folders
    assert files
    for f in files:
        rel = duckdb.sql(f"select * from read_parquet('{f}')")
        for column, dtype in zip(rel.columns, rel.dtypes):
            if str(dtype) == "VARCHAR" and column != "agent_name":
                out |= {v for (v,) in rel.select(f'"{column}"').distinct().fetchall() if v}
    return out


def hashes(n: Night) -> dict[str, tuple]:
    return {cid: (name, email) for cid, name, email in n.query_published(
        "select customer_id, customer_name_hash, email_hash from dim_customers")}


@pytest.fixture(scope="module")
def nights(night_stage: NightStage) -> dict:
    root = night_stage.mktemp("pii")
    n = Night(root)
    generate(n.landing, tickets=300, days=20, seed=11, bad_rows_share=0.0, end_date=date(2026, 10, 31), nights=0)
    out: dict = {"night": n}
    with pytest.MonkeyPatch.context() as mp:
        night_stage.setenv(mp, root)
        mp.setenv("SW_PII_HASH_KEY", KEY_1)
        first = night_refresh()
        assert first.ok and first.publication is not None, format_report(first)
        out["text"] = published_text(n.published)
        out["key_1"] = hashes(n)
        out["agents_1"] = dict(n.query_published("select agent_id, email_hash from dim_agents"))
        out["raw"] = n.query(
            "select name from raw.customers union select email from raw.customers union select email from raw.agents")
        again = night_refresh()
        assert again.ok, format_report(again)
        out["key_1_again"] = hashes(n)
        mp.setenv("SW_PII_HASH_KEY", KEY_2)
        rotated = night_refresh(full_refresh=True)
        assert rotated.ok and rotated.publication is not None, format_report(rotated)
        out["key_2"] = hashes(n)
        out["agents_2"] = dict(n.query_published("select agent_id, email_hash from dim_agents"))
    return out


def test_a_name_and_email_dictionary_finds_nothing_in_the_publication(nights: dict) -> None:
    customers = len(nights["key_1"])
    words = dictionary(max_number=2 * customers)
    raw = [v for (v,) in nights["raw"] if v]
    # the dictionary covers every name and email of the data: against unkeyed sha256 (the old hashes)
    # it would recover all of them
    assert unkeyed(raw) <= unkeyed(words)
    text = nights["text"]
    assert not text & unkeyed(words)
    assert not {v.strip().lower() for v in text} & {w.lower() for w in words}
    # what is published is the keyed hash of those same values (so the scan above saw them)
    published = {h for pair in nights["key_1"].values() for h in pair} | set(nights["agents_1"].values())
    assert len(published) > customers and published <= text
    assert published <= keyed(raw, KEY_1)


def test_hashes_are_stable_with_one_key_and_all_change_with_a_new_one(nights: dict) -> None:
    first, again, rotated = nights["key_1"], nights["key_1_again"], nights["key_2"]
    assert first == again
    assert set(rotated) == set(first)
    for cid in first:
        assert rotated[cid][0] != first[cid][0] and rotated[cid][1] != first[cid][1], cid
    raw = [v for (v,) in nights["raw"] if v]
    assert {h for pair in rotated.values() for h in pair} <= keyed(raw, KEY_2)
    # joins inside one publication: agents' hashes come from the same key
    assert set(nights["agents_2"].values()) <= keyed(raw, KEY_2)
    assert not set(nights["agents_2"].values()) & set(nights["agents_1"].values())


def test_the_key_file_is_created_once_outside_the_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SW_PII_HASH_KEY", raising=False)
    key_file = tmp_path / "keys" / "pii_hash.key"
    monkeypatch.setenv("SW_PII_HASH_KEY_FILE", str(key_file))
    key = config.pii_hash_key()
    assert len(key) == 64 and key_file.read_text().strip() == key
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    assert config.pii_hash_key() == key  # read back, not regenerated
    monkeypatch.setenv("SW_PII_HASH_KEY_FILE", str(config.REPO_ROOT / "pii_hash.key"))
    with pytest.raises(ValueError, match="outside"):
        config.pii_hash_key()
    assert not (config.REPO_ROOT / "pii_hash.key").exists()


def test_hmac_pads_give_rfc_2104_hmac_in_duckdb() -> None:
    inner, outer = config.pii_hmac_pads("k" * 70)  # longer than a block: hashed first
    con = duckdb.connect()
    con.execute("set variable sw_pii_hmac_inner = ?", [inner])
    con.execute("set variable sw_pii_hmac_outer = ?", [outer])
    got = con.execute(
        "select sha256(unhex(getvariable('sw_pii_hmac_outer')) "
        "|| unhex(sha256(unhex(getvariable('sw_pii_hmac_inner')) || encode('zoë.müller@example.com'))))"
    ).fetchone()[0]
    assert got == hmac.new(b"k" * 70, "zoë.müller@example.com".encode(), hashlib.sha256).hexdigest()
