"""Realistic demo extracts for every entity of the input contract (docs/input_contract.md).

`generate()` simulates a support organisation over a window of days: customers, agents in
follow-the-sun teams with daily shifts (DST-aware), tickets arriving by hour and weekday, their
conversations and status histories, calls, surveys, orders, reviews and self-service sessions.
It then adds a small share of bad rows of every rejection class and lists them in
`<out>/_bad_rows.json`.

Every column is drawn with NumPy in whole-array operations and written by DuckDB `COPY` from
registered NumPy arrays; timestamps are int64 epoch seconds until DuckDB formats them. Nothing
loops per row, so a million tickets take well under two minutes on two cores.

Conventions of the int64 columns: `NA` is null; `NA + 1 + k` is the k-th malformed value of the
column's kind (a bad row); `INF` is "never happens". Anything at or after the extract cut-off
(end of `end_date`, UTC) has not happened yet and is not written.
"""

from __future__ import annotations

import re
import sys
import time
import unicodedata
import zlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import numpy as np

from support_warehouse.contract import ACCEPTED_VALUES, ENTITIES, SCALE_RANGES

__all__ = ["generate", "BAD_ROW_RULES", "RULE_NAMES", "MANIFEST_NAME"]

MANIFEST_NAME = "_bad_rows.json"
REFERENCE_ENTITIES = ("customers", "agents", "products")  # always whole, in the history file

MINUTE, HOUR, DAY = 60, 3_600, 86_400
NA = -(2**62)
INF = 2**62

# Values no ISO-8601 / number parser accepts (checked against DuckDB's try_cast).
BAD_TIMESTAMPS = ("2026-13-45T99:00", "31/10/2026 25:61", "2026-02-30T10:00:00Z", "not a date", "2026-10-31 7pm")
BAD_DATES = ("2026-02-30", "31.10.2026", "2026-13-01")
BAD_NUMBERS = ("n/a", "twelve", "12,5", "--", "1O")

# A share of rows is written in a local offset instead of Z (same instant) to exercise parsers.
OFFSETS = ((0, "Z"), (120, "+02:00"), (-300, "-05:00"), (540, "+09:00"), (330, "+05:30"), (-180, "-03:00"))
OFFSET_SHARE = 0.12

# ---------------------------------------------------------------- reference vocabularies

TIERS = ACCEPTED_VALUES[("customers", "tier")]
PRIORITIES = ACCEPTED_VALUES[("tickets", "priority")]
STATUSES = ACCEPTED_VALUES[("tickets", "status")]
AUTHOR_TYPES = ACCEPTED_VALUES[("ticket_messages", "author_type")]
SURVEY_TYPES = ACCEPTED_VALUES[("survey_responses", "survey_type")]
SCALES = ACCEPTED_VALUES[("survey_responses", "scale")]
ORDER_STATUSES = ACCEPTED_VALUES[("orders", "status")]
SOURCES = ACCEPTED_VALUES[("self_service_sessions", "source")]
S_NEW, S_OPEN, S_PENDING, S_HOLD, S_SOLVED, S_CLOSED = (STATUSES.index(s) for s in
                                                         ("new", "open", "pending", "on_hold", "solved", "closed"))
A_CUSTOMER, A_AGENT, A_BOT, A_SYSTEM = (AUTHOR_TYPES.index(a) for a in ("customer", "agent", "bot", "system"))
O_PLACED, O_SHIPPED, O_CANCELLED, O_RETURNED = (ORDER_STATUSES.index(o) for o in
                                                ("placed", "shipped", "cancelled", "returned"))


@dataclass(frozen=True)
class _Channel:
    name: str
    share: float
    first_reply_min: float  # median minutes to the first agent reply, before shift delays
    next_reply_min: float  # median minutes for later agent replies
    customer_min: float  # median minutes a customer takes to write back
    sigma: float
    bot: bool  # an auto-reply acknowledges the ticket within seconds
    csat_scale: str | None  # marketplaces forbid sellers' own surveys
    rounds: tuple[float, ...]  # P(1..4 agent replies before the first solve)


CHANNELS = (
    _Channel("email", 0.30, 100, 90, 240, 1.0, False, "csat_5", (0.50, 0.29, 0.14, 0.07)),
    _Channel("chat", 0.22, 1.5, 0.8, 0.8, 0.8, True, "csat_3", (0.60, 0.25, 0.10, 0.05)),
    _Channel("phone", 0.14, 0.0, 120, 1440, 1.0, False, "csat_5", (0.80, 0.15, 0.05, 0.00)),
    _Channel("web_form", 0.12, 90, 90, 240, 1.0, True, "csat_2", (0.50, 0.29, 0.14, 0.07)),  # good/bad rating
    _Channel("facebook", 0.06, 30, 30, 60, 1.0, False, "csat_3", (0.55, 0.27, 0.12, 0.06)),
    _Channel("instagram", 0.04, 45, 40, 60, 1.0, False, "csat_3", (0.55, 0.27, 0.12, 0.06)),
    _Channel("amazon", 0.08, 200, 180, 480, 0.9, False, None, (0.50, 0.30, 0.14, 0.06)),
    _Channel("ebay", 0.04, 240, 200, 480, 0.9, False, None, (0.50, 0.30, 0.14, 0.06)),
)
CH = {c.name: i for i, c in enumerate(CHANNELS)}
PHONE = CH["phone"]
CALL_WAIT_MEDIAN_S = 38  # queue wait; with the spread below roughly 70 % are answered within 60 s

TICKET_TYPES = ("billing", "shipping", "returns", "technical", "account", "product_question", "order_change",
                "product_recall")
LATE_TYPE = TICKET_TYPES.index("product_recall")  # a recall campaign: appears only in the last weeks
TYPE_MIX = {  # by channel group; the late type is switched on by date, not drawn here
    "default": (0.17, 0.20, 0.13, 0.20, 0.12, 0.12, 0.06, 0.0),
    "marketplace": (0.05, 0.40, 0.30, 0.0, 0.0, 0.15, 0.10, 0.0),
}
PRIORITY_MIX = ((0.25, 0.55, 0.15, 0.05), (0.15, 0.55, 0.22, 0.08), (0.05, 0.45, 0.35, 0.15))  # by tier
PRIORITY_SPEED = np.array([1.3, 1.0, 0.7, 0.4])
TIER_MIX = (0.75, 0.20, 0.05)
TIER_ACTIVITY = np.array([1.0, 1.6, 3.0])
TIER_SPEED = np.array([1.0, 0.8, 0.6])

COUNTRIES = ("DE", "US", "GB", "FR", "NL", "ES", "IT", "AT", "CH", "SE", "PL", "KR", "JP", "CA", "AU", "BR", "MX", "IN")
COUNTRY_MIX = (18, 22, 10, 8, 5, 5, 5, 3, 3, 2, 3, 4, 3, 3, 2, 2, 1, 1)

# Follow-the-sun teams: (name, IANA zone, local shift start hour, share of agents). Berlin and
# New York observe DST, so shift hours move in UTC inside a typical window.
TEAMS = (
    ("EMEA", "Europe/Berlin", 8, 0.34),
    ("Americas", "America/New_York", 10, 0.30),
    ("APAC", "Asia/Seoul", 9, 0.20),
    ("Global", "UTC", 11, 0.16),
)

FIRST_NAMES = ("Anna", "Lukas", "Sofia", "Jonas", "Emma", "Noah", "Mia", "Elias", "Léa", "Hugo", "Zoë", "Jürgen",
               "Søren", "Chloé", "Mateo", "Lucía", "Olivia", "Liam", "Ava", "James", "Emily", "Ethan", "Grace",
               "Daniel", "Hannah", "Minjun", "Seoyeon", "Jiho", "Haruto", "Yui", "Wei", "Fang", "Priya", "Arjun",
               "Fatima", "Omar", "Kofi", "Amara", "Inês", "Björn")
LAST_NAMES = ("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Dubois", "Martin",
              "Bernard", "García", "Martínez", "López", "Rossi", "Russo", "Smith", "Johnson", "Williams", "Brown",
              "Jones", "Miller", "Davis", "Wilson", "Kim", "Lee", "Park", "Choi", "Tanaka", "Suzuki", "Sato", "Wang",
              "Li", "Zhang", "Chen", "Singh", "Patel", "O'Brien", "Nowak", "Jansen", "Andersson", "Silva")
EMAIL_DOMAINS = ("example.com", "example.org", "example.net", "mail.example.com")

CATEGORIES = (  # (category, base price in EUR, products)
    ("electronics", 49, ("Headphones", "Speaker", "Charger", "Smartwatch")),
    ("home", 39, ("Lamp", "Kettle", "Blanket", "Vacuum")),
    ("kitchen", 35, ("Knife Set", "Blender", "Coffee Grinder", "Pan")),
    ("garden", 45, ("Hose", "Planter", "Lawn Trimmer", "Grill")),
    ("toys", 25, ("Puzzle", "Robot Kit", "Plush Bear", "Board Game")),
    ("beauty", 29, ("Face Cream", "Hair Dryer", "Perfume", "Shaver")),
    ("sports", 35, ("Yoga Mat", "Dumbbells", "Running Shoes", "Bike Light")),
    ("books", 15, ("Cookbook", "Travel Guide", "Novel", "Atlas")),
)
PRODUCT_TIERS = (("Basic", 1.0), ("Plus", 1.8), ("Pro", 3.2))
SALES_CHANNELS = ("shopify", "amazon", "ebay")  # reviews land on the same marketplace

