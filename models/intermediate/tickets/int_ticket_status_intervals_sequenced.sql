-- depends_on: {{ ref('int_tickets_changed') }} (read on a night only; dbt parses as a full build)
{{ config(
    materialized=sw_incremental_materialization(), incremental_strategy='replace_changed',
    unique_key='ticket_id', change_set='int_tickets_changed',
) }}

with

status_changes as (
    select * from {{ ref('int_ticket_status_changes_validated') }}
    {%- if is_incremental() %}
    where ticket_id in (select ticket_id from {{ ref('int_tickets_changed') }})
    {%- endif %}
),

tickets as (
    select * from {{ ref('int_tickets_unioned') }}
    {%- if is_incremental() %}
    where ticket_id in (select ticket_id from {{ ref('int_tickets_changed') }})
    {%- endif %}
),

recorded_changes as (
    select
        ticket_id,
        changed_at,
        status,
        'status_change' as status_source,
        2 as source_precedence
    from status_changes
    where reject_reason is null
),

-- Every ticket starts as 'new' at creation unless a recorded change says otherwise at that instant.
-- Recorded changes are unique per (ticket, instant) (staging keeps one version of each), so at most
-- one event per instant needs dropping: anti-joins on the few inferred events, not a ranking of all.
creation_events as (
    select
        tickets.ticket_id,
        tickets.created_at as changed_at,
        'new' as status,
        'inferred_creation' as status_source,
        1 as source_precedence
    from tickets
    left join recorded_changes
        on
            tickets.ticket_id = recorded_changes.ticket_id
            and tickets.created_at = recorded_changes.changed_at
    where recorded_changes.ticket_id is null
),

known_events as (
    select * from recorded_changes
    union all
    select * from creation_events
),

latest_instants as (
    select
        ticket_id,
        max(changed_at) as changed_at
    from known_events
    group by ticket_id
),

latest_known_events as (
    select known_events.*
    from known_events
    inner join latest_instants
        on
            known_events.ticket_id = latest_instants.ticket_id
            and known_events.changed_at = latest_instants.changed_at
),

-- The ticket extract's current status closes the history when it differs from the last known
-- status and the ticket was updated at or after that event: covers solved/closed tickets that
-- lack status-change rows (solved at updated_at) and histories missing their last change.
-- At the instant of the last known event, the closing event wins.
closing_events as (
    select
        tickets.ticket_id,
        coalesce(tickets.updated_at, tickets.created_at) as changed_at,
        tickets.status,
        'inferred_ticket_status' as status_source,
        3 as source_precedence
    from tickets
    inner join latest_known_events
        on tickets.ticket_id = latest_known_events.ticket_id
    where
        tickets.status <> latest_known_events.status
        and coalesce(tickets.updated_at, tickets.created_at) >= latest_known_events.changed_at
),

events as (
    select
        known_events.ticket_id,
        known_events.changed_at,
        known_events.status,
        known_events.status_source
    from known_events
    left join closing_events
        on
            known_events.ticket_id = closing_events.ticket_id
            and known_events.changed_at = closing_events.changed_at
    where closing_events.ticket_id is null
    union all
    select
        ticket_id,
        changed_at,
        status,
        status_source
    from closing_events
),

sequenced as (
    select
        *,
        row_number() over (partition by ticket_id order by changed_at) as status_sequence,
        lag(status) over (partition by ticket_id order by changed_at) as previous_status,
        lead(changed_at) over (partition by ticket_id order by changed_at) as valid_to
    from events
),

final as (
    select
        ticket_id,
        status_sequence,
        status,
        previous_status,
        changed_at as valid_from,
        valid_to,
        valid_to is null as is_current,
        status in ('solved', 'closed') as is_solved_status,
        status in ('solved', 'closed')
        and (previous_status is null or previous_status not in ('solved', 'closed')) as is_solve_event,
        status not in ('solved', 'closed')
        and coalesce(previous_status in ('solved', 'closed'), false) as is_reopen_event,
        status_source,
        status_source <> 'status_change' as is_inferred
    from sequenced
)

select * from final
