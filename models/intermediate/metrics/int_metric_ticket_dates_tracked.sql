{#
    The days each ticket's metrics are dated on (created_date, first_solved_date), with a
    fingerprint of what the ticket metrics read from it (macro ticket_metric_inputs), so a night
    knows which days its changes touched, the days a ticket left included: fct_tickets keeps only
    a ticket's new row. Per ticket, incremental (delete+insert): a night rewrites the tickets whose
    fingerprint changed (is_current rows: their days now; superseded rows: their days before,
    tagged with the night's watermark in changed_under). Superseded rows stay until a later
    watermark shows the night that wrote them succeeded, so a failed night's days are recomputed
    again by the next (DECISIONS.md, "The ticket metrics' days are maintained by delta").
#}
{{ config(
    materialized=sw_incremental_materialization(), incremental_strategy='delete+insert',
    unique_key='ticket_id',
) }}

{%- set watermark = sw_changed_since() if var('changed_since', none) else 'cast(null as timestamp)' %}

with

tickets as (
    select * from {{ ref('fct_tickets') }}
),

fingerprinted as (
    select
        ticket_id,
        created_date,
        first_solved_date,
        hash(
            {%- for column in ticket_metric_inputs() %}
            {{ column }}{% if not loop.last %},{% endif %}
            {%- endfor %}
        ) as ticket_fingerprint
    from tickets
),

dated as (
    select
        ticket_id,
        created_date as observation_date,
        ticket_fingerprint
    from fingerprinted
    where created_date is not null
    union
    select
        ticket_id,
        first_solved_date as observation_date,
        ticket_fingerprint
    from fingerprinted
    where first_solved_date is not null
),

{%- if is_incremental() %}

previous as (
    select * from {{ this }}
),

previous_fingerprints as (
    select distinct
        ticket_id,
        ticket_fingerprint
    from previous
    where is_current
),

changed_tickets as (
    select fingerprinted.ticket_id
    from fingerprinted
    left join previous_fingerprints
        on fingerprinted.ticket_id = previous_fingerprints.ticket_id
    where previous_fingerprints.ticket_fingerprint is distinct from fingerprinted.ticket_fingerprint
    union
    select ticket_id
    from previous_fingerprints
    where ticket_id not in (select fingerprinted.ticket_id from fingerprinted)
),

{#- superseded days not yet known to be consumed: written under this watermark (a failed try of
    this night), a later one, or none (a build without a watermark) #}
pending_previous as (
    select *
    from previous
    where
        not is_current
        and (
            changed_under is null
            or {{ watermark }} is null
            or changed_under >= {{ watermark }}
        )
),

rewritten_tickets as (
    select ticket_id from changed_tickets
    union
    select ticket_id from previous
    where not is_current
),

rewritten as (
    select
        ticket_id,
        observation_date,
        ticket_fingerprint,
        true as is_current
    from dated
    where ticket_id in (select changed_tickets.ticket_id from changed_tickets)
    union all
    select
        ticket_id,
        observation_date,
        ticket_fingerprint,
        false as is_current
    from previous
    where
        is_current
        and ticket_id in (select changed_tickets.ticket_id from changed_tickets)
    union all
    select
        ticket_id,
        observation_date,
        ticket_fingerprint,
        false as is_current
    from pending_previous
),

final as (
    select distinct
        ticket_id,
        observation_date,
        ticket_fingerprint,
        is_current,
        {{ watermark }} as changed_under
    from rewritten
    union all
    select
        ticket_id,
        observation_date,
        ticket_fingerprint,
        is_current,
        changed_under
    from previous
    where
        is_current
        and ticket_id in (select rewritten_tickets.ticket_id from rewritten_tickets)
        and ticket_id not in (select changed_tickets.ticket_id from changed_tickets)
)
{%- else %}

final as (
    select
        ticket_id,
        observation_date,
        ticket_fingerprint,
        true as is_current,
        {{ watermark }} as changed_under
    from dated
)
{%- endif %}

select * from final