# Survey comments by sentiment; some carry commas, quotes and non-ASCII text on purpose.
COMMENTS = {
    "bad": ("Took days to get an answer.", "Still not fixed, very disappointed",
            'Agent said "we will call back", never did',
            "Nobody read my first message", "Sehr langsam, leider."),
    "ok": ("OK, but I had to explain twice.", "Fine", "Answer was correct, a bit slow", "Ça va."),
    "good": ("Super fast, thanks!", "Great help, problem solved", "Very friendly agent",
             "정말 빨라요, 감사합니다",
             "很满意", "Perfect 👍"),
}
COMMENT_LABELS = tuple(c for group in COMMENTS.values() for c in group)

# Hourly arrival weights in UTC: Europe's morning and the Americas' afternoon, a trough at night.
HOUR_PROFILE = np.array([1.2, 0.8, 0.6, 0.5, 0.6, 1.0, 2.0, 3.5, 5.0, 6.0, 6.3, 6.2,
                         5.8, 6.0, 6.4, 6.6, 6.2, 5.6, 4.8, 4.2, 3.6, 3.0, 2.4, 1.8])
SHOPPING_PROFILE = np.array([1.5, 1.0, 0.7, 0.5, 0.5, 0.8, 1.5, 2.5, 3.2, 3.6, 3.8, 4.0,
                             4.4, 4.2, 4.0, 4.1, 4.4, 4.9, 5.6, 6.2, 6.4, 5.6, 4.2, 2.6])
WEEKDAY_PROFILE = np.array([1.18, 1.12, 1.08, 1.05, 0.98, 0.62, 0.55])  # Monday first

# ---------------------------------------------------------------- bad rows

# rule -> columns it is applied to, per entity. Every rule class of docs/input_contract.md appears somewhere.
BAD_ROW_RULES: dict[str, dict[str, tuple[str, ...]]] = {
    "customers": {"malformed_timestamp": ("created_at",), "unknown_value": ("tier",), "duplicate_key": ("country",)},
    "agents": {"malformed_timestamp": ("hired_at",), "duplicate_key": ("team",)},
    "agent_shifts": {"malformed_timestamp": ("shift_date",), "non_numeric": ("scheduled_minutes",),
                     "negative_duration": ("scheduled_minutes",), "duplicate_key": ("scheduled_minutes",)},
    "tickets": {"malformed_timestamp": ("created_at", "updated_at"), "unknown_value": ("channel", "status", "priority"),
                "negative_duration": ("updated_at",), "duplicate_key": ("priority",)},
    "ticket_messages": {"malformed_timestamp": ("created_at",), "unknown_ticket": ("ticket_id",),
                        "reply_before_ticket": ("created_at",), "unknown_value": ("author_type",),
                        "duplicate_key": ("is_public",)},
    "ticket_status_changes": {"unknown_ticket": ("ticket_id",), "unknown_value": ("status",),
                              "duplicate_key": ("status",)},
    "calls": {"malformed_timestamp": ("queued_at", "answered_at"), "non_numeric": ("hold_seconds", "wrap_up_seconds"),
              "negative_duration": ("hold_seconds", "ended_at"), "unknown_ticket": ("ticket_id",),
              "duplicate_key": ("wrap_up_seconds",)},
    "survey_responses": {"malformed_timestamp": ("sent_at", "responded_at"), "score_out_of_scale": ("score",),
                         "non_numeric": ("score",), "negative_duration": ("responded_at",),
                         "unknown_ticket": ("ticket_id",), "unknown_value": ("scale", "survey_type"),
                         "duplicate_key": ("sent_at",)},
    "reviews": {"malformed_timestamp": ("created_at",), "score_out_of_scale": ("rating",), "non_numeric": ("rating",),
                "duplicate_key": ("marketplace",)},
    "orders": {"malformed_timestamp": ("ordered_at",), "non_numeric": ("quantity", "amount"),
               "unknown_value": ("status",), "duplicate_key": ("quantity",)},
    "products": {"non_numeric": ("price",), "duplicate_key": ("price",)},
    "self_service_sessions": {"malformed_timestamp": ("started_at",), "unknown_ticket": ("ticket_id",),
                              "unknown_value": ("source",), "duplicate_key": ("source",)},
}
RULE_NAMES = ("malformed_timestamp", "non_numeric", "score_out_of_scale", "unknown_ticket", "reply_before_ticket",
              "duplicate_key", "negative_duration", "unknown_value")
# A negative duration on a timestamp puts it before the timestamp it is measured from.
DURATION_START = {"updated_at": "created_at", "ended_at": "answered_at", "responded_at": "sent_at"}

# ---------------------------------------------------------------- output columns


@dataclass(frozen=True)
class Col:
    kind: str  # id | ts | date | int | cents | bool | cat | sql
    src: str = ""
    fmt: str = ""  # id: printf pattern
    labels: tuple[str, ...] = ()  # cat: accepted labels first, then unknown ones for bad rows
    n_good: int = 0
    sql: str = ""


def _id(src: str, fmt: str) -> Col:
    return Col("id", src, fmt=fmt)


def _cat(src: str, labels: tuple[str, ...], unknown: tuple[str, ...] = ()) -> Col:
    return Col("cat", src, labels=tuple(labels) + tuple(unknown), n_good=len(labels))


def _lit(values) -> str:
    return "[" + ", ".join("'" + str(v).replace("'", "''") + "'" for v in values) + "]"


def _lit_int(values) -> str:
    return "[" + ", ".join(str(int(v)) for v in values) + "]"


def _with_sentinels(x: str, value: str, bad: tuple[str, ...]) -> str:
    return (f"CASE WHEN {x} = {NA} THEN NULL WHEN {x} <= {NA + len(bad)} THEN {_lit(bad)}[{x} - ({NA})] "
            f"ELSE {value} END")


def _col_sql(c: Col) -> str:
    x = f'"{c.src}"'  # sources like "left" are SQL keywords
    if c.kind == "id":
        return f"CASE WHEN {x} <> {NA} THEN printf('{c.fmt}', {x}) END"
    if c.kind == "ts":
        shifted = f"make_timestamp(({x} + {_lit_int(o for o, _ in OFFSETS)}[_tz + 1] * 60) * 1000000)"
        value = f"strftime({shifted}, '%Y-%m-%dT%H:%M:%S') || {_lit(s for _, s in OFFSETS)}[_tz + 1]"
        return _with_sentinels(x, value, BAD_TIMESTAMPS)
    if c.kind == "date":
        return _with_sentinels(x, f"strftime(make_timestamp({x} * 1000000), '%Y-%m-%d')", BAD_DATES)
    if c.kind == "int":
        return _with_sentinels(x, f"{x}::VARCHAR", BAD_NUMBERS)
    if c.kind == "cents":
        return _with_sentinels(x, f"({x}::DECIMAL(18, 0) / 100)::DECIMAL(18, 2)::VARCHAR", BAD_NUMBERS)
    if c.kind == "bool":
        return f"CASE {x} WHEN 1 THEN 'true' WHEN 0 THEN 'false' END"
    if c.kind == "cat":
        return f"{_lit(c.labels)}[{x} + 1]"
    return c.sql


def _is_na(c: Col, values: np.ndarray) -> np.ndarray:
    return values < 0 if c.kind in ("cat", "bool") else values == NA


@dataclass
class Table:
    entity: str
    cols: dict[str, np.ndarray]  # int64/int8 arrays; `_tz` is the row's offset code
    out: dict[str, Col]  # output column -> format, in file order
    file: np.ndarray  # 0 = history file, k = k-th nightly file; rows are sorted by it

    @property
    def n(self) -> int:
        return len(self.file)


# ---------------------------------------------------------------- small numeric helpers


def _rng(seed: int, stream: str) -> np.random.Generator:
    # One independent stream per part, so a change in one part leaves the others' draws alone.
    return np.random.default_rng([seed, zlib.crc32(stream.encode())])


def _logn(rng: np.random.Generator, median, sigma: float, n: int) -> np.ndarray:
    return np.asarray(median, dtype=float) * np.exp(rng.normal(0.0, sigma, n))


def _secs(x: np.ndarray, lo: int = 1) -> np.ndarray:
    return np.maximum(np.rint(x), lo).astype(np.int64)


def _choice_by_group(rng: np.random.Generator, group: np.ndarray, probs) -> np.ndarray:
    """One draw per row from the categorical distribution of the row's group (rows of `probs`)."""
    p = np.asarray(probs, dtype=float)
    p = p / p.sum(axis=1, keepdims=True)
    cum = np.cumsum(p, axis=1)
    cum[:, -1] = 1.0
    flat = (cum + np.arange(len(p))[:, None]).ravel()
    pos = np.searchsorted(flat, group + rng.random(len(group)), side="right")
    return np.minimum(pos - group * p.shape[1], p.shape[1] - 1).astype(np.int8)


def _choice(rng: np.random.Generator, weights, n: int) -> np.ndarray:
    w = np.asarray(weights, dtype=float)
    return rng.choice(len(w), size=n, p=w / w.sum())


def _offsets(rng: np.random.Generator, n: int) -> np.ndarray:
    return np.where(rng.random(n) < OFFSET_SHARE, rng.integers(1, len(OFFSETS), n), 0).astype(np.int8)


