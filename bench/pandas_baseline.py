"""The pandas baseline of `support-warehouse bench` (issue 8).

The monthly `dimension = 'all'` rows of kpi_scorecard computed with pandas (and numpy) straight
from the CSV extracts of a landing folder: the same typing and reject rules, latest-version
dedupe, reference checks, per-ticket measures and formulas as the warehouse and bench/floor.sql,
written the way an analyst would in a notebook. Reporting timezone: UTC.

    python bench/pandas_baseline.py LANDING_DIR [--seeds seeds/] [--out result.parquet]

Load order as the nightly refresh loads files: <entity>_history.csv first, then the other files
by name; a later file wins, then a later line.
"""

from __future__ import annotations

import argparse
import sys
import time
import zoneinfo
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
from support_warehouse import config  # noqa: E402

LOADED_AT = pd.Timestamp.now(tz="UTC").tz_convert(None)
SOLVED = ("solved", "closed")
STATUSES = ("new", "open", "pending", "on_hold", "solved", "closed")


# ------------------------------------------------------------------------------- reading / typing


def read_entity(landing: Path, entity: str) -> pd.DataFrame:
    """All files of an entity as text, with file name, a global line sequence and the load rank."""
    files = sorted((landing / entity).glob("*.csv"), key=lambda p: (not p.name.endswith("_history.csv"), p.name))
    parts = []
    for p in files:
        df = pd.read_csv(p, dtype=str, keep_default_na=False, na_filter=False)
        df["filename"] = str(p)
        df["load_rank"] = 0 if p.name.endswith("_history.csv") else 1
        parts.append(df)
    df = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    df["line_seq"] = np.arange(len(df))
    return df


def clean_text(s: pd.Series) -> pd.Series:
    s = s.str.strip()
    return s.where(s != "", None)


def clean_code(s: pd.Series) -> pd.Series:
    return clean_text(s.str.lower())


def present(s: pd.Series) -> pd.Series:
    return s.str.strip() != ""


def ts_utc(s: pd.Series) -> pd.Series:
    t = pd.to_datetime(s.str.strip(), format="ISO8601", utc=True, errors="coerce")
    return t.dt.tz_convert(None).astype("datetime64[us]")


def to_int(s: pd.Series) -> pd.Series:
    s = s.str.strip()
    ok = s.str.fullmatch(r"[+-]?[0-9]+([.]0*)?")
    return pd.to_numeric(s.where(ok).str.replace(r"[.]0*$", "", regex=True), errors="coerce").astype("Int64")


def to_float(s: pd.Series) -> pd.Series:
    return pd.to_numeric(clean_text(s), errors="coerce")


_BOOL = {"true": True, "t": True, "1": True, "yes": True, "false": False, "f": False, "0": False, "no": False}


def to_bool(s: pd.Series) -> pd.Series:
    return s.str.strip().str.lower().map(_BOOL).astype("boolean")


def untyped(typed: pd.Series, raw: pd.Series) -> pd.Series:
    return typed.isna() & present(raw)


def flag(cond: pd.Series) -> pd.Series:
    """A rule whose condition is unknown (null) is not broken, as in a SQL CASE."""
    return cond.fillna(False).astype(bool)


def implausible(d: pd.DataFrame, *columns: str, days: int | None = None) -> pd.Series:
    """A timestamp outside the plausible window (support_warehouse.config): before plausible_from, or
    more than `days` (plausible_days_after_load) days after the load, which is now here."""
    days = config.plausible_days_after_load() if days is None else days
    earliest, latest = pd.Timestamp(config.plausible_from()), LOADED_AT + pd.Timedelta(days=days)
    out = pd.Series(False, index=d.index)
    for c in columns:
        out |= flag((d[c] < earliest) | (d[c] > latest))
    return out


def epoch(t: pd.Series | np.ndarray) -> np.ndarray:
    """Seconds since 1970 as DuckDB's epoch(): microseconds / 1e6 in double."""
    v = np.asarray(t, dtype="datetime64[us]")
    out = v.astype("int64") / 1e6
    return np.where(np.isnat(v), np.nan, out)


def staged(df: pd.DataFrame, key: list[str], payload: list[str], bad: pd.Series,
           latest_first: list[str] | None = None) -> pd.DataFrame:
    """Good rows (no rule broken, not a losing in-file duplicate), latest version per key."""
    keyed = df[key].notna().all(axis=1)
    h = pd.util.hash_pandas_object(df[payload], index=False)
    grp = df[key + ["filename"]].astype(object).where(df[key + ["filename"]].notna(), "\x00")
    last_line = df.groupby([grp[c] for c in grp.columns], sort=False)["line_seq"].transform("max")
    is_winner = df["line_seq"] == last_line
    winner_hash = pd.Series(np.where(is_winner, h, 0), index=df.index).groupby(
        [grp[c] for c in grp.columns], sort=False).transform("max")
    dup_loser = ~is_winner & (h != winner_hash)
    good = df[keyed & ~bad & ~dup_loser]
    order = (latest_first or []) + ["load_rank", "filename", "line_seq"]
    good = good.sort_values(order, na_position="first", kind="stable")
    return good.drop_duplicates(key, keep="last").reset_index(drop=True)


# ------------------------------------------------------------------------------- entities


