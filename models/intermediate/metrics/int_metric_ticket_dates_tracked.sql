{#
    The days each ticket's metrics are dated on (created_date, first_solved_date), with a
    fingerprint of what the ticket metrics read from it (macro ticket_metric_inputs), so a night
    knows which days its changes touched, the days a ticket left included: fct_tickets keeps only
    a ticket's new row. Per ticket, incremental (delete+insert): a night rewrites the tickets whose
    fingerprint changed (is_current rows: their days now; superseded rows: their days before,
    tagged with the night's watermark in changed_under). Superseded rows stay until a later
    watermark shows the night that wrote them succeeded, so a failed night's days are recomputed
    again by the next (DECISIONS.md, "The ticket metrics' days are maintained by delta").

    A night fingerprints only the fct_tickets rows the night may have rewritten, found as
    fct_tickets finds them: its change set and open tickets, their follow-up groups (customer and
    ticket type, now and as stored here) and the tickets whose 24-hour outcome the new as-of time
    may change (stored here too). customer_id and created_at join the fingerprint so what is
    stored stays current.
#}
-- depends_on: {{ ref('int_tickets_changed') }} (read on a night only; dbt parses as a full build)
-- depends_on: {{ ref('int_tickets_open') }}
-- depends_on: {{ ref('int_ticket_extracts_watermarked') }}
{{ config(
    materialized=sw_incremental_materialization(), incremental_strategy='delete+insert',
    unique_key='ticket_id',
) }}

{#- the night's watermark as the nightly job passes it (env var) or a test does (var) #}
{%- set watermark = sw_changed_since() if var('changed_since', env_var('SW_CHANGED_SINCE', ''))
    else 'cast(null as timestamp)' %}
{%- set columns = [
    'ticket_id', 'observation_date', 'ticket_fingerprint', 'customer_id', 'ticket_type',
    'has_24h_outcome', 'response_window_ends_at',
] %}

with

tickets as (
    select * from {{ ref('fct_tickets') }}
),

{%- if is_incremental() %}

changed_tickets as (
    select * from {{ ref('int_tickets_changed') }}
),

open_tickets as (
    select * from {{ ref('int_tickets_open') }}
),

as_of as (
    select * from {{ ref('int_ticket_extracts_watermarked') }}
),

previous as (
    select * from {{ this }}
),

previous_current as (
    select * from previous
    where is_current
),

-- a ticket's follow-up group (customer, ticket type) now and as stored before
ticket_groups as (
    select
        ticket_id,
        customer_id,
        ticket_type
    from tickets
    union all
    select
        ticket_id,
        customer_id,
        ticket_type
    from previous_current
),

-- FCR looks at the customer's next ticket of the same type
followup_groups as (
    select distinct
        customer_id,
        ticket_type
    from ticket_groups
    where
        ticket_id in (select changed_tickets.ticket_id from changed_tickets)
        or ticket_id in (select open_tickets.ticket_id from open_tickets)
),

-- the new as-of time may close an open 24-hour window (or, moving back, reopen one)
response_window_tickets as (
    select previous_current.ticket_id
    from previous_current
    cross join as_of
    where
        not previous_current.has_24h_outcome
        or previous_current.response_window_ends_at > as_of.as_of_at
),

candidate_tickets as (
    select ticket_id from changed_tickets
    union
    select ticket_id from open_tickets
    union
    select tickets.ticket_id
    from tickets
    inner join followup_groups
        on
            tickets.customer_id = followup_groups.customer_id
            and tickets.ticket_type = followup_groups.ticket_type
    union
    select ticket_id from response_window_tickets
),

candidate_rows as (
    select * from tickets
    where ticket_id in (select candidate_tickets.ticket_id from candidate_tickets)
),
{%- else %}

candidate_rows as (
    select * from tickets
),
{%- endif %}

fingerprinted as (
    select
        ticket_id,
        created_date,
        first_solved_date,
        customer_id,
        ticket_type,
        has_24h_outcome,
        case
            when not is_answered_within_24h
                then {{ dbt.dateadd('hour', var('response_rate_hours'), 'created_at') }}
        end as response_window_ends_at,
        hash(
            {%- for column in ticket_metric_inputs() + ['customer_id', 'created_at'] %}
            {{ column }}{% if not loop.last %},{% endif %}
            {%- endfor %}
        ) as ticket_fingerprint
    from candidate_rows
),

dated as (
    select
        {%- for column in columns %}
        {{ 'created_date as observation_date' if column == 'observation_date' else column }},
        {%- endfor %}
        true as is_current
    from fingerprinted
    where created_date is not null
    union
    select
        {%- for column in columns %}
        {{ 'first_solved_date as observation_date' if column == 'observation_date' else column }},
        {%- endfor %}
        true as is_current
    from fingerprinted
    where first_solved_date is not null
),

{%- if is_incremental() %}

new_fingerprints as (
    select distinct
        ticket_id,
        ticket_fingerprint
    from dated
),

old_fingerprints as (
    select distinct
        ticket_id,
        ticket_fingerprint
    from previous_current
),

fingerprint_changes as (
    select
        candidate_tickets.ticket_id,
        new_fingerprints.ticket_fingerprint as new_fingerprint,
        old_fingerprints.ticket_fingerprint as old_fingerprint
    from candidate_tickets
    left join new_fingerprints
        on candidate_tickets.ticket_id = new_fingerprints.ticket_id
    left join old_fingerprints
        on candidate_tickets.ticket_id = old_fingerprints.ticket_id
),

fingerprint_changed_tickets as (
    select ticket_id
    from fingerprint_changes
    where new_fingerprint is distinct from old_fingerprint
),

{#- superseded: the changed tickets' days before, and superseded days not yet known to be
    consumed (written under this watermark, i.e. a failed try of this night, a later one, or
    none: a build without a watermark) #}
superseded as (
    select * from previous
    where
        (is_current and ticket_id in (select fingerprint_changed_tickets.ticket_id from fingerprint_changed_tickets))
        or (
            not is_current
            and (
                changed_under is null
                or {{ watermark }} is null
                or changed_under >= {{ watermark }}
            )
        )
),

rewritten as (
    select * from dated
    where ticket_id in (select fingerprint_changed_tickets.ticket_id from fingerprint_changed_tickets)
    union all
    select
        {%- for column in columns %}
        {{ column }},
        {%- endfor %}
        false as is_current
    from superseded
),

-- tickets with superseded rows keep their current rows as they were
kept as (
    select * from previous
    where
        is_current
        and ticket_id in (select previous.ticket_id from previous where not previous.is_current)
        and ticket_id not in (select fingerprint_changed_tickets.ticket_id from fingerprint_changed_tickets)
),

final as (
    select distinct
        *,
        {{ watermark }} as changed_under
    from rewritten
    union all
    select * from kept
)
{%- else %}

final as (
    select
        *,
        {{ watermark }} as changed_under
    from dated
)
{%- endif %}

select * from final
