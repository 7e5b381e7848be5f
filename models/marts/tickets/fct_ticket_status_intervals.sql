{#
    A night replaces the rows of its changed tickets. The current interval's duration runs to the
    data's as-of time, so a post-hook then moves every current interval (valid_to is null) to the
    new as-of time: one column of one row per ticket, instead of rebuilding them all.
#}
-- depends_on: {{ ref('int_tickets_changed') }} (read on a night only; dbt parses as a full build)
{{ config(
    materialized=sw_incremental_materialization(), incremental_strategy='replace_changed',
    unique_key='ticket_id', change_set='int_tickets_changed',
    post_hook="{{ fct_ticket_status_intervals_refresh_current() }}",
) }}

with

status_intervals as (
    select * from {{ ref('int_ticket_status_intervals_sequenced') }}
    {%- if is_incremental() %}
    where ticket_id in (select ticket_id from {{ ref('int_tickets_changed') }})
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
        {{ minutes_between(
            'status_intervals.valid_from',
            'coalesce(status_intervals.valid_to, greatest(watermark.as_of_at, status_intervals.valid_from))'
        ) }} as duration_minutes,
        status_intervals.is_solved_status,
        status_intervals.is_solve_event,
        status_intervals.is_reopen_event,
        status_intervals.status_source,
        status_intervals.is_inferred
    from status_intervals
    cross join watermark
)

select * from final