def load_all(landing: Path, seeds: Path) -> dict[str, pd.DataFrame]:
    out: dict[str, pd.DataFrame] = {}

    r = read_entity(landing, "customers")
    d = pd.DataFrame({
        "customer_id": clean_text(r["customer_id"]),
        "name_key": r["name"].str.strip().str.lower(), "email_key": r["email"].str.strip().str.lower(),
        "customer_tier": clean_code(r["tier"]), "country": clean_text(r["country"]).str.upper(),
        "created_at": ts_utc(r["created_at"]), "churned_at": ts_utc(r["churned_at"]),
        "filename": r["filename"], "line_seq": r["line_seq"], "load_rank": r["load_rank"],
    })
    bad = (d["created_at"].isna() | untyped(d["churned_at"], r["churned_at"])
           | ~d["customer_tier"].isin(["standard", "premium", "enterprise"])
           | flag(d["churned_at"] < d["created_at"]) | implausible(d, "created_at", "churned_at"))
    out["customers"] = staged(d, ["customer_id"], ["name_key", "email_key", "customer_tier", "country", "created_at",
                                                   "churned_at"], bad)

    r = read_entity(landing, "agents")
    d = pd.DataFrame({
        "agent_id": clean_text(r["agent_id"]), "agent_name": clean_text(r["name"]),
        "email_key": r["email"].str.strip().str.lower(), "team": clean_text(r["team"]),
        "timezone": clean_text(r["timezone"]), "hired_at": ts_utc(r["hired_at"]), "left_at": ts_utc(r["left_at"]),
        "filename": r["filename"], "line_seq": r["line_seq"], "load_rank": r["load_rank"],
    })
    bad = (untyped(d["hired_at"], r["hired_at"]) | untyped(d["left_at"], r["left_at"]) | d["team"].isna()
           | flag(d["left_at"] < d["hired_at"]) | implausible(d, "hired_at", "left_at"))
    out["agents"] = staged(d, ["agent_id"], ["agent_name", "email_key", "team", "timezone", "hired_at", "left_at"], bad)

    r = read_entity(landing, "agent_shifts")
    d = pd.DataFrame({
        "agent_id": clean_text(r["agent_id"]),
        "shift_date": pd.to_datetime(clean_text(r["shift_date"]), format="%Y-%m-%d", errors="coerce"),
        "scheduled_minutes": to_int(r["scheduled_minutes"]), "is_leave": to_bool(r["is_leave"]),
        "filename": r["filename"], "line_seq": r["line_seq"], "load_rank": r["load_rank"],
    })
    bad = (untyped(d["scheduled_minutes"], r["scheduled_minutes"]) | untyped(d["is_leave"], r["is_leave"])
           | flag(d["scheduled_minutes"] < 0)
           | implausible(d, "shift_date", days=config.plausible_schedule_days_after_load()))
    s = staged(d, ["agent_id", "shift_date"], ["scheduled_minutes", "is_leave"], bad)
    s["is_leave"] = s["is_leave"].fillna(False).astype(bool)
    out["shifts"] = s

    channels = set(pd.read_csv(seeds / "channels.csv", dtype=str)["channel"])
    r = read_entity(landing, "tickets")
    d = pd.DataFrame({
        "ticket_id": clean_text(r["ticket_id"]), "customer_id": clean_text(r["customer_id"]),
        "channel": clean_code(r["channel"]), "ticket_type": clean_code(r["ticket_type"]),
        "priority": clean_code(r["priority"]), "status": clean_code(r["status"]),
        "assignee_id": clean_text(r["assignee_id"]),
        "created_at": ts_utc(r["created_at"]), "updated_at": ts_utc(r["updated_at"]),
        "filename": r["filename"], "line_seq": r["line_seq"], "load_rank": r["load_rank"],
    })
    bad = (d["created_at"].isna() | untyped(d["updated_at"], r["updated_at"]) | ~d["channel"].isin(channels)
           | ~d["priority"].isin(["low", "normal", "high", "urgent"]) | ~d["status"].isin(STATUSES)
           | flag(d["updated_at"] < d["created_at"]) | implausible(d, "created_at", "updated_at"))
    tickets = staged(d, ["ticket_id"], ["customer_id", "channel", "ticket_type", "priority", "status", "assignee_id",
                                        "created_at", "updated_at"], bad, latest_first=["updated_at"])
    out["tickets"] = tickets
    ticket_created = tickets.set_index("ticket_id")["created_at"]

    r = read_entity(landing, "ticket_messages")
    d = pd.DataFrame({
        "message_id": clean_text(r["message_id"]), "ticket_id": clean_text(r["ticket_id"]),
        "author_type": clean_code(r["author_type"]), "author_id": clean_text(r["author_id"]),
        "is_public": to_bool(r["is_public"]), "created_at": ts_utc(r["created_at"]),
        "filename": r["filename"], "line_seq": r["line_seq"], "load_rank": r["load_rank"],
    })
    bad = (d["ticket_id"].isna() | d["created_at"].isna() | untyped(d["is_public"], r["is_public"])
           | ~d["author_type"].isin(["customer", "agent", "bot", "system"]) | implausible(d, "created_at"))
    m = staged(d, ["message_id"], ["ticket_id", "author_type", "author_id", "is_public", "created_at"], bad)
    m["is_public"] = m["is_public"].fillna(True).astype(bool)
    m["ticket_created_at"] = m["ticket_id"].map(ticket_created)
    m = m[m["ticket_created_at"].notna() & ~flag(m["created_at"] < m["ticket_created_at"])]
    out["messages"] = m.reset_index(drop=True)

    r = read_entity(landing, "ticket_status_changes")
    d = pd.DataFrame({
        "ticket_id": clean_text(r["ticket_id"]), "changed_at": ts_utc(r["changed_at"]),
        "status": clean_code(r["status"]),
        "filename": r["filename"], "line_seq": r["line_seq"], "load_rank": r["load_rank"],
    })
    bad = ~d["status"].isin(STATUSES) | implausible(d, "changed_at")
    sc = staged(d, ["ticket_id", "changed_at"], ["status"], bad)
    tc = sc["ticket_id"].map(ticket_created)
    out["status_changes"] = sc[tc.notna() & ~flag(sc["changed_at"] < tc)].reset_index(drop=True)

    known = set(tickets["ticket_id"])
    r = read_entity(landing, "calls")
    d = pd.DataFrame({
        "call_id": clean_text(r["call_id"]), "customer_id": clean_text(r["customer_id"]),
        "agent_id": clean_text(r["agent_id"]), "ticket_id": clean_text(r["ticket_id"]),
        "queued_at": ts_utc(r["queued_at"]), "answered_at": ts_utc(r["answered_at"]), "ended_at": ts_utc(r["ended_at"]),
        "hold_seconds": to_int(r["hold_seconds"]), "wrap_up_seconds": to_int(r["wrap_up_seconds"]),
        "filename": r["filename"], "line_seq": r["line_seq"], "load_rank": r["load_rank"],
    })
    bad = (d["queued_at"].isna() | untyped(d["answered_at"], r["answered_at"]) | untyped(d["ended_at"], r["ended_at"])
           | untyped(d["hold_seconds"], r["hold_seconds"]) | untyped(d["wrap_up_seconds"], r["wrap_up_seconds"])
           | flag((d["hold_seconds"] < 0) | (d["wrap_up_seconds"] < 0))
           | flag(d["answered_at"] < d["queued_at"])
           | flag(d["ended_at"] < d["answered_at"].fillna(d["queued_at"]))
           | flag(d["hold_seconds"] > pd.Series(epoch(d["ended_at"]) - epoch(d["answered_at"]), index=d.index))
           | implausible(d, "queued_at", "answered_at", "ended_at"))
    c = staged(d, ["call_id"], ["customer_id", "agent_id", "ticket_id", "queued_at", "answered_at", "ended_at",
                                "hold_seconds", "wrap_up_seconds"], bad)
    c["hold_seconds"] = c["hold_seconds"].fillna(0)
    c["wrap_up_seconds"] = c["wrap_up_seconds"].fillna(0)
    out["calls"] = c[c["ticket_id"].isna() | c["ticket_id"].isin(known)].reset_index(drop=True)

    r = read_entity(landing, "survey_responses")
    d = pd.DataFrame({
        "response_id": clean_text(r["response_id"]), "survey_type": clean_code(r["survey_type"]),
        "survey_scale": clean_code(r["scale"]), "customer_id": clean_text(r["customer_id"]),
        "ticket_id": clean_text(r["ticket_id"]), "agent_id": clean_text(r["agent_id"]),
        "sent_at": ts_utc(r["sent_at"]), "responded_at": ts_utc(r["responded_at"]), "score": to_int(r["score"]),
        "has_comment": present(r["comment"]),
        "filename": r["filename"], "line_seq": r["line_seq"], "load_rank": r["load_rank"],
    })
    st, sc_, score = d["survey_type"], d["survey_scale"], d["score"]
    lo = sc_.map({"csat_5": 1, "csat_3": 1, "csat_2": 1, "nps_11": 0, "ces_7": 1, "ces_10": 1})
    hi = sc_.map({"csat_5": 5, "csat_3": 3, "csat_2": 2, "nps_11": 10, "ces_7": 7, "ces_10": 10})
    pair_ok = (((st == "csat") & sc_.isin(["csat_5", "csat_3", "csat_2"])) | ((st == "nps") & (sc_ == "nps_11"))
               | ((st == "ces") & sc_.isin(["ces_7", "ces_10"])))
    bad = (~st.isin(["csat", "nps", "ces"]) | ~sc_.isin(["csat_5", "csat_3", "csat_2", "nps_11", "ces_7", "ces_10"])
           | ~pair_ok
           | d["sent_at"].isna() | untyped(d["responded_at"], r["responded_at"]) | untyped(score, r["score"])
           | flag(score.notna() & ((score < lo) | (score > hi)))
           | flag(d["responded_at"] < d["sent_at"]) | (score.notna() & d["responded_at"].isna())
           | implausible(d, "sent_at", "responded_at"))
    sv = staged(d, ["response_id"], ["survey_type", "survey_scale", "customer_id", "ticket_id", "agent_id", "sent_at",
                                     "responded_at", "score", "has_comment"], bad, latest_first=["responded_at"])
    out["surveys"] = sv[sv["ticket_id"].isna() | sv["ticket_id"].isin(known)].reset_index(drop=True)

    r = read_entity(landing, "reviews")
    d = pd.DataFrame({
        "review_id": clean_text(r["review_id"]), "customer_id": clean_text(r["customer_id"]),
        "order_id": clean_text(r["order_id"]), "marketplace": clean_code(r["marketplace"]),
        "rating": to_int(r["rating"]), "created_at": ts_utc(r["created_at"]),
        "filename": r["filename"], "line_seq": r["line_seq"], "load_rank": r["load_rank"],
    })
    bad = (d["created_at"].isna() | d["rating"].isna() | flag((d["rating"] < 1) | (d["rating"] > 5))
           | d["marketplace"].isna() | implausible(d, "created_at"))
    out["reviews"] = staged(d, ["review_id"], ["customer_id", "order_id", "marketplace", "rating", "created_at"], bad)

    r = read_entity(landing, "products")
    d = pd.DataFrame({
        "product_id": clean_text(r["product_id"]), "product_name": clean_text(r["name"]),
        "category": clean_code(r["category"]), "product_tier": to_int(r["tier"]), "price": to_float(r["price"]),
        "filename": r["filename"], "line_seq": r["line_seq"], "load_rank": r["load_rank"],
    })
    bad = (d["category"].isna() | d["product_tier"].isna() | flag((d["product_tier"] < 1) | (d["product_tier"] > 3))
           | untyped(d["price"], r["price"]) | flag(d["price"] < 0))
    out["products"] = staged(d, ["product_id"], ["product_name", "category", "product_tier", "price"], bad)

    r = read_entity(landing, "orders")
    for optional in ("has_a_to_z_claim", "has_chargeback"):  # optional columns: blank where a file lacks them
        r[optional] = r[optional].fillna("") if optional in r else ""
    d = pd.DataFrame({
        "order_id": clean_text(r["order_id"]), "customer_id": clean_text(r["customer_id"]),
        "ordered_at": ts_utc(r["ordered_at"]), "product_id": clean_text(r["product_id"]),
        "quantity": to_int(r["quantity"]), "amount": to_float(r["amount"]),
        "order_status": clean_code(r["status"]), "is_shipped_on_time": to_bool(r["shipped_on_time"]),
        "has_a_to_z_claim": to_bool(r["has_a_to_z_claim"]), "has_chargeback": to_bool(r["has_chargeback"]),
        "filename": r["filename"], "line_seq": r["line_seq"], "load_rank": r["load_rank"],
    })
    bad = (d["ordered_at"].isna() | untyped(d["quantity"], r["quantity"]) | untyped(d["amount"], r["amount"])
           | untyped(d["is_shipped_on_time"], r["shipped_on_time"])
           | untyped(d["has_a_to_z_claim"], r["has_a_to_z_claim"]) | untyped(d["has_chargeback"], r["has_chargeback"])
           | flag((d["quantity"] < 0) | (d["amount"] < 0))
           | ~d["order_status"].isin(["placed", "shipped", "cancelled", "returned"]) | d["customer_id"].isna()
           | implausible(d, "ordered_at"))
    out["orders"] = staged(d, ["order_id"], ["customer_id", "ordered_at", "product_id", "quantity", "amount",
                                             "order_status", "is_shipped_on_time", "has_a_to_z_claim",
                                             "has_chargeback"], bad)

    r = read_entity(landing, "self_service_sessions")
    d = pd.DataFrame({
        "session_id": clean_text(r["session_id"]), "customer_id": clean_text(r["customer_id"]),
        "started_at": ts_utc(r["started_at"]), "session_source": clean_code(r["source"]),
        "is_resolved": to_bool(r["resolved"]), "ticket_id": clean_text(r["ticket_id"]),
        "filename": r["filename"], "line_seq": r["line_seq"], "load_rank": r["load_rank"],
    })
    bad = (d["started_at"].isna() | untyped(d["is_resolved"], r["resolved"])
           | ~d["session_source"].isin(["help_center", "chatbot", "faq"]) | implausible(d, "started_at"))
    ss = staged(d, ["session_id"], ["customer_id", "started_at", "session_source", "is_resolved", "ticket_id"], bad)
    ss["is_resolved"] = ss["is_resolved"].fillna(False).astype(bool)
    out["sessions"] = ss[ss["ticket_id"].isna() | ss["ticket_id"].isin(known)].reset_index(drop=True)
    return out


