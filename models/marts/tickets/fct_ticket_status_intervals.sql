{#
    Incremental per ticket; the current interval's duration runs to the data's as-of time, so
    after the touched tickets are replaced a post-hook moves every current interval's duration
    to the new as-of time (one column of one row per ticket, instead of rebuilding them all).
#}
{{ config(**sw_incremental_config(
    'ticket_id',
    post_hooks=["{{ fct_ticket_status_intervals_refresh_current() }}"],
    post_hook_rows='valid_to is null',
)) }}

with

status_intervals as (
    select * from {{ ref('int_ticket_status_intervals_sequenced') }}
    where {{ sw_in_scope('ticket_id') }}
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
