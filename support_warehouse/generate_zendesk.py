"""Synthetic Zendesk extracts in the layout Fivetran's Zendesk connector lands (issue 23).

``<out>/zendesk/<table>/<table>.csv`` for ticket, ticket_comment, ticket_field_history, user,
group, schedule, schedule_holiday, ticket_schedule and satisfaction_rating (CSAT good/bad), with the connector's column names (``_fivetran_synced``, ``_fivetran_deleted``). Tickets
are reopened, unassigned, unanswered or still open in realistic shares, agents sit in several time
zones (Zendesk's Rails zone names), comments include internal notes. ``bad_rows=True`` adds one
row per rejection rule the staging models apply (unknown status, comment on a missing ticket,
untypeable timestamp).
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from pathlib import Path

from .generate_connector import ConnectorExtract
from .generate_connector import fivetran_ts as _ts
from .generate_connector import parse_fivetran_ts as _parse

AGENT_ZONES = ("Eastern Time (US & Canada)", "Pacific Time (US & Canada)", "London", "Berlin", "Sydney")
GROUPS = ((360001, "Support"), (360002, "Billing"), (360003, "Technical"))
# Two Zendesk schedules in zones whose daylight-saving time ends inside a default period
# (Europe: last Sunday of October, US: first Sunday of November): group -> schedule.
SCHEDULES = {
    500001: ("Americas", "Eastern Time (US & Canada)", ((9 * 60, 17 * 60),)),
    500002: ("Europe", "London", ((8 * 60, 12 * 60), (13 * 60, 18 * 60))),
}
GROUP_SCHEDULE = {360001: 500001, 360002: 500002, 360003: 500001}
HOLIDAY = (700001, 500001, "Thanksgiving", date(2026, 11, 26), date(2026, 11, 27))
CHANNELS = ("web", "email", "chat", "api", "voice")
PRIORITIES = ("low", "normal", "normal", "high", "urgent", "")
TYPES = ("question", "incident", "problem", "task", "")


def generate_zendesk(
    out_dir: Path,
    tickets: int = 400,
    days: int = 60,
    seed: int = 23,
    end_date: date = date(2026, 11, 30),
    bad_rows: bool = True,
) -> dict[str, int]:
    rng = random.Random(seed)
    extract = ConnectorExtract.ending("zendesk", out_dir, end_date, days)
    start, extract_at, synced, live = extract.start, extract.extract_at, extract.synced, extract.sync_columns()

    groups = [{"id": gid, "name": name, **live} for gid, name in GROUPS]
    groups.append({"id": 360009, "name": "Retired", **extract.sync_columns(deleted=True)})
    users: list[dict] = []
    agents = []
    for i in range(10):
        uid = 1000 + i
        agents.append(uid)
        users.append({
            "id": uid, "name": f"Agent {i}", "email": f"agent{i}@example.com",
            "role": "admin" if i == 0 else "agent", "time_zone": AGENT_ZONES[i % len(AGENT_ZONES)],
            "created_at": _ts(start - timedelta(days=400)), "default_group_id": GROUPS[i % len(GROUPS)][0],
            "active": "true", **live,
        })
    customers = []
    for i in range(max(20, tickets // 3)):
        uid = 50000 + i
        customers.append(uid)
        users.append({
            "id": uid, "name": f"Customer {i}", "email": f"customer{i}@example.org", "role": "end-user",
            "time_zone": "London", "created_at": _ts(start - timedelta(days=rng.randint(1, 300))),
            "default_group_id": None, "active": "true", **live,
        })

    ticket_rows: list[dict] = []
    comments: list[dict] = []
    history: list[dict] = []
    comment_id = 9_000_000

    def comment(ticket_id: int, user_id: int, at: datetime, public: bool = True) -> None:
        nonlocal comment_id
        comment_id += 1
        comments.append({
            "id": comment_id, "ticket_id": ticket_id, "user_id": user_id, "public": str(public).lower(),
            "created": _ts(at), "body": "...", **live,
        })

    def status(ticket_id: int, value: str, at: datetime) -> None:
        history.append({"ticket_id": ticket_id, "field_name": "status", "updated": _ts(at), "value": value,
                        "user_id": None, "_fivetran_synced": synced})

    span = extract.span_seconds
    for n in range(tickets):
        tid = 100 + n
        created = start + timedelta(seconds=rng.uniform(0, span))
        requester = rng.choice(customers)
        kind = rng.random()
        assignee = None if kind < 0.06 else rng.choice(agents)
        group_id = GROUPS[(assignee or 0) % len(GROUPS)][0] if assignee else None
        comment(tid, requester, created)
        status(tid, "new", created)
        now = created
        final_status = "new"
        if assignee is None or kind < 0.10:  # unassigned or unanswered
            final_status = "new" if assignee is None else "open"
            if assignee is not None:
                status(tid, "open", created + timedelta(minutes=rng.randint(1, 30)))
        else:
            history.append({"ticket_id": tid, "field_name": "assignee_id",
                            "updated": _ts(created + timedelta(seconds=rng.randint(30, 600))),
                            "value": str(assignee), "user_id": None, "_fivetran_synced": synced})
            if rng.random() < 0.25:  # internal note before the reply
                comment(tid, assignee, created + timedelta(seconds=rng.randint(60, 900)), public=False)
            now = created + timedelta(minutes=rng.lognormvariate(4.5, 1.2) + 15)
            comment(tid, assignee, now)
            status(tid, "open", now)
            for _ in range(rng.choice((0, 0, 1, 1, 2))):  # back and forth
                now += timedelta(minutes=rng.lognormvariate(5, 1))
                comment(tid, requester, now)
                now += timedelta(minutes=rng.lognormvariate(4, 1))
                comment(tid, assignee, now)
            final_status = "open"
            if kind < 0.88:  # solved (the rest stays open)
                now += timedelta(minutes=rng.randint(5, 240))
                status(tid, "solved", now)
                final_status = "solved"
                if rng.random() < 0.15:  # reopened by the customer, then solved again
                    now += timedelta(hours=rng.uniform(2, 48))
                    comment(tid, requester, now)
                    status(tid, "open", now)
                    now += timedelta(minutes=rng.lognormvariate(4, 1))
                    comment(tid, assignee, now)
                    now += timedelta(minutes=rng.randint(5, 120))
                    status(tid, "solved", now)
                if now + timedelta(days=4) < extract_at:
                    now += timedelta(days=4)
                    status(tid, "closed", now)
                    final_status = "closed"
        # history must not run past the extract
        ticket_rows.append({
            "id": tid, "created_at": _ts(created), "updated_at": _ts(max(now, created)),
            "status": final_status, "priority": rng.choice(PRIORITIES), "type": rng.choice(TYPES),
            "via_channel": rng.choice(CHANNELS), "requester_id": requester, "submitter_id": requester,
            "assignee_id": assignee, "group_id": group_id, "subject": f"Ticket {tid}",
            **live,
        })

    # CSAT: solved tickets are offered a survey; some answer good or bad, some never answer
    ratings = []
    for t in ticket_rows:
        if t["status"] not in ("solved", "closed"):
            continue
        offered = _parse(t["updated_at"])
        score = rng.choice(("good", "good", "good", "bad", "offered", "unoffered"))
        answered = offered + timedelta(hours=rng.uniform(1, 30)) if score in ("good", "bad") else offered
        ratings.append({"id": 800_000 + t["id"], "ticket_id": t["id"], "score": score,
                        "requester_id": t["requester_id"], "assignee_id": t["assignee_id"],
                        "created_at": _ts(offered), "updated_at": _ts(min(answered, extract_at)),
                        **live})

    schedule_rows = []
    for sid, (name, zone, intervals) in SCHEDULES.items():
        for day in range(1, 6):  # Monday to Friday; Zendesk counts minutes from Sunday 00:00
            for begin, end in intervals:
                schedule_rows.append({
                    "id": sid, "name": name, "time_zone": zone, "start_time": day * 1440 + begin,
                    "end_time": day * 1440 + end, "created_at": _ts(start - timedelta(days=500)),
                    **live,
                })
    holiday_rows = [{
        "id": HOLIDAY[0], "schedule_id": HOLIDAY[1], "name": HOLIDAY[2], "start_date": HOLIDAY[3].isoformat(),
        "end_date": HOLIDAY[4].isoformat(), **live,
    }]
    ticket_schedules = [{
        "ticket_id": t["id"], "schedule_id": GROUP_SCHEDULE.get(t["group_id"], 500001),
        "created_at": t["created_at"], "_fivetran_synced": synced,
    } for t in ticket_rows]

    if bad_rows:
        bad = {"id": 99001, "created_at": _ts(start + timedelta(days=1)), "updated_at": _ts(start + timedelta(days=1)),
               "status": "escalated", "priority": "high", "type": "incident", "via_channel": "web",
               "requester_id": customers[0], "assignee_id": agents[0], "group_id": GROUPS[0][0],
               **live}
        ticket_rows.append(bad)
        comment(424242, customers[0], start + timedelta(days=2))  # comment on a ticket that does not exist
        comment(100, customers[0], start)
        comments[-1]["created"] = "yesterday-ish"  # untypeable timestamp

    extract.write("schedule", ["id", "name", "time_zone", "start_time", "end_time", "created_at",
                               "_fivetran_synced", "_fivetran_deleted"], schedule_rows)
    extract.write("schedule_holiday", ["id", "schedule_id", "name", "start_date", "end_date",
                                       "_fivetran_synced", "_fivetran_deleted"], holiday_rows)
    extract.write("ticket_schedule", ["ticket_id", "schedule_id", "created_at", "_fivetran_synced"], ticket_schedules)
    extract.write("group", ["id", "name", "url", "_fivetran_synced", "_fivetran_deleted"], groups)
    extract.write("user", ["id", "name", "email", "role", "time_zone", "created_at", "default_group_id",
                           "active", "_fivetran_synced", "_fivetran_deleted"], users)
    extract.write("ticket", ["id", "created_at", "updated_at", "status", "priority", "type", "via_channel",
                             "requester_id", "submitter_id", "assignee_id", "group_id", "subject",
                             "_fivetran_synced", "_fivetran_deleted"], ticket_rows)
    extract.write("ticket_comment", ["id", "ticket_id", "user_id", "public", "created", "body",
                                     "_fivetran_synced", "_fivetran_deleted"], comments)
    extract.write("satisfaction_rating", ["id", "ticket_id", "score", "requester_id", "assignee_id", "created_at",
                                          "updated_at", "_fivetran_synced", "_fivetran_deleted"], ratings)
    extract.write("ticket_field_history", ["ticket_id", "field_name", "updated", "value", "user_id",
                                           "_fivetran_synced"], history)
    return {"schedule": len(schedule_rows), "schedule_holiday": len(holiday_rows),
            "ticket_schedule": len(ticket_schedules), "ticket": len(ticket_rows), "ticket_comment": len(comments), "ticket_field_history": len(history),
            "user": len(users), "group": len(groups), "satisfaction_rating": len(ratings)}