# ------------------------------------------------------------------------------- business clock


class BusinessClock:
    """Working intervals per schedule; clock(t) = working seconds from the spine start to t."""

    def __init__(self, seeds: Path):
        hours = pd.read_csv(seeds / "business_hours.csv", dtype=str)
        hol = pd.read_csv(seeds / "holidays.csv", dtype=str)
        self.schedules = hours.drop_duplicates("schedule_id").set_index("schedule_id")["timezone"].to_dict()
        days = pd.date_range("2015-01-01", "2035-12-31", freq="D")
        self.intervals: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = {}
        for sid, tz in self.schedules.items():
            h = hours[hours["schedule_id"] == sid]
            off = set(pd.to_datetime(hol.loc[hol["schedule_id"].isin([sid, "*"]), "holiday_date"]))
            starts, ends = [], []
            for _, row in h.iterrows():
                dow = int(row["iso_day_of_week"])
                dd = days[(days.isocalendar().day.values == dow) & ~days.isin(off)]

                def minutes(text: str) -> int:
                    hh, mm = text.strip().split(":")
                    return int(hh) * 60 + int(mm)

                for text, acc in ((row["start_time"], starts), (row["end_time"], ends)):
                    local = dd + pd.to_timedelta(minutes(text), unit="min")
                    utc = local.tz_localize(tz, ambiguous=False, nonexistent="shift_forward").tz_convert(None)
                    acc.append(utc.values.astype("datetime64[us]"))
            s = np.concatenate(starts)
            e = np.concatenate(ends)
            o = np.argsort(s, kind="stable")
            s, e = s[o], e[o]
            keep = s < e
            s, e = s[keep], e[keep]
            work = (epoch(e) - epoch(s)).astype(np.int64)
            cum = np.concatenate([[0], np.cumsum(work)[:-1]])
            self.intervals[sid] = (s, e, work, cum)

    def clock(self, schedule: pd.Series, t: pd.Series) -> np.ndarray:
        out = np.full(len(t), np.nan)
        tv = np.asarray(t, dtype="datetime64[us]")
        sched = np.asarray(schedule, dtype=object)
        for sid, (s, _e, work, cum) in self.intervals.items():
            m = (sched == sid) & ~np.isnat(tv)
            if not m.any():
                continue
            i = np.searchsorted(s, tv[m], side="right") - 1
            ok = i >= 0
            ii = np.where(ok, i, 0)
            val = cum[ii] + np.minimum(epoch(tv[m]) - epoch(s[ii]), work[ii])
            out[np.nonzero(m)[0]] = np.where(ok, val, np.nan)
        return out

    def due(self, schedule: pd.Series, reached: np.ndarray) -> np.ndarray:
        out = np.full(len(reached), np.datetime64("NaT"), dtype="datetime64[us]")
        sched = np.asarray(schedule, dtype=object)
        for sid, (s, _e, _work, cum) in self.intervals.items():
            m = (sched == sid) & ~np.isnan(reached)
            if not m.any():
                continue
            i = np.searchsorted(cum, reached[m], side="left") - 1
            ok = i >= 0
            ii = np.where(ok, i, 0)
            secs = np.round(reached[m] - cum[ii]).astype(np.int64)
            val = s[ii] + secs.astype("timedelta64[s]").astype("timedelta64[us]")
            out[np.nonzero(m)[0]] = np.where(ok, val, np.datetime64("NaT"))
        return out


