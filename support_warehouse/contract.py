"""The input contract of docs/input_contract.md, in one place.

The generator writes it, the loader enforces the required columns, the dbt staging
models type it, and the tests read it. Types are the logical types staging casts to.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Entity:
    name: str
    source: str  # dbt source name the raw table belongs to
    key: tuple[str, ...]
    columns: dict[str, str]  # required column -> logical type
    # Optional column -> logical type: files may leave it out (its values are then null), and the
    # raw table always has it, so staging can read it whether or not any file had it.
    optional: dict[str, str] = field(default_factory=dict)
    # Connector tables: landing folder below the landing dir (e.g. "zendesk/ticket"; default: name).
    folder: str | None = None

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(self.columns)

    @property
    def raw_columns(self) -> tuple[str, ...]:
        """The columns every raw table is created with: required, then optional."""
        return (*self.columns, *self.optional)

    @property
    def landing_folder(self) -> str:
        return self.folder or self.name


ENTITIES: dict[str, Entity] = {
    e.name: e
    for e in [
        Entity(
            "customers",
            "helpdesk",
            ("customer_id",),
            {
                "customer_id": "string",
                "name": "string",
                "email": "string",
                "tier": "string",
                "country": "string",
                "created_at": "timestamp",
                "churned_at": "timestamp",
            },
        ),
        Entity(
            "agents",
            "helpdesk",
            ("agent_id",),
            {
                "agent_id": "string",
                "name": "string",
                "email": "string",
                "team": "string",
                "timezone": "string",
                "hired_at": "timestamp",
                "left_at": "timestamp",
            },
        ),
        Entity(
            "agent_shifts",
            "workforce",
            ("agent_id", "shift_date"),
            {
                "agent_id": "string",
                "shift_date": "date",
                "scheduled_minutes": "integer",
                "is_leave": "boolean",
            },
        ),
        Entity(
            "tickets",
            "helpdesk",
            ("ticket_id",),
            {
                "ticket_id": "string",
                "customer_id": "string",
                "channel": "string",
                "ticket_type": "string",
                "priority": "string",
                "status": "string",
                "assignee_id": "string",
                "created_at": "timestamp",
                "updated_at": "timestamp",
            },
        ),
        Entity(
            "ticket_messages",
            "helpdesk",
            ("message_id",),
            {
                "message_id": "string",
                "ticket_id": "string",
                "author_type": "string",
                "author_id": "string",
                "is_public": "boolean",
                "created_at": "timestamp",
            },
        ),
        Entity(
            "ticket_status_changes",
            "helpdesk",
            ("ticket_id", "changed_at"),
            {
                "ticket_id": "string",
                "changed_at": "timestamp",
                "status": "string",
            },
        ),
        Entity(
            "calls",
            "telephony",
            ("call_id",),
            {
                "call_id": "string",
                "customer_id": "string",
                "agent_id": "string",
                "ticket_id": "string",
                "queued_at": "timestamp",
                "answered_at": "timestamp",
                "ended_at": "timestamp",
                "hold_seconds": "integer",
                "wrap_up_seconds": "integer",
            },
        ),
        Entity(
            "survey_responses",
            "surveys",
            ("response_id",),
            {
                "response_id": "string",
                "survey_type": "string",
                "scale": "string",
                "customer_id": "string",
                "ticket_id": "string",
                "agent_id": "string",
                "sent_at": "timestamp",
                "responded_at": "timestamp",
                "score": "integer",
                "comment": "string",
            },
        ),
        Entity(
            "reviews",
            "commerce",
            ("review_id",),
            {
                "review_id": "string",
                "customer_id": "string",
                "order_id": "string",
                "marketplace": "string",
                "rating": "integer",
                "created_at": "timestamp",
            },
        ),
        Entity(
            "orders",
            "commerce",
            ("order_id",),
            {
                "order_id": "string",
                "customer_id": "string",
                "ordered_at": "timestamp",
                "product_id": "string",
                "quantity": "integer",
                "amount": "double",
                "status": "string",
                "shipped_on_time": "boolean",
            },
            # marketplace order defects (Amazon's order defect rate) where the shop's extract has them
            optional={"has_a_to_z_claim": "boolean", "has_chargeback": "boolean"},
        ),
        Entity(
            "products",
            "commerce",
            ("product_id",),
            {
                "product_id": "string",
                "name": "string",
                "category": "string",
                "tier": "integer",
                "price": "double",
            },
        ),
        Entity(
            "self_service_sessions",
            "helpdesk",
            ("session_id",),
            {
                "session_id": "string",
                "customer_id": "string",
                "started_at": "timestamp",
                "source": "string",
                "resolved": "boolean",
                "ticket_id": "string",
            },
        ),
    ]
}

# Columns every raw table carries besides the extract's own (all extract columns are VARCHAR in raw).
LINEAGE_COLUMNS = ("_source_file", "_source_line", "_loaded_at", "_load_id")

ACCEPTED_VALUES = {
    ("customers", "tier"): ("standard", "premium", "enterprise"),
    ("tickets", "priority"): ("low", "normal", "high", "urgent"),
    ("tickets", "status"): ("new", "open", "pending", "on_hold", "solved", "closed"),
    ("ticket_status_changes", "status"): ("new", "open", "pending", "on_hold", "solved", "closed"),
    ("ticket_messages", "author_type"): ("customer", "agent", "bot", "system"),
    ("survey_responses", "survey_type"): ("csat", "nps", "ces"),
    ("survey_responses", "scale"): ("csat_5", "csat_3", "csat_2", "nps_11", "ces_7", "ces_10"),
    ("orders", "status"): ("placed", "shipped", "cancelled", "returned"),
    ("self_service_sessions", "source"): ("help_center", "chatbot", "faq"),
}

# Inclusive score range per survey scale.
SCALE_RANGES = {"csat_5": (1, 5), "csat_3": (1, 3), "csat_2": (1, 2), "nps_11": (0, 10), "ces_7": (1, 7),
                "ces_10": (1, 10)}
# Survey type of each scale (a response whose scale belongs to another type is rejected).
SCALE_TYPES = {"csat_5": "csat", "csat_3": "csat", "csat_2": "csat", "nps_11": "nps", "ces_7": "ces", "ces_10": "ces"}


# ------------------------------------------------------------------ connector tables (issue 23)
# Tables of Fivetran's connectors, landed as the connector writes them under
# <landing>/<system>/<table>/ and loaded into raw.<system>__<table> (VARCHAR, same ledger as the
# contract entities). Their only "contract" is the columns the stg_<system>__* models read.


def _connector(system: str, table: str, key: tuple[str, ...], columns: tuple[str, ...],
               optional: tuple[str, ...] = ("_fivetran_deleted",)) -> Entity:
    return Entity(
        f"{system}__{table}", system, key, {c: "string" for c in columns},
        optional={c: "string" for c in optional}, folder=f"{system}/{table}",
    )


CONNECTOR_TABLES: dict[str, Entity] = {
    e.name: e
    for e in [
        _connector("zendesk", "ticket", ("id",), (
            "id", "created_at", "updated_at", "status", "priority", "type", "via_channel",
            "requester_id", "assignee_id", "group_id", "_fivetran_synced",
        )),
        _connector("zendesk", "ticket_comment", ("id",), (
            "id", "ticket_id", "user_id", "public", "created", "_fivetran_synced",
        )),
        _connector("zendesk", "ticket_field_history", ("ticket_id", "field_name", "updated"), (
            "ticket_id", "field_name", "updated", "value", "_fivetran_synced",
        ), optional=("user_id",)),
        _connector("zendesk", "user", ("id",), (
            "id", "name", "email", "role", "time_zone", "created_at", "_fivetran_synced",
        ), optional=("_fivetran_deleted", "default_group_id", "active")),
        _connector("zendesk", "group", ("id",), ("id", "name", "_fivetran_synced")),
        _connector("zendesk", "schedule", ("id", "start_time"), (
            "id", "name", "time_zone", "start_time", "end_time", "_fivetran_synced",
        )),
        _connector("zendesk", "schedule_holiday", ("id",), (
            "id", "schedule_id", "name", "start_date", "end_date", "_fivetran_synced",
        )),
        _connector("zendesk", "satisfaction_rating", ("id",), (
            "id", "ticket_id", "score", "created_at", "updated_at", "_fivetran_synced",
        ), optional=("_fivetran_deleted", "assignee_id", "requester_id")),
        _connector("zendesk", "ticket_schedule", ("ticket_id", "created_at"), (
            "ticket_id", "schedule_id", "created_at", "_fivetran_synced",
        ), optional=()),
        # Landed and kept in raw, not read: daylight-saving rules come from the IANA zone of the
        # schedule's time zone (docs/sources/zendesk.md).
        _connector("zendesk", "time_zone", ("time_zone",), (), optional=()),
        _connector("zendesk", "daylight_time", ("time_zone", "year"), (), optional=()),
        # Fivetran Intercom: *_history tables hold every version of a row (latest by updated_at)
        _connector("intercom", "conversation_history", ("id", "updated_at"), (
            "id", "created_at", "updated_at", "state", "source_type", "source_delivered_as",
            "source_author_id", "assignee_id", "_fivetran_synced",
        ), optional=("_fivetran_deleted", "conversation_rating_value")),
        _connector("intercom", "conversation_part_history", ("id", "updated_at"), (
            "id", "conversation_id", "part_type", "author_id", "author_type", "created_at",
            "updated_at", "_fivetran_synced",
        ), optional=("_fivetran_deleted", "body")),
        _connector("intercom", "admin", ("id",), ("id", "name", "_fivetran_synced"),
                   optional=("_fivetran_deleted", "email")),
        _connector("intercom", "team", ("id",), ("id", "name", "_fivetran_synced")),
        _connector("intercom", "team_admin", ("team_id", "admin_id"), (
            "team_id", "admin_id", "_fivetran_synced",
        )),
        _connector("intercom", "contact_history", ("id", "updated_at"), (
            "id", "role", "name", "email", "created_at", "updated_at", "_fivetran_synced",
        )),
    ]
}

# Every table the loader reads: the contract entities, then the connector tables.
LANDING_TABLES: dict[str, Entity] = {**ENTITIES, **CONNECTOR_TABLES}

CONNECTOR_SYSTEMS = tuple(dict.fromkeys(e.source for e in CONNECTOR_TABLES.values()))


def known_landing_folders() -> frozenset[str]:
    """Top-level landing folders the loader reads: one per contract entity, one per connector system."""
    return frozenset(ENTITIES) | frozenset(CONNECTOR_SYSTEMS)
