"""Synthetic Intercom extracts in the layout Fivetran's Intercom connector lands (issue 23).

``<out>/intercom/<table>/<table>.csv`` for conversation_history, conversation_part_history, admin,
team, team_admin and contact_history, with the connector's column names. The *_history tables hold
several versions of a row (a conversation as first synced and as last updated; some contacts and
parts edited), as the connector keeps them. Conversations are answered by admins (sometimes after a
bot, sometimes by an assignment with a reply), carry internal notes, are snoozed, closed, reopened
and closed again, or stay open or unanswered; closed ones are sometimes rated 1-5.
``bad_rows=True`` adds one row per rejection rule (unknown state, part on a missing conversation,
untypeable timestamp).
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from pathlib import Path

from .generate_connector import ConnectorExtract
from .generate_connector import fivetran_ts as _ts

TEAMS = ((7001, "Support"), (7002, "Billing"), (7003, "Technical"))
SOURCES = (("conversation", "customer_initiated"), ("conversation", "customer_initiated"),
           ("email", "customer_initiated"), ("facebook", "customer_initiated"), ("whatsapp", "customer_initiated"))
CONVERSATION_COLUMNS = [
    "id", "created_at", "updated_at", "state", "source_type", "source_delivered_as", "source_author_id",
    "source_author_type", "assignee_id", "assignee_type", "conversation_rating_value", "read",
    "_fivetran_synced", "_fivetran_deleted",
]
PART_COLUMNS = [
    "id", "conversation_id", "part_type", "author_id", "author_type", "body", "assigned_to_id",
    "created_at", "updated_at", "conversation_updated_at", "_fivetran_synced", "_fivetran_deleted",
]


def generate_intercom(
    out_dir: Path,
    conversations: int = 300,
    days: int = 60,
    seed: int = 23,
    end_date: date = date(2026, 11, 30),
    bad_rows: bool = True,
) -> dict[str, int]:
    rng = random.Random(seed)
    extract = ConnectorExtract.ending("intercom", out_dir, end_date, days)
    start, live = extract.start, extract.sync_columns()

    teams = [{"id": tid, "name": name, **live} for tid, name in TEAMS]
    admins, team_admins = [], []
    for i in range(8):
        aid = 5000 + i
        admins.append({"id": aid, "name": f"Admin {i}", "email": f"admin{i}@example.com", "job_title": "Support",
                       **live})
        team_admins.append({"team_id": TEAMS[i % 3][0], "admin_id": aid, **live})
    # one admin in two teams, one who left (deleted)
    team_admins.append({"team_id": TEAMS[2][0], "admin_id": 5001, **live})
    admins.append({"id": 5099, "name": "Former admin", "email": "former@example.com", "job_title": "",
                   **extract.sync_columns(deleted=True)})
    agent_ids = [a["id"] for a in admins[:8]]

    contacts, contact_ids = [], []
    for i in range(max(20, conversations // 3)):
        cid = f"6a{i:022x}"
        contact_ids.append(cid)
        created = start - timedelta(days=rng.randint(1, 300))
        row = {"id": cid, "role": "lead" if i % 5 == 0 else "user", "name": f"Contact {i}",
               "email": f"contact{i}@example.org", "created_at": _ts(created), "updated_at": _ts(created),
               **live}
        contacts.append(row)
        if i % 5 == 0:  # a lead that signed up: a newer version of the contact
            contacts.append({**row, "role": "user", "updated_at": _ts(created + timedelta(days=1))})

    history: list[dict] = []
    parts: list[dict] = []
    part_id = 80_000_000

    def part(cid: int, part_type: str, author, author_type: str, at: datetime, body: str | None = None,
             assigned_to=None) -> dict:
        nonlocal part_id
        part_id += 1
        row = {"id": part_id, "conversation_id": cid, "part_type": part_type, "author_id": author,
               "author_type": author_type, "body": body, "assigned_to_id": assigned_to, "created_at": _ts(at),
               "updated_at": _ts(at), **live}
        parts.append(row)
        return row

    span = extract.span_seconds
    for n in range(conversations):
        cid = 2_000_000 + n
        created = start + timedelta(seconds=rng.uniform(0, span))
        contact = rng.choice(contact_ids)
        source_type, delivered_as = rng.choice(SOURCES)
        kind = rng.random()
        admin = None if kind < 0.06 else rng.choice(agent_ids)
        # the customer's opening message is the conversation's first part
        part(cid, "comment", contact, "user", created, "<p>Hello</p>")
        now, state, rating = created, "open", None
        if rng.random() < 0.3:  # the bot answers first (not an admin response)
            now += timedelta(seconds=rng.randint(5, 60))
            part(cid, "comment", 9999, "bot", now, "<p>An agent will reply soon</p>")
        if admin is not None and kind >= 0.10:
            now += timedelta(seconds=rng.randint(30, 600))
            with_reply = rng.random() < 0.2  # assign and reply at once: the assignment is the first response
            part(cid, "assignment", admin, "admin", now, "<p>On it</p>" if with_reply else None, admin)
            if rng.random() < 0.25:
                now += timedelta(seconds=rng.randint(30, 600))
                part(cid, "note", admin, "admin", now, "<p>internal</p>")
            if not with_reply:
                now += timedelta(minutes=rng.lognormvariate(4.5, 1.2) + 5)
                reply = part(cid, "comment", admin, "admin", now, "<p>Answer</p>")
                if rng.random() < 0.1:  # edited later: a second version of the part
                    parts.append({**reply, "body": "<p>Answer (edited)</p>",
                                  "updated_at": _ts(now + timedelta(minutes=3))})
            for _ in range(rng.choice((0, 0, 1, 2))):  # back and forth
                now += timedelta(minutes=rng.lognormvariate(5, 1))
                part(cid, "comment", contact, "user", now, "<p>More</p>")
                now += timedelta(minutes=rng.lognormvariate(4, 1))
                part(cid, "comment", admin, "admin", now, "<p>Reply</p>")
            if rng.random() < 0.15:  # snoozed, woken up by the timer
                now += timedelta(minutes=rng.randint(5, 60))
                part(cid, "snoozed", admin, "admin", now)
                now += timedelta(hours=rng.randint(1, 24))
                part(cid, "timer_unsnooze", admin, "admin", now)
            if kind < 0.85:  # closed (the rest stays open, some snoozed)
                now += timedelta(minutes=rng.randint(5, 240))
                part(cid, "close", admin, "admin", now)
                state = "closed"
                if rng.random() < 0.15:  # reopened by the customer, closed again
                    now += timedelta(hours=rng.uniform(2, 48))
                    part(cid, "open", contact, "user", now)
                    part(cid, "comment", contact, "user", now + timedelta(seconds=1), "<p>Still broken</p>")
                    now += timedelta(minutes=rng.lognormvariate(4, 1))
                    part(cid, "comment", admin, "admin", now, "<p>Fixed now</p>")
                    now += timedelta(minutes=rng.randint(5, 120))
                    part(cid, "close", admin, "admin", now)
                if rng.random() < 0.4:
                    rating = rng.choice((1, 2, 3, 4, 4, 5, 5, 5))
            elif kind > 0.95:
                now += timedelta(minutes=rng.randint(5, 60))
                part(cid, "snoozed", admin, "admin", now)
                state = "snoozed"
        first = {"id": cid, "created_at": _ts(created), "updated_at": _ts(created), "state": "open",
                 "source_type": source_type, "source_delivered_as": delivered_as, "source_author_id": contact,
                 "source_author_type": "user", "assignee_id": None, "assignee_type": None,
                 "conversation_rating_value": None, "read": "true", **live}
        history.append(first)
        if now > created:  # the conversation as last updated: a second version
            history.append({**first, "updated_at": _ts(now), "state": state, "assignee_id": admin,
                            "assignee_type": "admin" if admin else None, "conversation_rating_value": rating})

    if bad_rows:
        at = start + timedelta(days=1)
        history.append({"id": 2_999_001, "created_at": _ts(at), "updated_at": _ts(at), "state": "escalated",
                        "source_type": "conversation", "source_delivered_as": "customer_initiated",
                        "source_author_id": contact_ids[0], "source_author_type": "user",
                        **live})
        part(424242, "comment", contact_ids[0], "user", start + timedelta(days=2), "<p>?</p>")  # no such conversation
        part(2_000_000, "comment", contact_ids[0], "user", start, "<p>?</p>")["created_at"] = "yesterday-ish"

    extract.write("team", ["id", "name", "_fivetran_synced", "_fivetran_deleted"], teams)
    extract.write("team_admin", ["team_id", "admin_id", "_fivetran_synced", "_fivetran_deleted"], team_admins)
    extract.write("admin", ["id", "name", "email", "job_title", "_fivetran_synced", "_fivetran_deleted"], admins)
    extract.write("contact_history", ["id", "role", "name", "email", "created_at", "updated_at",
                                      "_fivetran_synced", "_fivetran_deleted"], contacts)
    extract.write("conversation_history", CONVERSATION_COLUMNS, history)
    extract.write("conversation_part_history", PART_COLUMNS, parts)
    return {"conversation_history": len(history), "conversation_part_history": len(parts), "admin": len(admins),
            "team": len(teams), "team_admin": len(team_admins), "contact_history": len(contacts)}