# ------------------------------------------------------------------------------- facts


def ticket_facts(e: dict[str, pd.DataFrame], seeds: Path, clock: BusinessClock):
    tickets, messages, changes, calls = e["tickets"], e["messages"], e["status_changes"], e["calls"]
    customers, agents = e["customers"], e["agents"]

    t = tickets.merge(customers[["customer_id", "customer_tier"]], on="customer_id", how="left")
    t = t.merge(agents[["agent_id", "team"]], left_on="assignee_id", right_on="agent_id", how="left")
    sched_by_key = {k.strip().lower(): k for k in clock.schedules}
    t["schedule_id"] = t["team"].str.strip().str.lower().map(sched_by_key).fillna("default")

    as_of_at = max(x for x in (tickets["updated_at"].fillna(tickets["created_at"]).max(),
                               messages["created_at"].max(), changes["changed_at"].max()) if pd.notna(x))

    # replies and the customer messages they answer
    conv = messages[messages["is_public"] & messages["author_type"].isin(["agent", "customer"])].copy()
    conv["is_reply"] = conv["author_type"] == "agent"
    conv["cust_first"] = np.where(conv["is_reply"], 1, 0)
    conv = conv.sort_values(["ticket_id", "created_at", "cust_first", "message_id"], kind="stable")
    conv["so_far"] = conv["is_reply"].astype(int).groupby(conv["ticket_id"], sort=False).cumsum()
    asks = (conv[~conv["is_reply"]].assign(reply_number=lambda x: x["so_far"] + 1)
            .groupby(["ticket_id", "reply_number"], sort=False)["created_at"].min().rename("oldest_at").reset_index())
    replies = conv[conv["is_reply"]].rename(columns={"so_far": "reply_number", "created_at": "replied_at",
                                                     "author_id": "agent_id"})
    replies = replies.merge(asks, on=["ticket_id", "reply_number"], how="left")
    answered = replies["oldest_at"].where(replies["oldest_at"].notna(),
                                          replies["ticket_created_at"].where(replies["reply_number"] == 1))
    replies["response_minutes"] = (epoch(replies["replied_at"]) - epoch(answered)) / 60.0
    replies = replies[["message_id", "ticket_id", "agent_id", "replied_at", "reply_number", "response_minutes"]]

    # status intervals
    known = pd.concat([
        changes[["ticket_id", "changed_at", "status"]].assign(precedence=2),
        tickets[["ticket_id", "created_at"]].rename(columns={"created_at": "changed_at"}).assign(status="new",
                                                                                                  precedence=1),
    ], ignore_index=True)
    latest = known.sort_values(["ticket_id", "changed_at", "precedence"]).drop_duplicates("ticket_id", keep="last")
    cl = tickets[["ticket_id", "status", "created_at", "updated_at"]].merge(
        latest[["ticket_id", "changed_at", "status"]].rename(columns={"status": "k_status", "changed_at": "k_at"}),
        on="ticket_id")
    cl["changed_at"] = cl["updated_at"].fillna(cl["created_at"])
    closing = cl[(cl["status"] != cl["k_status"]) & (cl["changed_at"] >= cl["k_at"])]
    ev = pd.concat([known, closing[["ticket_id", "changed_at", "status"]].assign(precedence=3)], ignore_index=True)
    ev = ev.sort_values(["ticket_id", "changed_at", "precedence"]).drop_duplicates(["ticket_id", "changed_at"],
                                                                                   keep="last")
    ev = ev.reset_index(drop=True)
    same = ev["ticket_id"].eq(ev["ticket_id"].shift())
    prev = ev["status"].shift().where(same)
    ev["valid_to"] = ev["changed_at"].shift(-1).where(ev["ticket_id"].eq(ev["ticket_id"].shift(-1)))
    ev["is_solved_status"] = ev["status"].isin(SOLVED)
    ev["is_solve_event"] = ev["is_solved_status"] & ~prev.isin(SOLVED)
    ev["is_reopen_event"] = ~ev["is_solved_status"] & prev.isin(SOLVED)
    intervals = ev.rename(columns={"changed_at": "valid_from"})

    rs = replies.groupby("ticket_id").agg(agent_reply_count=("message_id", "size"), first_reply_at=("replied_at", "min"))
    # a customer message written while a linked call was queued or connected is that call's record
    # (a phone ticket's opening message): one contact, counted as the call
    im = messages[(messages["author_type"] == "customer") & messages["is_public"]][["message_id", "ticket_id", "created_at"]]
    lc = calls[calls["ticket_id"].notna()]
    lc = lc.assign(call_end=lc["ended_at"].fillna(lc["answered_at"]).fillna(lc["queued_at"]))
    during = im.merge(lc[["ticket_id", "queued_at", "call_end"]], on="ticket_id")
    during = during[(during["created_at"] >= during["queued_at"]) & (during["created_at"] <= during["call_end"])]
    inbound = im[~im["message_id"].isin(set(during["message_id"]))].groupby("ticket_id").size()
    linked = lc.groupby("ticket_id").size()
    ss = intervals.assign(solved_at=intervals["valid_from"].where(intervals["is_solve_event"]),
                          solved_now=intervals["is_solved_status"] & intervals["valid_to"].isna()).groupby(
        "ticket_id").agg(first_solved_at=("solved_at", "min"), reopen_count=("is_reopen_event", "sum"),
                         is_currently_solved=("solved_now", "any"))
    nxt = t[t["customer_id"].notna() & t["ticket_type"].notna()].sort_values(
        ["customer_id", "ticket_type", "created_at", "ticket_id"])
    nxt_at = nxt["created_at"].shift(-1).where(
        nxt["customer_id"].eq(nxt["customer_id"].shift(-1)) & nxt["ticket_type"].eq(nxt["ticket_type"].shift(-1)))
    t["next_at"] = nxt_at.reindex(t.index)

    t = t.join(rs, on="ticket_id").join(ss, on="ticket_id")
    t["agent_reply_count"] = t["agent_reply_count"].fillna(0)
    t["reopen_count"] = t["reopen_count"].fillna(0)
    t["is_currently_solved"] = t["is_currently_solved"].fillna(False).astype(bool)
    t["interaction_count"] = t["ticket_id"].map(inbound).fillna(0) + t["ticket_id"].map(linked).fillna(0)

    created_clock = clock.clock(t["schedule_id"], t["created_at"])
    reply_clock = clock.clock(t["schedule_id"], t["first_reply_at"])
    solved_clock = clock.clock(t["schedule_id"], t["first_solved_at"])
    t["frm"] = (epoch(t["first_reply_at"]) - epoch(t["created_at"])) / 60.0
    t["frbm"] = (reply_clock - created_clock) / 60.0
    t["rm"] = (epoch(t["first_solved_at"]) - epoch(t["created_at"])) / 60.0
    t["rbm"] = (solved_clock - created_clock) / 60.0
    # SLA policy: the most specific match (channel, priority, tier, ticket type), then the earliest
    # deadline - each policy's due time on its own clock, calendar or business - then policy id
    pol = pd.read_csv(seeds / "sla_policies.csv", dtype=str)
    for c in ("channel", "priority", "customer_tier", "ticket_type", "hours_type"):
        pol[c] = pol[c].str.strip().str.lower()
    pol["spec"] = sum((pol[c] != "*").astype(int) for c in ("channel", "priority", "customer_tier", "ticket_type"))
    never = np.datetime64("9999-12-31", "us")  # an unknown deadline loses to any known one
    best_spec = np.full(len(t), -1)
    best_due = np.full(len(t), never)
    t["sla_due_at"] = pd.Series(np.datetime64("NaT"), index=t.index).astype("datetime64[us]")
    for _, p in pol.sort_values("policy_id").iterrows():  # ascending: an equal deadline keeps the first id
        m = (((t["channel"] == p["channel"]) | (p["channel"] == "*"))
             & ((t["priority"] == p["priority"]) | (p["priority"] == "*"))
             & ((t["customer_tier"] == p["customer_tier"]) | (p["customer_tier"] == "*"))
             & ((t["ticket_type"] == p["ticket_type"]) | (p["ticket_type"] == "*"))).to_numpy()
        minutes = int(p["first_response_target_minutes"])
        if p["hours_type"] == "calendar":
            due = (t["created_at"] + pd.Timedelta(minutes=minutes)).to_numpy(dtype="datetime64[us]")
        else:
            due = clock.due(t["schedule_id"], created_clock + minutes * 60.0)
        key = np.where(np.isnat(due), never, due)
        better = m & ((p["spec"] > best_spec) | ((p["spec"] == best_spec) & (key < best_due)))
        best_spec = np.where(better, p["spec"], best_spec)
        best_due = np.where(better, key, best_due)
        t.loc[better, "sla_due_at"] = due[better]
    measured = t["first_reply_at"].fillna(t["first_solved_at"]).fillna(as_of_at)
    t["is_answered"] = t["first_reply_at"].notna()
    t["within_24h"] = (t["frm"] <= 24 * 60).fillna(False)
    t["has_sla_due"] = t["sla_due_at"].notna() & (t["is_answered"] | (measured > t["sla_due_at"]))
    t["sla_met"] = t["has_sla_due"] & (t["first_reply_at"] <= t["sla_due_at"]).fillna(False)
    t["sla_breached"] = t["has_sla_due"] & (t["first_reply_at"].isna() | (t["first_reply_at"] > t["sla_due_at"]))
    followup = (t["next_at"] <= t["first_solved_at"].fillna(t["created_at"]) + pd.Timedelta(minutes=10080)).fillna(
        False)
    solved = t["first_solved_at"].notna()
    t["is_fcr"] = pd.Series(pd.NA, index=t.index, dtype="boolean")
    t.loc[solved, "is_fcr"] = ((t["agent_reply_count"] == 1) & (t["reopen_count"] == 0) & ~followup)[solved]
    t["is_reopened"] = t["reopen_count"] > 0
    t["due_24h"] = t["within_24h"] | (t["created_at"] + pd.Timedelta(hours=24) <= as_of_at)
    t["created_month"] = t["created_at"].dt.to_period("M").dt.start_time
    t["created_date"] = t["created_at"].dt.normalize()
    t["solved_month"] = t["first_solved_at"].dt.to_period("M").dt.start_time
    return t, replies, intervals, as_of_at


