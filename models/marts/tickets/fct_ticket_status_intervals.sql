{#
    A night replaces the rows of its changed tickets and of the tickets still open: an open
    ticket's current interval runs to the data's as-of time. A solved or closed ticket's current
    interval has no duration yet (null), so its rows stay as they were until the ticket changes.
#}
-- depends_on: {{ ref('int_tickets_changed') }} (read on a night only; dbt parses as a full build)
-- depends_on: {{ ref('int_tickets_open') }}
{{ config(
    materialized=sw_incremental_materialization(), incremental_strategy='replace_changed',
    unique_key='ticket_id', change_set='int_tickets_changed',
) }}

with

{%- if is_incremental() %}

recomputed_tickets as (
    select ticket_id from {{ ref('int_tickets_changed') }}
    union
    select ticket_id from {{ ref('int_tickets_open') }}
),
{%- endif %}

status_intervals as (
    select * from {{ ref('int_ticket_status_intervals_sequenced') }}
    {%- if is_incremental() %}
    where ticket_id in (select ticket_id from recomputed_tickets)
    {%- endif %}
),

watermark as (
    select * from {{ ref('int_ticket_extracts_watermarked') }}
),

final as (
    select
        status_intervals.ticket_id,
        status_intervals.status_sequence,
        status_intervals.status,
        status_intervals.previous_status,
        status_intervals.valid_from,
        status_intervals.valid_to,
        {{ reporting_date('status_intervals.valid_from') }} as valid_from_date,
        status_intervals.is_current,
        case
            when status_intervals.valid_to is not null
                then {{ minutes_between('status_intervals.valid_from', 'status_intervals.valid_to') }}
            when not status_intervals.is_solved_status
                then {{ minutes_between(
                    'status_intervals.valid_from', 'greatest(watermark.as_of_at, status_intervals.valid_from)'
                ) }}
        end as duration_minutes,
        status_intervals.is_solved_status,
        status_intervals.is_solve_event,
        status_intervals.is_reopen_event,
        status_intervals.status_source,
        status_intervals.is_inferred
    from status_intervals
    cross join watermark
)

select * from final