def _group_starts(group: np.ndarray, n_groups: int) -> np.ndarray:
    return np.searchsorted(group, np.arange(n_groups))


def _strictly_increasing(t: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Times sorted within contiguous groups, nudged so no two in a group share a second."""
    starts = _group_starts(group, int(group[-1]) + 1 if len(group) else 0)
    k = np.arange(len(t)) - starts[group]
    lift = group.astype(np.int64) << 34  # keeps the running max from leaking across groups
    return np.maximum.accumulate(t - k + lift) - lift + k


def _ascii(name: str) -> str:
    return re.sub(r"[^a-z]", "", unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower())


def _person_sql(email_sql: str) -> tuple[Col, Col]:
    """name and email columns from the first/last name codes `first` and `last`."""
    first, last = f'{_lit(FIRST_NAMES)}["first" + 1]', f'{_lit(LAST_NAMES)}["last" + 1]'
    name = Col("sql", sql=f"{first} || ' ' || {last}")
    local = (f'{_lit(_ascii(n) for n in FIRST_NAMES)}["first" + 1] || \'.\' || '
             f'{_lit(_ascii(n) for n in LAST_NAMES)}["last" + 1]')
    return name, Col("sql", sql=email_sql.format(local=local))


# ---------------------------------------------------------------- the simulation


class _Sim:
    def __init__(self, tickets: int, days: int, seed: int, end_date: date, nights: int, progress: bool):
        self.n_tickets, self.days, self.seed, self.nights = tickets, days, seed, nights
        self.start_date = end_date - timedelta(days=days - 1)
        self.t0 = int(datetime(self.start_date.year, self.start_date.month, self.start_date.day,
                               tzinfo=timezone.utc).timestamp())
        self.t_end = self.t0 + days * DAY  # extract cut-off
        self.slots = days * 24
        self.progress = progress
        self.clock = time.perf_counter()
        day_rng = self.rng("days")
        dow = (self.start_date.weekday() + np.arange(days)) % 7
        trend = 1.0 + 0.15 * np.arange(days) / max(days - 1, 1)
        spikes = np.where(day_rng.random(days) < 0.02, 1.6, 1.0)  # an outage now and then
        self.day_weight = WEEKDAY_PROFILE[dow] * trend * spikes * np.exp(day_rng.normal(0, 0.08, days))

    def rng(self, stream: str) -> np.random.Generator:
        return _rng(self.seed, stream)

    def log(self, message: str) -> None:
        if self.progress:
            print(f"[generate {time.perf_counter() - self.clock:6.1f}s] {message}", file=sys.stderr, flush=True)

    def arrivals(self, rng: np.random.Generator, n: int, hour_profile: np.ndarray) -> np.ndarray:
        """n sorted epoch seconds inside the window, following the day and hour profiles."""
        p = (self.day_weight[:, None] * hour_profile[None, :]).ravel()
        slot = np.repeat(np.arange(self.slots), rng.multinomial(n, p / p.sum()))
        return np.sort(self.t0 + slot * HOUR + rng.integers(0, HOUR, n))

    def file_of(self, t: np.ndarray) -> np.ndarray:
        """History (0) or the nightly file (1..nights) a row dated t belongs to."""
        day = np.floor_divide(np.minimum(t, self.t_end - 1) - self.t0, DAY)
        return np.clip(day - (self.days - self.nights) + 1, 0, self.nights).astype(np.int16)

    # ------------------------------------------------------------ agents and shifts

    def agents(self) -> None:
        rng = self.rng("agents")
        per_day = self.n_tickets / self.days
        n = int(np.clip(round(per_day / 25), 25, 40))
        share = np.array([t[3] for t in TEAMS])
        counts = np.floor(share * n).astype(int)
        counts[: n - counts.sum()] += 1
        team = np.repeat(np.arange(len(TEAMS)), counts)
        # Two newcomers start and two leave inside the window; the rest were hired long before.
        first_day = -rng.integers(60, 5 * 365, n)
        last_day = np.full(n, self.days)
        order = rng.permutation(n)
        first_day[order[:2]] = rng.integers(1, max(self.days // 2, 2), 2)
        last_day[order[2:4]] = rng.integers(self.days // 2, max(self.days - 7, self.days // 2 + 1), 2)
        hired = self.t0 + first_day * DAY - rng.integers(12, 16, n) * HOUR  # signed the day before day one
        left = np.where(last_day < self.days, self.t0 + (last_day + 1) * DAY + rng.integers(6, 12, n) * HOUR, NA)
        self.agent = dict(team=team, hired=hired, left=left, first=rng.integers(0, len(FIRST_NAMES), n),
                          last=rng.integers(0, len(LAST_NAMES), n), speed=_logn(rng, 1.0, 0.35, n),
                          quality=rng.normal(0, 0.35, n))
        self.n_agents = n

        # Which local dates each agent works: employed, not a day off; leave days still get a row.
        d = np.arange(self.days)
        dow = (self.start_date.weekday() + d) % 7
        first_off = np.where(rng.random(n) < 0.7, 5, rng.integers(0, 7, n))  # most take the weekend off
        off = ((dow[None, :] - first_off[:, None]) % 7) < 2
        scheduled = (d[None, :] >= first_day[:, None]) & (d[None, :] <= last_day[:, None]) & ~off
        n_blocks = 3
        block_start = rng.integers(-10, self.days, (n, n_blocks))
        block_len = np.where(rng.random((n, n_blocks)) < 1.5 * self.days / 365 / n_blocks,
                             rng.integers(3, 11, (n, n_blocks)), 0)
        vacation = ((d[None, None, :] >= block_start[:, :, None])
                    & (d[None, None, :] < (block_start + block_len)[:, :, None])).any(axis=1)
        leave = scheduled & (vacation | (rng.random((n, self.days)) < 0.02))
        minutes = np.where(rng.random(n) < 0.12, 240, 480)

        # Shift start in UTC: local start hour minus the zone's offset on that date (DST-aware).
        start_hour = np.array([t[2] for t in TEAMS])[team] + rng.choice([-1, 0, 1, 2], n, p=[0.2, 0.45, 0.2, 0.15])
        offset = np.array([[ZoneInfo(tz).utcoffset(datetime(x.year, x.month, x.day, 12)).total_seconds()
                            for x in (self.start_date + timedelta(days=int(i)) for i in d)]
                           for _, tz, _, _ in TEAMS], dtype=np.int64)
        ai, di = np.nonzero(scheduled & ~leave)
        first_slot = (di * DAY + start_hour[ai] * HOUR - offset[team[ai], di]) // HOUR
        length = minutes[ai] // 60
        slot = np.repeat(first_slot, length) + (np.arange(length.sum()) - np.repeat(np.cumsum(length) - length, length))
        agent = np.repeat(ai, length)
        keep = (slot >= 0) & (slot < self.slots)
        staffed = np.zeros((n, self.slots), bool)
        staffed[agent[keep], slot[keep]] = True

        idx = np.where(staffed, np.arange(self.slots), self.slots)
        self.next_staffed = np.concatenate(
            [np.minimum.accumulate(idx[:, ::-1], axis=1)[:, ::-1], np.full((n, 1), self.slots)], axis=1)
        self.slot_count = np.append(staffed.sum(axis=0), 0)
        self.slot_ptr = np.concatenate([[0], np.cumsum(self.slot_count)])
        self.slot_agents = np.nonzero(staffed.T)[1]
        any_idx = np.where(self.slot_count > 0, np.arange(self.slots + 1), self.slots)
        self.next_any = np.minimum.accumulate(any_idx[::-1])[::-1]

        si, sd = np.nonzero(scheduled)
        self.shifts = dict(agent=si + 1, day=self.t0 + sd * DAY, minutes=minutes[si].astype(np.int64),
                           leave=leave[si, sd].astype(np.int8))
        self.log(f"agents: {n} in {len(TEAMS)} teams, {len(si):,} shifts")

    def slot(self, t: np.ndarray) -> np.ndarray:
        return np.clip((t - self.t0) // HOUR, 0, self.slots - 1)

    def pick_agent(self, rng: np.random.Generator, t: np.ndarray, wait_for_shift: bool = True) -> np.ndarray:
        """A random agent on shift at t (or at the next staffed hour); -1 when there is none."""
        s = self.slot(t)
        s = self.next_any[s] if wait_for_shift else s
        count = self.slot_count[s]
        u = rng.random(len(t))
        ok = (count > 0) & (t < self.t_end)
        agent = np.full(len(t), -1, np.int64)
        agent[ok] = self.slot_agents[self.slot_ptr[s[ok]] + (u[ok] * count[ok]).astype(np.int64)]
        return agent

    def snap(self, rng: np.random.Generator, agent: np.ndarray, t: np.ndarray) -> np.ndarray:
        """Earliest moment >= t at which `agent` is on shift (agents only act while working)."""
        jitter = rng.integers(0, 20 * MINUTE, len(t))
        out = np.full(len(t), INF, np.int64)
        ok = (agent >= 0) & (t < self.t_end)
        s = self.slot(t[ok])
        s2 = self.next_staffed[agent[ok], s]
        moved = np.where(s2 != s, self.t0 + s2 * HOUR + jitter[ok], t[ok])
        out[ok] = np.where(s2 >= self.slots, INF, moved)
        return out

    # ------------------------------------------------------------ customers (base), products

    def customers_base(self) -> None:
        rng = self.rng("customers")
        n = max(200, round(0.5 * self.n_tickets))
        tier = _choice(rng, TIER_MIX, n).astype(np.int8)
        self.customer = dict(tier=tier, country=_choice(rng, COUNTRY_MIX, n).astype(np.int8),
                             first=rng.integers(0, len(FIRST_NAMES), n), last=rng.integers(0, len(LAST_NAMES), n),
                             domain=rng.integers(0, len(EMAIL_DOMAINS), n),
                             weight=_logn(rng, 1.0, 1.0, n) * TIER_ACTIVITY[tier])
        self.n_customers = n
        self.bad_experience = np.zeros(n, bool)

    def pick_customers(self, rng: np.random.Generator, n: int, power: float = 1.0) -> np.ndarray:
        return _choice(rng, self.customer["weight"] ** power, n)

    def products(self) -> None:
        rng = self.rng("products")
        cat, noun, tier = (a.ravel() for a in np.meshgrid(np.arange(len(CATEGORIES)), np.arange(4),
                                                          np.arange(len(PRODUCT_TIERS)), indexing="ij"))
        base = np.array([c[1] for c in CATEGORIES])[cat] * np.array([t[1] for t in PRODUCT_TIERS])[tier]
        price = np.rint(base * rng.uniform(0.8, 1.4, len(cat))).astype(np.int64) * 100 - 1
        names = tuple(f"{CATEGORIES[c][2][m]} {PRODUCT_TIERS[t][0]}" for c, m, t in zip(cat, noun, tier))
        # product index = (category * 4 + noun) * 3 + tier, so orders can pick by category and tier
        self.product = dict(category=cat.astype(np.int8), tier=tier.astype(np.int64) + 1, price=price,
                            name=np.arange(len(cat), dtype=np.int16), names=names)

    # ------------------------------------------------------------ tickets and their conversations

    def tickets(self) -> None:
        rng = self.rng("tickets")
        n = self.n_tickets
        created = self.arrivals(rng, n, HOUR_PROFILE)
        chan = _choice(rng, [c.share for c in CHANNELS], n).astype(np.int8)
        cust = self.pick_customers(rng, n)
        market = np.isin(chan, [CH["amazon"], CH["ebay"]]).astype(np.int64)
        typ = _choice_by_group(rng, market, [TYPE_MIX["default"], TYPE_MIX["marketplace"]])
        late_days = min(21, max(1, self.days // 6))
        late_from = self.t_end - late_days * DAY
        ramp = np.clip((created - late_from) / (late_days * DAY), 0, 1)
        typ[(created >= late_from) & (rng.random(n) < 0.04 + 0.10 * ramp)] = LATE_TYPE
        # Repeat contacts: same customer, same type, within 7 days of an earlier ticket.
        repeat = rng.random(n) < 0.07
        src = np.searchsorted(created, created - rng.integers(HOUR, int(6.5 * DAY), n))
        repeat &= (src < np.arange(n)) & ~repeat[np.minimum(src, n - 1)]
        cust[repeat], typ[repeat] = cust[src[repeat]], typ[src[repeat]]
        tier = self.customer["tier"][cust]
        prio = _choice_by_group(rng, tier.astype(np.int64), PRIORITY_MIX)

        agent = self.pick_agent(rng, created)
        speed = np.where(agent >= 0, self.agent["speed"][np.maximum(agent, 0)], 1.0)
        ch = np.array([(c.first_reply_min, c.next_reply_min, c.customer_min, c.sigma) for c in CHANNELS])
        first_med, next_med, cust_med, sigma = (ch[chan, i] for i in range(4))
        urgency = speed * PRIORITY_SPEED[prio] * TIER_SPEED[tier]
        bot = np.array([c.bot for c in CHANNELS])[chan]
        is_chat, is_phone = chan == CH["chat"], chan == PHONE

        # Phone tickets are opened by the telephony system when the call queues; the answer is the
        # first response. Unanswered calls (abandoned, or nobody on shift) become voicemail callbacks.
        wait = _secs(np.clip(_logn(rng, CALL_WAIT_MEDIAN_S, 0.65, n), 3, 900))
        delay = first_med * MINUTE * np.exp(rng.normal(0, 1, n) * sigma) * urgency
        delay = np.where(bot, np.maximum(delay, 20), delay)  # the bot always answers first
        first = self.snap(rng, agent, created + np.where(is_phone, wait, _secs(delay)))
        answered_call = is_phone & (first == created + wait) & (rng.random(n) >= 0.06)
        callback = self.snap(rng, agent, created + wait + _secs(_logn(rng, 45 * MINUTE, 0.8, n)))
        first = np.where(is_phone & ~answered_call, callback, first)

        never = ~is_phone & (rng.random(n) < 0.025)  # spam, duplicates, "never mind"
        silent = never & (rng.random(n) < 0.6)  # solved without a public reply
        rounds = _choice_by_group(rng, chan.astype(np.int64), [c.rounds for c in CHANNELS]) + 1
        reply = np.full((n, 4), INF, np.int64)
        follow = np.full((n, 3), INF, np.int64)
        reply[:, 0] = np.where(never, INF, first)
        for k in range(1, 4):
            go = (rounds > k) & (reply[:, k - 1] < INF)
            wait_customer = _secs(cust_med * MINUTE * np.exp(rng.normal(0, 1, n)), lo=10)
            follow[:, k - 1] = np.where(go, reply[:, k - 1] + wait_customer, INF)
            wait_agent = _secs(next_med * MINUTE * np.exp(rng.normal(0, 0.9, n)) * urgency, lo=15)
            reply[:, k] = self.snap(rng, agent, np.where(go, follow[:, k - 1] + wait_agent, INF))
        last_reply = reply[np.arange(n), rounds - 1]

        confirm = ~is_chat & ~is_phone & (rng.random(n) < 0.3)  # left pending for the customer to confirm
        gap = np.where(confirm, _secs(_logn(rng, 20 * HOUR, 0.6, n)),
                       np.where(is_chat, rng.integers(5, 120, n), rng.integers(1, 300, n)))
        solve1 = np.where(last_reply < self.t_end, last_reply + gap, INF)
        open_at = np.where(reply[:, 0] < INF, np.maximum(created + 1, reply[:, 0] - rng.integers(5, 300, n)), INF)
        triage = self.snap(rng, agent, created + _secs(delay))
        open_at = np.where(silent, triage, open_at)
        solve1 = np.where(silent, np.where(triage < INF, triage + rng.integers(10, 600, n), INF), solve1)
        stale = never & ~silent
        open_at = np.where(stale, np.where(rng.random(n) < 0.5, self.snap(rng, agent, created + 2 * HOUR), INF),
                           open_at)
        solve1 = np.where(stale, INF, solve1)

        reopen = ~never & (solve1 < self.t_end) & (rng.random(n) < 0.085)
        reopen_at = np.where(reopen, solve1 + _secs(np.clip(_logn(rng, 30 * HOUR, 0.7, n), HOUR, 3.5 * DAY)), INF)
        wait_agent = _secs(next_med * MINUTE * np.exp(rng.normal(0, 0.9, n)) * urgency, lo=15)
        reply_again = self.snap(rng, agent, np.where(reopen_at < self.t_end, reopen_at + wait_agent, INF))
        solve2 = np.where(reply_again < INF, reply_again + rng.integers(1, 300, n), INF)
        last_solve = np.where(reopen, solve2, solve1)
        closed = np.where(last_solve < self.t_end, last_solve + 4 * DAY + rng.integers(0, 2 * HOUR, n), INF)

        pend = np.where(rng.random((n, 3)) < 0.1, S_HOLD, S_PENDING)  # on hold: waiting on a carrier etc.
        status_cols = [(created, S_NEW), (open_at, S_OPEN)]
        for k in range(3):
            status_cols += [(np.where(follow[:, k] < INF, reply[:, k] + 1, INF), pend[:, k]), (follow[:, k], S_OPEN)]
        status_cols += [(np.where(confirm & (solve1 < INF) & ~silent, last_reply + 1, INF), S_PENDING),
                        (solve1, S_SOLVED), (reopen_at, S_OPEN), (solve2, S_SOLVED), (closed, S_CLOSED)]
        st_t, st_code, st_tk = self._flatten(status_cols)
        st_t = _strictly_increasing(st_t, st_tk)

        note_base = np.where(silent, open_at, reply[:, 0])
        note = np.where((note_base < INF) & (rng.random(n) < np.where(silent, 0.5, 0.15)),
                        note_base + rng.integers(30, 900, n), INF)
        msg_cols = [(created, (A_CUSTOMER, 1)), (np.where(bot, created + rng.integers(2, 13, n), INF), (A_BOT, 1))]
        msg_cols += [(reply[:, k], (A_AGENT, 1)) for k in range(4)]
        msg_cols += [(follow[:, k], (A_CUSTOMER, 1)) for k in range(3)]
        msg_cols += [(note, (A_AGENT, 0)), (reopen_at, (A_CUSTOMER, 1)), (reply_again, (A_AGENT, 1)),
                     (np.where(rng.random(n) < 0.3, closed, INF), (A_SYSTEM, 0))]
        m_t, m_kind, m_tk = self._flatten([(t, k[0] * 2 + k[1]) for t, k in msg_cols])

        self.ticket = dict(created=created, chan=chan, typ=typ, prio=prio.astype(np.int8), cust=cust, agent=agent,
                           open_at=open_at, first_reply=reply[:, 0], solve1=solve1, reopen=reopen,
                           replies=(reply < self.t_end).sum(axis=1), wait=wait, answered_call=answered_call,
                           st_t=st_t, st_code=st_code, st_tk=st_tk, m_t=m_t, m_kind=m_kind, m_tk=m_tk)
        self.bad_experience[cust[reopen]] = True
        self.log(f"tickets: {n:,} tickets, {len(m_t):,} messages, {len(st_t):,} status changes")

    def _flatten(self, columns) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(time, code) columns per ticket -> events before the cut-off, grouped by ticket in column order."""
        t = np.stack([c[0] for c in columns], axis=1)
        code = np.stack([np.broadcast_to(c[1], len(t)) for c in columns], axis=1)
        tk, j = np.nonzero(t < self.t_end)
        return t[tk, j], code[tk, j].astype(np.int8), tk

    def ticket_versions(self) -> dict[str, np.ndarray]:
        """Tickets as they stood at the history cut-off and after each night that changed them."""
        tk = self.ticket
        n = self.n_tickets
        st_start, m_start = _group_starts(tk["st_tk"], n), _group_starts(tk["m_tk"], n)
        as_of = [self.t_end - (self.nights - k) * DAY for k in range(self.nights + 1)]
        parts = []
        for f, cut in enumerate(as_of):
            seen = np.add.reduceat((tk["st_t"] < cut).astype(np.int64), st_start)
            last = st_start + np.maximum(seen, 1) - 1
            last_msg = np.maximum.reduceat(np.where(tk["m_t"] < cut, tk["m_t"], NA), m_start)
            updated = np.maximum(tk["st_t"][last], last_msg)
            keep = tk["created"] < cut
            if f:
                keep &= updated >= as_of[f - 1]
            i = np.nonzero(keep)[0]
            parts.append(dict(ticket=i, status=tk["st_code"][last[i]], updated=updated[i],
                              assignee=np.where(tk["open_at"][i] < cut, tk["agent"][i], -1),
                              file=np.full(len(i), f, np.int16)))
        return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}

    # ------------------------------------------------------------ calls

    def calls(self) -> None:
        rng = self.rng("calls")
        tk = self.ticket
        phone = np.nonzero(tk["chan"] == PHONE)[0]
        n_walk_in = round(0.35 * len(phone))  # calls that never became a ticket
        queued_x = self.arrivals(rng, n_walk_in, HOUR_PROFILE)
        agent_x = self.pick_agent(rng, queued_x, wait_for_shift=False)
        wait_x = _secs(np.clip(_logn(rng, CALL_WAIT_MEDIAN_S, 0.65, n_walk_in), 3, 900))
        answered_x = (agent_x >= 0) & (rng.random(n_walk_in) >= 0.16)

        queued = np.concatenate([tk["created"][phone], queued_x])
        answered = np.concatenate([tk["answered_call"][phone], answered_x])
        agent = np.where(answered, np.concatenate([tk["agent"][phone], agent_x]), -1)
        wait = np.concatenate([tk["wait"][phone], wait_x])
        ticket = np.concatenate([phone + 1, np.full(n_walk_in, NA)])
        n = len(queued)
        talk = _secs(np.clip(_logn(rng, 300, 0.6, n), 20, 3 * HOUR))
        hold = np.where(answered & (rng.random(n) < 0.45), _secs(_logn(rng, 45, 0.8, n)), 0)
        hang_up = _secs(np.clip(_logn(rng, 50, 0.6, n), 3, 600))
        answered_at = np.where(answered, queued + wait, NA)
        ended = np.where(answered, answered_at + talk + hold, queued + hang_up)
        wrap = np.where(answered, _secs(_logn(rng, 40, 0.5, n), lo=5), 0)
        cust = np.concatenate([tk["cust"][phone], self.pick_customers(rng, n_walk_in)])
        keep = ended < self.t_end  # calls still running at the cut-off are not exported yet
        order = np.argsort(queued[keep], kind="stable")
        self.call = {k: v[keep][order] for k, v in dict(
            queued=queued, answered=answered_at, ended=ended, hold=hold, wrap=wrap, ticket=ticket,
            agent=np.where(agent >= 0, agent + 1, NA), customer=cust + 1).items()}
        self.log(f"calls: {len(order):,}")

    # ------------------------------------------------------------ surveys

    def surveys(self) -> None:
        rng = self.rng("surveys")
        tk = self.ticket
        scale_of_channel = np.array([SCALES.index(c.csat_scale) if c.csat_scale else -1 for c in CHANNELS])
        scale = scale_of_channel[tk["chan"]]
        eligible = (tk["first_reply"] < self.t_end) & (tk["solve1"] < self.t_end) & (scale >= 0)
        i = np.nonzero(eligible & (rng.random(self.n_tickets) < 0.85))[0]
        ces = rng.random(len(i)) < 0.2
        ces_scale = np.where(rng.random(len(i)) < 0.35, SCALES.index("ces_10"), SCALES.index("ces_7"))
        scale = np.where(ces, ces_scale, scale[i])
        stype = np.where(ces, SURVEY_TYPES.index("ces"), SURVEY_TYPES.index("csat"))
        sent = tk["solve1"][i] + rng.integers(30 * MINUTE, DAY, len(i))
        agent = tk["agent"][i]
        hours = (tk["first_reply"][i] - tk["created"][i]) / HOUR
        # Satisfaction: the agent's quality, fast first replies, few back-and-forths, no reopen.
        mood = (1.45 + rng.normal(0, 1, len(i)) + self.agent["quality"][agent] - 0.25 * np.log1p(hours)
                - 0.9 * tk["reopen"][i] - 0.2 * (tk["replies"][i] - 1))
        score = np.select([scale == SCALES.index("csat_5"), scale == SCALES.index("csat_3"),
                           scale == SCALES.index("csat_2"), scale == SCALES.index("ces_10")],
                          [np.digitize(mood, [-1.3, -0.6, 0.0, 0.9]) + 1, np.digitize(mood, [-0.7, 0.1]) + 1,
                           np.digitize(mood, [-0.3]) + 1,
                           np.digitize(mood, [-1.8, -1.3, -0.9, -0.5, -0.1, 0.3, 0.7, 1.1, 1.5]) + 1],
                          np.digitize(mood, [-1.6, -1.0, -0.5, 0.0, 0.6, 1.3]) + 1)
        respond = rng.random(len(i)) < np.where(tk["chan"][i] == CH["chat"], 0.5, 0.62)

        # NPS: once per customer who dealt with us, not tied to a ticket.
        active = np.zeros(self.n_customers, bool)
        active[tk["cust"]] = True
        c = np.nonzero(active & (rng.random(self.n_customers) < 0.4))[0]
        nps_sent = self.t0 + rng.integers(0, self.days * DAY, len(c))
        feeling = rng.normal(0, 1, len(c)) + 0.15 * self.customer["tier"][c] - 0.9 * self.bad_experience[c]
        nps = np.clip(np.rint(8.4 + 1.7 * feeling), 0, 10).astype(np.int64)

        n = len(i) + len(c)
        sent = np.concatenate([sent, nps_sent])
        score = np.concatenate([score, nps])
        respond = np.concatenate([respond, rng.random(len(c)) < 0.45])
        responded = np.where(respond, sent + _secs(np.clip(_logn(rng, 3 * HOUR, 1.3, n), 30, 10 * DAY)), NA)
        responded = np.where(responded < self.t_end, responded, NA)  # not answered yet at the cut-off
        scale = np.concatenate([scale, np.full(len(c), SCALES.index("nps_11"))])
        lo, hi = (np.array([SCALE_RANGES[s][j] for s in SCALES]) for j in (0, 1))
        fraction = (score - lo[scale]) / (hi[scale] - lo[scale])
        sentiment = np.digitize(fraction, [0.45, 0.75])
        sizes = np.array([len(v) for v in COMMENTS.values()])
        comment = np.cumsum(sizes)[sentiment] - sizes[sentiment] + (rng.random(n) * sizes[sentiment]).astype(int)
        comment = np.where((responded != NA) & (rng.random(n) < 0.25), comment, -1)
        self.bad_experience[tk["cust"][i][(responded[: len(i)] != NA) & (fraction[: len(i)] < 0.45)]] = True

        row = dict(sent=sent, responded=responded, score=np.where(responded != NA, score, NA),
                   scale=scale.astype(np.int8),
                   stype=np.concatenate([stype, np.full(len(c), SURVEY_TYPES.index("nps"))]).astype(np.int8),
                   customer=np.concatenate([tk["cust"][i], c]) + 1, ticket=np.concatenate([i + 1, np.full(len(c), NA)]),
                   agent=np.concatenate([np.where(agent >= 0, agent + 1, NA), np.full(len(c), NA)]),
                   comment=comment.astype(np.int8))
        keep = sent < self.t_end
        file = self.file_of(np.where(responded != NA, responded, sent))
        order = np.lexsort((sent[keep], file[keep]))
        self.survey = {k: v[keep][order] for k, v in row.items()}
        self.survey_file = file[keep][order]
        self.log(f"surveys: {len(order):,}")

    # ------------------------------------------------------------ orders and reviews

    def orders(self) -> None:
        rng = self.rng("orders")
        n = round(0.45 * self.n_tickets)
        ordered = self.arrivals(rng, n, SHOPPING_PROFILE)
        cust = self.pick_customers(rng, n, power=0.5)
        # The k-th order of a customer: home category first, later cross-sells and up-sells.
        by_customer = np.lexsort((ordered, cust))
        k = np.empty(n, np.int64)
        sc = cust[by_customer]
        k[by_customer] = np.arange(n) - _group_starts(sc, self.n_customers)[sc]
        m = self.n_customers
        home = rng.integers(0, len(CATEGORIES), m)
        other = (home + rng.integers(1, len(CATEGORIES), m)) % len(CATEGORIES)
        base_tier = _choice(rng, (0.5, 0.35, 0.15), m)
        upgrade_at = np.where(rng.random(m) < 0.35, rng.integers(1, 4, m), 10**6)
        u = rng.random(n)
        cat = np.where((k == 0) | (u < 0.75), home[cust],
                       np.where(u < 0.95, other[cust], rng.integers(0, len(CATEGORIES), n)))
        tier = np.minimum(base_tier[cust] + (k >= upgrade_at[cust]), 2)
        product = (cat * 4 + rng.integers(0, 4, n)) * len(PRODUCT_TIERS) + tier
        quantity = _choice(rng, (75, 17, 4, 2, 2), n) + 1
        discount = np.where(rng.random(n) < 0.1, 0.9, 1.0)
        amount = np.rint(self.product["price"][product] * quantity * discount).astype(np.int64)
        recent = ordered > self.t_end - 2 * DAY
        roll = rng.random(n)
        status = np.select([recent & (roll < 0.7), roll < 0.015, roll < 0.055], [O_PLACED, O_CANCELLED, O_RETURNED],
                           O_SHIPPED)
        shipped = np.isin(status, [O_SHIPPED, O_RETURNED])
        on_time = np.where(shipped, (rng.random(n) < 0.965).astype(np.int8), -1)
        prefers = _choice(rng, (0.55, 0.30, 0.15), m)
        channel = np.where(rng.random(n) < 0.8, prefers[cust], _choice(rng, (0.55, 0.30, 0.15), n))
        # Order defects besides reviews (optional contract columns): A-to-z claims exist on Amazon
        # only, mostly on late or returned orders; chargebacks anywhere, rarely.
        # Their own random stream, so adding them left every other draw (reviews too) as it was.
        defects_rng = self.rng("order_defects")
        amazon = channel == SALES_CHANNELS.index("amazon")
        claim_odds = np.where(status == O_RETURNED, 0.08, np.where(on_time == 0, 0.04, 0.003))
        claim = amazon & shipped & (defects_rng.random(n) < claim_odds)
        chargeback = (status != O_PLACED) & (defects_rng.random(n) < 0.002)
        self.order = dict(ordered=ordered, customer=cust + 1, product=product + 1, quantity=quantity.astype(np.int64),
                          amount=amount, status=status.astype(np.int8), on_time=on_time.astype(np.int8),
                          channel=channel.astype(np.int8), claim=claim.astype(np.int8),
                          chargeback=chargeback.astype(np.int8))

        # Reviews: a minority of shipped orders; returns and late deliveries lean negative.
        i = np.nonzero(shipped & (rng.random(n) < 0.12))[0]
        created = ordered[i] + _secs(np.clip(_logn(rng, 7 * DAY, 0.5, len(i)), 2 * DAY, 60 * DAY))
        group = np.select([status[i] == O_RETURNED, on_time[i] == 0], [2, 1], 0)
        rating = _choice_by_group(rng, group, [(0.06, 0.03, 0.07, 0.22, 0.62), (0.25, 0.15, 0.2, 0.2, 0.2),
                                               (0.35, 0.2, 0.2, 0.15, 0.1)]) + 1
        keep = created < self.t_end
        order = np.argsort(created[keep], kind="stable")
        i = i[keep][order]
        self.review = dict(created=created[keep][order], order=i + 1, customer=cust[i] + 1,
                           channel=channel[i].astype(np.int8), rating=rating[keep][order].astype(np.int64))
        self.log(f"orders: {n:,}, reviews: {len(i):,}")

    # ------------------------------------------------------------ self-service

    def sessions(self) -> None:
        rng = self.rng("sessions")
        tk = self.ticket
        n = round(0.9 * self.n_tickets)
        # Escalations: a help-center or chatbot visit minutes before a chat/web/email ticket.
        candidates = np.nonzero(np.isin(tk["chan"], [CH["chat"], CH["web_form"], CH["email"]]))[0]
        esc = np.sort(rng.choice(candidates, min(len(candidates), round(0.1 * n)), replace=False))
        esc_source = np.where(tk["chan"][esc] == CH["chat"], SOURCES.index("chatbot"),
                              np.where(rng.random(len(esc)) < 0.7, SOURCES.index("help_center"), SOURCES.index("faq")))
        m = n - len(esc)
        anonymous = rng.random(m) < 0.45
        started = np.concatenate([tk["created"][esc] - rng.integers(MINUTE, 15 * MINUTE, len(esc)),
                                  self.arrivals(rng, m, HOUR_PROFILE)])
        row = dict(started=started,
                   customer=np.concatenate([tk["cust"][esc] + 1,
                                            np.where(anonymous, NA, self.pick_customers(rng, m) + 1)]),
                   source=np.concatenate([esc_source, _choice(rng, (0.5, 0.25, 0.25), m)]).astype(np.int8),
                   resolved=np.concatenate([np.zeros(len(esc)), rng.random(m) < 0.68]).astype(np.int8),
                   ticket=np.concatenate([esc + 1, np.full(m, NA)]))
        order = np.argsort(started, kind="stable")
        self.session = {k: v[order] for k, v in row.items()}
        self.log(f"self-service sessions: {n:,}")

    # ------------------------------------------------------------ customers (times from activity)

    def customer_times(self) -> None:
        rng = self.rng("customer-times")
        m = self.n_customers
        first, last = np.full(m, INF, np.int64), np.full(m, NA, np.int64)
        activity = [(self.ticket["cust"] + 1, self.ticket["created"])] + [
            (rows["customer"], rows[t]) for rows, t in [(self.order, "ordered"), (self.call, "queued"),
                                                        (self.survey, "sent"), (self.survey, "responded"),
                                                        (self.review, "created"), (self.session, "started")]]
        for who, t in activity:
            known = (who != NA) & (t != NA)
            np.minimum.at(first, who[known] - 1, t[known])
            np.maximum.at(last, who[known] - 1, t[known])
        lead = np.where(rng.random(m) < 0.25, rng.integers(HOUR, 30 * DAY, m),
                        rng.integers(30 * DAY, 4 * 365 * DAY, m))
        idle = first == INF  # never contacted or bought in the window
        created = np.where(idle, self.t_end - rng.integers(HOUR, 4 * 365 * DAY, m), first - lead)
        # ~12 % churn inside the window, after their last activity; a bad experience triples the odds.
        since = np.maximum(np.maximum(last, created), self.t0) + DAY
        can = np.nonzero(since < self.t_end - DAY)[0]
        w = 1.0 + 2.0 * self.bad_experience[can]
        churn = rng.choice(can, min(len(can), round(0.12 * m)), replace=False, p=w / w.sum()) if len(can) else can
        churned = np.full(m, NA, np.int64)
        churned[churn] = since[churn] + (rng.random(len(churn)) * (self.t_end - since[churn])).astype(np.int64)
        self.customer.update(created=created, churned=churned)

    # ------------------------------------------------------------ tables

    def tables(self) -> list[Table]:
        """Every entity as int columns plus their output formats, in contract order."""
        cu, ag, tk, tv, p = self.customer, self.agent, self.ticket, self.ticket_versions(), self.product
        customer_id, agent_id, ticket_id = _id("customer", "CU%07d"), _id("agent", "AG%03d"), _id("ticket", "T%08d")
        c_name, c_email = _person_sql(
            f"{{local}} || \"customer\"::VARCHAR || '@' || {_lit(EMAIL_DOMAINS)}[\"domain\" + 1]")
        a_name, a_email = _person_sql("{local} || '.' || \"agent\"::VARCHAR || '@support.example.com'")
        by_time = np.argsort(tk["m_t"], kind="stable")
        m_tk, m_kind = tk["m_tk"][by_time], tk["m_kind"][by_time]
        author_type = (m_kind // 2).astype(np.int8)
        st = np.argsort(tk["st_t"], kind="stable")
        t_i = tv["ticket"]
        ts = {name: Col("ts", name) for name in ("created", "updated", "churned", "changed", "queued", "answered",
                                                 "ended", "sent", "responded", "ordered", "started", "hired", "left")}

        def numbered(key: str, cols: dict) -> dict:
            return dict(cols, **{key: np.arange(1, len(next(iter(cols.values()))) + 1)})

        rows = {  # entity -> (columns, output format, what puts a row in a nightly file)
            "customers": (
                dict(customer=np.arange(1, self.n_customers + 1), first=cu["first"], last=cu["last"],
                     domain=cu["domain"], tier=cu["tier"], country=cu["country"], created=cu["created"],
                     churned=cu["churned"]),
                dict(customer_id=customer_id, name=c_name, email=c_email, tier=_cat("tier", TIERS, ("gold", "vip")),
                     country=_cat("country", COUNTRIES), created_at=ts["created"], churned_at=ts["churned"]),
                None),
            "agents": (
                dict(agent=np.arange(1, self.n_agents + 1), first=ag["first"], last=ag["last"],
                     team=ag["team"].astype(np.int8), zone=ag["team"].astype(np.int8), hired=ag["hired"],
                     left=ag["left"]),
                dict(agent_id=agent_id, name=a_name, email=a_email, team=_cat("team", tuple(t[0] for t in TEAMS)),
                     timezone=_cat("zone", tuple(t[1] for t in TEAMS)), hired_at=ts["hired"], left_at=ts["left"]),
                None),
            "agent_shifts": (
                dict(self.shifts),
                dict(agent_id=agent_id, shift_date=Col("date", "day"), scheduled_minutes=Col("int", "minutes"),
                     is_leave=Col("bool", "leave")),
                "day"),
            "tickets": (
                dict(ticket=t_i + 1, customer=tk["cust"][t_i] + 1, channel=tk["chan"][t_i], type=tk["typ"][t_i],
                     priority=tk["prio"][t_i], status=tv["status"], created=tk["created"][t_i], updated=tv["updated"],
                     agent=np.where(tv["assignee"] >= 0, tv["assignee"] + 1, NA)),
                dict(ticket_id=ticket_id, customer_id=customer_id,
                     channel=_cat("channel", tuple(c.name for c in CHANNELS), ("fax", "pager")),
                     ticket_type=_cat("type", TICKET_TYPES), priority=_cat("priority", PRIORITIES, ("critical", "p1")),
                     status=_cat("status", STATUSES, ("resolved", "pendng")), assignee_id=agent_id,
                     created_at=ts["created"], updated_at=ts["updated"]),
                tv["file"]),
            "ticket_messages": (
                numbered("message", dict(
                    ticket=m_tk + 1, author_type=author_type, public=(m_kind % 2).astype(np.int8),
                    author=np.select([author_type == A_CUSTOMER, author_type == A_AGENT],
                                     [tk["cust"][m_tk] + 1, tk["agent"][m_tk] + 1], NA),
                    created=tk["m_t"][by_time], ticket_created=tk["created"][m_tk])),
                dict(message_id=_id("message", "M%09d"), ticket_id=ticket_id,
                     author_type=_cat("author_type", AUTHOR_TYPES, ("supervisor", "robot")),
                     author_id=Col("sql", sql=f"CASE \"author_type\" "
                                              f"WHEN {A_CUSTOMER} THEN printf('CU%07d', \"author\") "
                                              f"WHEN {A_AGENT} THEN printf('AG%03d', \"author\") END"),
                     is_public=Col("bool", "public"), created_at=ts["created"]),
                "created"),
            "ticket_status_changes": (
                dict(ticket=tk["st_tk"][st] + 1, changed=tk["st_t"][st], status=tk["st_code"][st]),
                dict(ticket_id=ticket_id, changed_at=ts["changed"],
                     status=_cat("status", STATUSES, ("resolved", "waiting"))),
                "changed"),
            "calls": (
                numbered("call", self.call),
                dict(call_id=_id("call", "C%08d"), customer_id=customer_id, agent_id=agent_id, ticket_id=ticket_id,
                     queued_at=ts["queued"], answered_at=ts["answered"], ended_at=ts["ended"],
                     hold_seconds=Col("int", "hold"), wrap_up_seconds=Col("int", "wrap")),
                "queued"),
            "survey_responses": (
                numbered("response", self.survey),
                dict(response_id=_id("response", "S%08d"),
                     survey_type=_cat("stype", SURVEY_TYPES, ("feedback", "poll")),
                     scale=_cat("scale", SCALES, ("csat_10", "stars_5")), customer_id=customer_id,
                     ticket_id=ticket_id, agent_id=agent_id, sent_at=ts["sent"], responded_at=ts["responded"],
                     score=Col("int", "score"), comment=_cat("comment", COMMENT_LABELS)),
                self.survey_file),
            "reviews": (
                numbered("review", self.review),
                dict(review_id=_id("review", "R%08d"), customer_id=customer_id, order_id=_id("order", "O%08d"),
                     marketplace=_cat("channel", SALES_CHANNELS), rating=Col("int", "rating"),
                     created_at=ts["created"]),
                "created"),
            "orders": (
                numbered("order", self.order),
                dict(order_id=_id("order", "O%08d"), customer_id=customer_id, ordered_at=ts["ordered"],
                     product_id=_id("product", "P%04d"), quantity=Col("int", "quantity"),
                     amount=Col("cents", "amount"), status=_cat("status", ORDER_STATUSES, ("lost", "refunded")),
                     shipped_on_time=Col("bool", "on_time"), sales_channel=_cat("channel", SALES_CHANNELS),
                     has_a_to_z_claim=Col("bool", "claim"), has_chargeback=Col("bool", "chargeback")),
                "ordered"),
            "products": (
                dict(product=np.arange(1, len(p["price"]) + 1), name=p["name"], category=p["category"],
                     tier=p["tier"], price=p["price"]),
                dict(product_id=_id("product", "P%04d"), name=_cat("name", p["names"]),
                     category=_cat("category", tuple(c[0] for c in CATEGORIES)), tier=Col("int", "tier"),
                     price=Col("cents", "price")),
                None),
            "self_service_sessions": (
                numbered("session", self.session),
                dict(session_id=_id("session", "SS%08d"), customer_id=customer_id, started_at=ts["started"],
                     source=_cat("source", SOURCES, ("forum", "video")), resolved=Col("bool", "resolved"),
                     ticket_id=ticket_id),
                "started"),
        }
        assert all(rows[e][2] is None for e in REFERENCE_ENTITIES)
        return [self._table(entity, *rows[entity]) for entity in ENTITIES]

    def _table(self, entity: str, cols: dict, out: dict, dated_by) -> Table:
        """dated_by: None (reference data: history file), the column dating each row, or a file per row."""
        n = len(next(iter(cols.values())))
        if dated_by is None:
            file = np.zeros(n, np.int16)
        elif isinstance(dated_by, str):
            file = self.file_of(cols[dated_by])
            order = np.argsort(file, kind="stable")
            cols, file = {k: v[order] for k, v in cols.items()}, file[order]
        else:
            file = dated_by
        cols["_tz"] = _offsets(self.rng("offsets-" + entity), n)
        return Table(entity, cols, out, file)


# ---------------------------------------------------------------- bad rows


def _inject_bad_rows(t: Table, share: float, rng: np.random.Generator, unknown_ticket: int) -> Table:
    """Add bad rows (copies of random good rows, each broken one way) and mark them in `_rule`."""
    rules = BAD_ROW_RULES[t.entity]
    names = list(rules)
    n_bad = max(len(names), round(share * t.n)) if share > 0 and t.n else 0
    k = np.arange(n_bad)
    rule_i = k % len(names)
    col_i = (k // len(names)) % np.array([len(rules[r]) for r in names])[rule_i]
    groups, templates, rule_codes, col_codes = [], [], [], []
    start = 0
    for r, name in enumerate(names):
        for c, column in enumerate(rules[name]):
            m = int(((rule_i == r) & (col_i == c)).sum())
            ok = _eligible(t, name, column)
            if m == 0 or not ok.any():
                continue
            pool = np.nonzero(ok)[0]
            templates.append(np.sort(rng.choice(pool, m, replace=m > len(pool))))
            groups.append((name, column, slice(start, start + m)))
            rule_codes.append(np.full(m, RULE_NAMES.index(name), np.int8))
            col_codes.append(np.full(m, list(t.out).index(column), np.int8))
            start += m
    tmpl = np.concatenate(templates + [np.zeros(0, np.int64)])
    rule_code = np.concatenate(rule_codes + [np.zeros(0, np.int8)])
    bad = {name: v[tmpl].copy() for name, v in t.cols.items()}
    for name, column, rows in groups:
        _break(t, bad, name, column, rows, rng, unknown_ticket)
    _new_keys(t, bad, np.nonzero(rule_code != RULE_NAMES.index("duplicate_key"))[0], rng)

    # A bad row goes right before its template: a duplicate must lose to the good line after it.
    order = np.lexsort((np.concatenate([np.ones(t.n), np.zeros(len(tmpl))]), np.concatenate([np.arange(t.n), tmpl])))
    cols = {name: np.concatenate([v, bad[name]])[order] for name, v in t.cols.items()}
    none = np.full(t.n, -1, np.int8)
    cols["_rule"] = np.concatenate([none, rule_code])[order]
    cols["_col"] = np.concatenate([none] + col_codes)[order]
    return Table(t.entity, cols, t.out, np.concatenate([t.file, t.file[tmpl]])[order])


def _eligible(t: Table, rule: str, column: str) -> np.ndarray:
    if rule in ("duplicate_key", "unknown_value"):
        return np.ones(t.n, bool)
    if rule == "reply_before_ticket":
        return (t.cols["author_type"] == A_AGENT) & (t.cols["public"] == 1)
    c = t.out[column]
    ok = ~_is_na(c, t.cols[c.src])
    if rule == "negative_duration" and column in DURATION_START:
        ok &= t.cols[t.out[DURATION_START[column]].src] != NA
    return ok


def _break(t: Table, bad: dict, rule: str, column: str, rows: slice, rng: np.random.Generator,
           unknown_ticket: int) -> None:
    c = t.out[column]
    v = bad[c.src]
    m = rows.stop - rows.start
    k = np.arange(m)
    if rule in ("malformed_timestamp", "non_numeric"):
        variants = {"ts": BAD_TIMESTAMPS, "date": BAD_DATES}.get(c.kind, BAD_NUMBERS)
        v[rows] = NA + 1 + k % len(variants)
    elif rule == "unknown_value":
        v[rows] = c.n_good + k % (len(c.labels) - c.n_good)
    elif rule == "unknown_ticket":
        v[rows] = unknown_ticket + rows.start + k
    elif rule == "reply_before_ticket":
        v[rows] = bad["ticket_created"][rows] - rng.integers(MINUTE, 2 * DAY, m)
    elif rule == "duplicate_key":  # same key, a different but valid payload
        if c.kind == "cat":
            v[rows] = (np.maximum(v[rows], 0) + 1) % c.n_good
        elif c.kind == "bool":
            v[rows] = 1 - np.maximum(v[rows], 0)
        elif c.kind == "ts":
            v[rows] -= rng.integers(MINUTE, HOUR, m)
        else:
            v[rows] += rng.integers(1, 60, m)
    elif rule == "negative_duration":
        if column in DURATION_START:
            v[rows] = bad[t.out[DURATION_START[column]].src][rows] - rng.integers(1, HOUR, m)
        else:
            v[rows] = -rng.integers(1, 300, m)
    elif rule == "score_out_of_scale":
        if "scale" in t.out:
            scale = bad["scale"][rows]
            lo = np.array([SCALE_RANGES[s][0] for s in SCALES])[scale]
            hi = np.array([SCALE_RANGES[s][1] for s in SCALES])[scale]
        else:
            lo, hi = 1, 5
        v[rows] = np.where(k % 2 == 0, hi + 1 + rng.integers(0, 5, m), lo - 1 - rng.integers(0, 2, m))


def _new_keys(t: Table, bad: dict, rows: np.ndarray, rng: np.random.Generator) -> None:
    """Give these bad rows (all but the duplicates) keys no other row has."""
    key = ENTITIES[t.entity].key
    if not len(rows):
        return
    if len(key) == 1:
        src = t.out[key[0]].src
        bad[src][rows] = t.cols[src].max() + 1 + np.arange(len(rows))
    elif t.entity == "agent_shifts":
        # days off are free (agent, date) keys; a malformed date gets an agent of its own
        base = 10**10  # (agent, epoch day) packed in one int64
        n_agents = int(t.cols["agent"].max())
        days = np.unique(t.cols["day"])
        free = np.setdiff1d((np.arange(1, n_agents + 1)[:, None] * base + days[None, :]).ravel(),
                            t.cols["agent"] * base + t.cols["day"])
        dated = rows[bad["day"][rows] > NA + len(BAD_DATES)]
        pick = rng.choice(free, len(dated), replace=len(dated) > len(free))
        bad["agent"][dated], bad["day"][dated] = pick // base, pick % base
        # malformed dates cycle through the variants; one agent per cycle keeps (agent, text) unique
        malformed = rows[bad["day"][rows] <= NA + len(BAD_DATES)]
        bad["agent"][malformed] = 1 + (np.arange(len(malformed)) // len(BAD_DATES)) % n_agents
    else:  # ticket_status_changes: another second in the same ticket's history
        taken = np.sort(t.cols["ticket"] * 2**32 + t.cols["changed"])
        bad["changed"][rows] += rng.integers(1, 600, len(rows))
        for _ in range(1000):  # a handful of collisions at most; each pass shifts them further
            new = bad["ticket"][rows] * 2**32 + bad["changed"][rows]
            _, inverse, counts = np.unique(new, return_inverse=True, return_counts=True)
            clash = (taken[np.minimum(np.searchsorted(taken, new), len(taken) - 1)] == new) | (counts[inverse] > 1)
            if not clash.any():
                break
            bad["changed"][rows[clash]] += 1 + np.arange(clash.sum())


# ---------------------------------------------------------------- writing


def _file_name(entity: str, f: int, end_date: date, nights: int) -> str:
    if f == 0:
        return f"{entity}_history.csv"
    return f"{entity}_{(end_date - timedelta(days=nights - f)).isoformat()}.csv"


def _clear_stale(folder: Path, entity: str) -> None:
    # Files of an earlier run would mix two datasets; only our own naming pattern is removed.
    pattern = re.compile(rf"{re.escape(entity)}_(history|\d{{4}}-\d{{2}}-\d{{2}})\.csv")
    for p in folder.glob(f"{entity}_*.csv"):
        if pattern.fullmatch(p.name):
            p.unlink()


def _write(con: duckdb.DuckDBPyConnection, t: Table, out_dir: Path, end_date: date, nights: int) -> int:
    folder = out_dir / t.entity
    folder.mkdir(parents=True, exist_ok=True)
    _clear_stale(folder, t.entity)
    n_files = 1 if t.entity in REFERENCE_ENTITIES else nights + 1
    bounds = np.searchsorted(t.file, np.arange(n_files + 1))
    select = ", ".join(f'{_col_sql(c)} AS "{name}"' for name, c in t.out.items())
    key_json = ", ".join(f"'{k}', {_col_sql(t.out[k])}" for k in ENTITIES[t.entity].key)
    for f in range(n_files):
        a, b = bounds[f], bounds[f + 1]
        name = _file_name(t.entity, f, end_date, nights)
        cols = {k: v[a:b] for k, v in t.cols.items()}
        cols["_line"] = np.arange(2, b - a + 2, dtype=np.int64)  # line 1 is the header
        con.register("rows", cols)
        path = str(folder / name).replace("'", "''")
        con.execute(f"COPY (SELECT {select} FROM rows) TO '{path}' (HEADER, DELIMITER ',')")
        if "_rule" in cols:
            con.execute(f"""
                INSERT INTO bad_rows
                SELECT '{t.entity}', json_object({key_json}), {_lit(RULE_NAMES)}[_rule + 1],
                       {_lit(t.out)}[_col + 1], '{t.entity}/{name}', _line
                FROM rows WHERE _rule >= 0""")
        con.unregister("rows")
    return t.n


def generate(
    out_dir: Path,
    tickets: int = 20000,
    days: int = 120,
    seed: int = 42,
    bad_rows_share: float = 0.01,
    end_date: date = date(2026, 10, 31),
    nights: int = 0,
    progress: bool = False,
) -> dict[str, int]:
    """Write demo extracts for every entity to `out_dir/<entity>/` and return rows written per entity.

    The window is the `days` days ending on `end_date` (UTC); nothing after its end is written.
    With `nights=K` the last K days go to `<entity>_<YYYY-MM-DD>.csv` nightly files (rows of that
    day, plus a new version of every ticket that changed that day) and everything before to
    `<entity>_history.csv`; with 0, one history file per entity. `bad_rows_share` of rows (at
    least one per rule and entity, 0 for none) are added bad rows, listed in
    `out_dir/_bad_rows.json` as {entity, key, rule, column_name, file, line}. Output is byte-identical
    for identical arguments. Files of an earlier run that follow this naming are replaced.
    """
    if tickets < 1 or days < 1:
        raise ValueError("tickets and days must be positive")
    if not 0 <= nights < days:
        raise ValueError("nights must be between 0 and days - 1")
    if not 0 <= bad_rows_share < 0.5:
        raise ValueError("bad_rows_share must be in [0, 0.5)")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)

    sim = _Sim(tickets, days, seed, end_date, nights, progress)
    sim.agents()
    sim.customers_base()
    sim.products()
    sim.tickets()
    sim.calls()
    sim.surveys()
    sim.orders()
    sim.sessions()
    sim.customer_times()

    con = duckdb.connect()
    con.execute("SET preserve_insertion_order = true")  # files must come out in row order
    con.execute("SET enable_progress_bar = false")
    con.execute("CREATE TABLE bad_rows (entity VARCHAR, key JSON, rule VARCHAR, column_name VARCHAR, "
                "file VARCHAR, line BIGINT)")
    written: dict[str, int] = {}
    tables = {t.entity: t for t in sim.tables()}
    unknown_ticket = 2 * tickets + 1000  # above every real ticket id and every bad ticket row's id
    for entity in ENTITIES:
        t = _inject_bad_rows(tables.pop(entity), bad_rows_share, sim.rng("bad-" + entity), unknown_ticket)
        missing = set(ENTITIES[entity].required) - set(t.out)
        assert not missing, f"{entity} lacks contract columns {missing}"
        written[entity] = _write(con, t, out_dir, end_date, nights)
        sim.log(f"wrote {entity:<22} {written[entity]:>11,} rows")
    manifest = str(out_dir / MANIFEST_NAME).replace("'", "''")
    con.execute(f"COPY (SELECT * FROM bad_rows ORDER BY entity, file, line) TO '{manifest}' (FORMAT json, ARRAY true)")
    n_bad = con.execute("SELECT count(*) FROM bad_rows").fetchone()[0]
    con.close()
    sim.log(f"done: {sum(written.values()):,} rows, {n_bad:,} bad rows listed in {MANIFEST_NAME}")
    return written