# ------------------------------------------------------------------------------- metrics


def month_of(ts: pd.Series) -> pd.Series:
    return ts.dt.to_period("M").dt.start_time


def rows(month: pd.Series, **cols) -> pd.DataFrame:
    """Per-month sums: month index, one column per measure (series aligned with `month`)."""
    df = pd.DataFrame(cols, index=month.index)
    df["month"] = month.values
    return df.groupby("month").sum(min_count=1)


def compute(landing: Path, seeds: Path) -> pd.DataFrame:
    e = load_all(landing, seeds)
    clock = BusinessClock(seeds)
    t, replies, intervals, as_of_at = ticket_facts(e, seeds, clock)
    as_of_day = as_of_at.normalize()
    out: list[tuple[str, pd.Timestamp, float, float | None, float | None]] = []

    def emit(metric, frame, num, den=None):
        for month, r in frame.iterrows():
            out.append((metric, month, r[num] if num else None, r[den] if den else None, None))

    c = rows(t["created_month"], n=1, frm=t["frm"], frm_n=t["frm"].notna().astype(int), frbm=t["frbm"],
             frbm_n=t["frbm"].notna().astype(int), unanswered=(~t["is_answered"]).astype(int),
             sla_met=t["sla_met"].astype(int), sla_due=t["has_sla_due"].astype(int),
             sla_breached=t["sla_breached"].astype(int), a24=t["within_24h"].astype(int),
             d24=t["due_24h"].astype(int), inter=t["interaction_count"],
             solved_now=t["is_currently_solved"].astype(int))
    for metric, num, den in (("tickets_created", "n", None), ("first_response_minutes_mean", "frm", "frm_n"),
                             ("first_response_business_minutes_mean", "frbm", "frbm_n"),
                             ("unanswered_tickets", "unanswered", None),
                             ("sla_first_response_compliance", "sla_met", "sla_due"),
                             ("sla_breaches", "sla_breached", None), ("response_rate_24h", "a24", "d24"),
                             ("interactions_per_ticket", "inter", "n"), ("ticket_type_share", "n", "n"),
                             ("resolution_rate", "solved_now", "n")):
        emit(metric, c, num, den)

    st = t[t["first_solved_at"].notna()]
    s = rows(st["solved_month"], n=1, rm=st["rm"], rm_n=st["rm"].notna().astype(int), rbm=st["rbm"],
             rbm_n=st["rbm"].notna().astype(int), fcr=st["is_fcr"].fillna(False).astype(int),
             fcr_n=st["is_fcr"].notna().astype(int), reopened=st["is_reopened"].astype(int))
    for metric, num, den in (("tickets_solved", "n", None), ("resolution_minutes_mean", "rm", "rm_n"),
                             ("resolution_business_minutes_mean", "rbm", "rbm_n"),
                             ("first_contact_resolution_rate", "fcr", "fcr_n"), ("reopen_rate", "reopened", "n")):
        emit(metric, s, num, den)
    rr = pd.concat([s["n"].rename("solved"), c["n"].rename("created")], axis=1)
    # a month with tickets created and none solved: 0 solved, as kpi_scorecard counts it
    rr["solved"] = rr["solved"].where(rr["created"].isna(), rr["solved"].fillna(0))
    emit("resolution_flow_rate", rr, "solved", "created")

    for metric, mcol, col in (("first_response_minutes", "created_month", "frm"),
                              ("first_response_business_minutes", "created_month", "frbm"),
                              ("resolution_minutes", "solved_month", "rm"),
                              ("resolution_business_minutes", "solved_month", "rbm")):
        x = t[[mcol, col]].dropna()
        g = x.groupby(mcol)[col]
        q = g.quantile([0.5, 0.9]).unstack()
        n = g.size()
        for month in q.index:
            out.append((metric + "_median", month, None, float(n[month]), q.loc[month, 0.5]))
            out.append((metric + "_p90", month, None, float(n[month]), q.loc[month, 0.9]))

    # response_rate_7d: the 7 days ending on each month's as-of day
    daily = t.groupby("created_date").agg(num=("within_24h", "sum"), den=("due_24h", "sum"))
    daily = daily[(daily["num"] != 0) | (daily["den"] != 0)]
    for month in sorted(set(daily.index.to_period("M").start_time)):
        end = min(month + pd.offsets.MonthEnd(0), as_of_day)
        w = daily[(daily.index <= end) & (daily.index > end - pd.Timedelta(days=7))]
        if len(w):
            out.append(("response_rate_7d", month, w["num"].sum(), w["den"].sum(), None))

    m = e["messages"]
    inbound = m[(m["author_type"] == "customer") & m["is_public"]]
    emit("messages_inbound", rows(month_of(inbound["created_at"]), n=1), "n")
    r = rows(month_of(replies["replied_at"]), n=1, rs=replies["response_minutes"],
             rn=replies["response_minutes"].notna().astype(int))
    emit("messages_outbound", r, "n")
    emit("response_minutes_mean", r, "rs", "rn")

    # agents
    agents = e["agents"]
    sched_tz = {k.strip().lower(): v for k, v in clock.schedules.items()}
    tz = agents["team"].str.strip().str.lower().map(sched_tz).fillna(clock.schedules.get("default", "UTC"))
    # the agent's own zone when it is a known one, else the team schedule's
    own = agents["timezone"].where(agents["timezone"].isin(zoneinfo.available_timezones()))
    agent_tz = dict(zip(agents["agent_id"], own.fillna(tz)))
    ra = replies[replies["agent_id"].notna()].copy()
    ra["tz"] = ra["agent_id"].map(agent_tz).fillna("UTC")
    parts = []
    for zone, g in ra.groupby("tz"):
        local = g["replied_at"].dt.tz_localize("UTC").dt.tz_convert(zone).dt.tz_localize(None).dt.normalize()
        parts.append(g.assign(shift_date=local))
    ra = pd.concat(parts) if parts else ra.assign(shift_date=pd.NaT)
    reply_days = ra.groupby(["agent_id", "shift_date"])["ticket_id"].nunique().rename("tickets_replied").reset_index()
    sh = e["shifts"][["agent_id", "shift_date", "is_leave"]].assign(has_shift=True)
    ad = sh.merge(reply_days, on=["agent_id", "shift_date"], how="outer")
    ad["is_worked_day"] = ad["has_shift"].fillna(False).astype(bool) & ~ad["is_leave"].fillna(False).astype(bool)
    ad["tickets_replied"] = ad["tickets_replied"].fillna(0)
    a = rows(month_of(ad["shift_date"]), num=ad["tickets_replied"].where(ad["is_worked_day"], 0),
             den=ad["is_worked_day"].astype(int))
    emit("conversations_per_agent_day", a, "num", "den")
    rp = (ra.assign(month=lambda x: month_of(x["shift_date"]))
          .groupby(["month", "agent_id"])["ticket_id"].nunique().rename("n").reset_index())
    wk = ad[ad["is_worked_day"]].assign(month=lambda x: month_of(x["shift_date"]))[["month", "agent_id"]]
    wk = wk.drop_duplicates()
    ap = rp.merge(wk, on=["month", "agent_id"], how="outer")
    ap = ap.groupby("month").agg(num=("n", lambda x: x.fillna(0).sum()), den=("agent_id", "size"))
    emit("conversations_per_agent", ap, "num", "den")

    # backlog snapshots
    lim = pd.read_csv(seeds / "escalation_limits.csv", dtype=str)
    lim = dict(zip(lim["customer_tier"], lim["escalation_limit_days"].astype(float)))
    op = intervals[~intervals["is_solved_status"]]
    first = op["valid_from"].dt.normalize()
    last = op["valid_to"].dt.normalize() - pd.Timedelta(days=1)
    last = last.where(op["valid_to"].notna(), as_of_day)
    span = ((last - first).dt.days + 1).fillna(0).astype(int).clip(lower=0)
    idx = np.repeat(np.arange(len(op)), span.to_numpy())
    offs = np.arange(len(idx)) - np.repeat(np.cumsum(span.to_numpy()) - span.to_numpy(), span.to_numpy())
    day = first.to_numpy()[idx] + offs.astype("timedelta64[D]")
    tix = op["ticket_id"].to_numpy()[idx]
    tk = t.set_index("ticket_id")
    created = tk["created_at"].reindex(tix).to_numpy(dtype="datetime64[us]")
    limit = tk["customer_tier"].map(lim).fillna(lim.get("*", np.nan)).reindex(tix).to_numpy()
    snap_at = np.minimum(day + np.timedelta64(1, "D"), np.datetime64(as_of_at.to_datetime64(), "us"))
    age_h = (epoch(snap_at) - epoch(created)) / 3600.0
    snaps = pd.DataFrame({"day": day, "overdue": (age_h > limit * 24)})
    snaps = snaps[~np.isnat(created)]
    bd = snaps.groupby("day").agg(open=("overdue", "size"), overdue=("overdue", "sum"))
    for metric, col in (("active_tickets", "open"), ("backlog_open", "open"), ("backlog_overdue", "overdue")):
        x = bd[bd[col] != 0][col]
        for month in sorted(set(x.index.to_period("M").start_time)):
            end = min(month + pd.offsets.MonthEnd(0), as_of_day)
            if end in x.index:
                out.append((metric, month, float(x[end]), None, None))

    # phone
    cl = e["calls"]
    ans = cl["answered_at"].notna()
    wait = pd.Series(epoch(cl["answered_at"]) - epoch(cl["queued_at"]), index=cl.index).where(ans)
    # ended - answered already includes hold: handle = connected + wrap-up; hold on its own
    handle = pd.Series(epoch(cl["ended_at"]) - epoch(cl["answered_at"]), index=cl.index).where(ans) + cl[
        "wrap_up_seconds"].astype(float)
    p = rows(month_of(cl["queued_at"]), offered=1, answered=ans.astype(int), wait=wait,
             within=(ans & (wait <= 60)).astype(int), handle=handle, handle_n=handle.notna().astype(int),
             hold=cl["hold_seconds"].astype(float).where(handle.notna()))
    emit("average_wait_seconds", p, "wait", "answered")
    emit("answered_call_rate", p, "answered", "offered")
    emit("call_service_level", p, "within", "offered")
    emit("average_handle_seconds", p, "handle", "handle_n")
    emit("average_hold_seconds", p, "hold", "handle_n")
    p_walk_in = rows(month_of(cl["queued_at"]), n=cl["ticket_id"].isna().astype(int))
    conv_total = pd.concat([c["n"], p_walk_in["n"]], axis=1).sum(axis=1).to_frame("n")
    emit("conversations_total", conv_total, "n")

    # surveys
    sv = e["surveys"]
    resp = sv[sv["responded_at"].notna()]
    typ, scale, score = resp["survey_type"], resp["survey_scale"], resp["score"].astype(float)
    csat = (typ == "csat") & score.notna() & scale.isin(["csat_5", "csat_3", "csat_2"])
    sat = csat & (((scale == "csat_5") & (score >= 4)) | ((scale == "csat_3") & (score == 3))
                  | ((scale == "csat_2") & (score == 2)))
    npsn = (typ == "nps") & score.notna()
    net = np.where(npsn & (score >= 9), 1, np.where(npsn & (score <= 6), -1, 0))
    cesn = (typ == "ces") & score.notna()
    # CES on 1-7: a 1-10 answer x counts as 1 + (x - 1) * 6 / 9; each scale also on its own
    ces7, ces10 = (typ == "ces") & (scale == "ces_7"), (typ == "ces") & (scale == "ces_10")
    ces_on_7 = score.where(ces7, (1 + (score - 1) * 6 / 9).where(ces10))
    a = rows(month_of(resp["responded_at"]), sat=sat.astype(int), csat_n=csat.astype(int), net=net,
             nps_n=npsn.astype(int), ces=ces_on_7, ces_n=cesn.astype(int),
             ces7=score.where(ces7), ces7_n=(ces7 & score.notna()).astype(int),
             ces10=score.where(ces10), ces10_n=(ces10 & score.notna()).astype(int))
    emit("csat_score", a, "sat", "csat_n")
    emit("nps", a, "net", "nps_n")
    emit("ces_score", a, "ces", "ces_n")
    emit("ces_7_score", a, "ces7", "ces7_n")
    emit("ces_10_score", a, "ces10", "ces10_n")
    emit("survey_response_rate", rows(month_of(sv["sent_at"]), r=sv["responded_at"].notna().astype(int), n=1),
         "r", "n")

    rv = e["reviews"]
    f = rows(month_of(rv["created_at"]), n=1, pos=(rv["rating"] >= 4).astype(int), neg=(rv["rating"] <= 2).astype(int))
    emit("positive_feedback_rate", f, "pos", "n")
    emit("negative_feedback_rate", f, "neg", "n")

    # orders
    o = e["orders"].merge(e["products"][["product_id", "category", "product_tier"]], on="product_id", how="left")
    o = o.sort_values(["customer_id", "ordered_at", "order_id"], kind="stable").reset_index(drop=True)
    o["order_number"] = o.groupby("customer_id").cumcount() + 1
    cat_key = o["category"].fillna("\x00")
    g = o.groupby([o["customer_id"], cat_key], sort=False)
    o["prior_in_category"] = g.cumcount()
    o["prior_max_tier"] = g["product_tier"].transform(lambda x: x.astype(float).cummax().shift())
    neg = set(rv.loc[rv["order_id"].notna() & (rv["rating"] <= 2), "order_id"])
    returning = o["order_number"] > 1
    new_cat = (returning & o["category"].notna() & (o["prior_in_category"] == 0)).fillna(False)
    upsell = (o["category"].notna() & (o["product_tier"].astype(float) > o["prior_max_tier"])).fillna(False)
    shipped = o["order_status"].isin(["shipped", "returned"])
    on_time = o["is_shipped_on_time"].where(shipped)
    # a negative review, an A-to-z claim or a chargeback; a cancellation is not a defect
    defective = (o["order_id"].isin(neg) | o["has_a_to_z_claim"].fillna(False).astype(bool)
                 | o["has_chargeback"].fillna(False).astype(bool))
    om = month_of(o["ordered_at"])
    r = rows(om, n=1, defective=defective.astype(int), cancelled=(o["order_status"] == "cancelled").astype(int),
             on_time=on_time.fillna(False).astype(int), shipped_n=on_time.notna().astype(int),
             repeat_orders=returning.astype(int), repeat_amount=o["amount"].where(returning, 0.0),
             amount=o["amount"])
    emit("order_defect_rate", r, "defective", "n")
    emit("cancellation_rate", r, "cancelled", "n")
    emit("on_time_shipment_rate", r, "on_time", "shipped_n")
    emit("repeat_sales_orders", r, "repeat_orders")
    emit("repeat_sales_amount", r, "repeat_amount")
    emit("repeat_sales_order_share", r, "repeat_orders", "n")
    emit("repeat_sales_amount_share", r, "repeat_amount", "amount")
    cm = pd.DataFrame({"customer_id": o["customer_id"], "month": om, "ret": returning, "new": new_cat, "up": upsell})
    cm = cm.groupby(["customer_id", "month"]).agg(n=("ret", "size"), ret=("ret", "any"), new=("new", "any"),
                                                  up=("up", "any"))
    # a repeat purchaser had ordered before: earlier in the month or any time before
    cm = cm.groupby("month").agg(rep=("ret", "sum"), buyers=("n", "size"),
                                 cross=("new", "sum"), ups=("up", "sum"), ret=("ret", "sum"))
    emit("repeat_purchase_rate", cm, "rep", "buyers")
    emit("cross_sell_rate", cm, "cross", "ret")
    emit("upsell_rate", cm, "ups", "ret")

    # self-service
    ss = e["sessions"]
    res = ss[ss["is_resolved"] & ss["ticket_id"].isna()]
    sr = pd.concat([rows(month_of(res["started_at"]), resolved=1), c["n"].rename("created")], axis=1).fillna(0)
    sr["den"] = sr["resolved"] + sr["created"]
    emit("self_service_rate", sr, "resolved", "den")

    # churn
    cu = e["customers"]
    active_from = cu["created_at"].dt.normalize()
    churned_on = cu["churned_at"].dt.normalize()
    first_month = active_from.min().to_period("M").start_time
    last_day = churned_on.fillna(active_from).max()
    first_churn = churned_on.min()  # coverage: months ending before it are not published
    month = first_month
    af, co = active_from.to_numpy(), churned_on.to_numpy()
    while month <= last_day:
        nxt = month + pd.offsets.MonthBegin(1)
        active = (af < month.to_datetime64()) & (np.isnat(co) | (co >= month.to_datetime64()))
        den = int(active.sum())
        num = int((active & ~np.isnat(co) & (co < nxt.to_datetime64())).sum())
        if nxt > first_churn:
            out.append(("churn_rate", month, num, den, None))
        month = nxt

    res_df = pd.DataFrame(out, columns=["metric_id", "period_start", "numerator", "denominator", "pct"])
    res_df["numerator"] = pd.to_numeric(res_df["numerator"], errors="coerce").astype(float)
    res_df["denominator"] = pd.to_numeric(res_df["denominator"], errors="coerce").astype(float)
    res_df = res_df[(res_df["numerator"].fillna(0) != 0) | (res_df["denominator"].fillna(0) != 0)]
    catalog = pd.read_csv(seeds / "metric_catalog.csv", dtype=str)[["metric_id", "value_type"]]
    res_df = res_df.merge(catalog, on="metric_id")
    num, den = res_df["numerator"], res_df["denominator"].where(res_df["denominator"] != 0)
    res_df["value"] = np.select(
        [res_df["value_type"] == "count", res_df["value_type"] == "percentage", res_df["value_type"] == "ratio"],
        [num, 100 * num / den, num / den], default=res_df["pct"].astype(float))
    res_df["period_start"] = pd.to_datetime(res_df["period_start"]).dt.date
    return (res_df[["metric_id", "period_start", "value", "numerator", "denominator"]]
            .sort_values(["metric_id", "period_start"]).reset_index(drop=True))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("landing", type=Path)
    p.add_argument("--seeds", type=Path, default=REPO / "seeds")
    p.add_argument("--out", type=Path, default=None, help="write the result here (.parquet or .csv)")
    args = p.parse_args(argv)
    t0 = time.monotonic()
    result = compute(args.landing, args.seeds)
    elapsed = time.monotonic() - t0
    if args.out:
        (result.to_parquet if args.out.suffix == ".parquet" else result.to_csv)(args.out, index=False)
    print(f"pandas baseline: {len(result)} metric-months in {elapsed:.1f}s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
