"""The input contract of SPEC §1, in one place.

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

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(self.columns)

    @property
    def raw_columns(self) -> tuple[str, ...]:
        """The columns every raw table is created with: required, then optional."""
        return (*self.columns, *self.optional)


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

# Landing sub-folders of connector systems (<landing>/<system>/<table>/): their tables are read by
# the system's own connector, so these folders are known, never reported as unknown. Add a system
# here when its connector lands.
CONNECTOR_SYSTEMS: tuple[str, ...] = ("zendesk", "intercom")


def known_landing_folders() -> frozenset[str]:
    """Top-level folder names a landing folder may hold: contract entities and connector systems.
    Anything else (a typo such as `ticket/`) is reported by support_warehouse.landing.survey."""
    return frozenset(ENTITIES) | frozenset(CONNECTOR_SYSTEMS)
