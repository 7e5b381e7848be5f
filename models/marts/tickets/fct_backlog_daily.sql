{#
    A night replaces in two tiers: every snapshot of its changed tickets (int_tickets_changed),
    and every other ticket's days from tail_from on (strategy replace_changed, config
    overwrite_from), so a long-open ticket costs one or two days a night, not its whole history.
    tail_from is the earlier of the previous build's last snapshot day and the new as-of day:
    before it, an unchanged ticket's days and snapshot times (day ends, before either as-of time)
    are what they were. When the as-of day moves back, the days after it go first (pre-hook):
    the strategy replaces the tail only from the first day it computes for an unchanged ticket,
    and when no unchanged ticket is open on the new last day it computes none.
#}
-- depends_on: {{ ref('int_tickets_changed') }} (read on a night only; dbt parses as a full build)
{{ config(
    materialized=sw_incremental_materialization(), incremental_strategy='replace_changed',
    unique_key='ticket_id', change_set='int_tickets_changed', overwrite_from='snapshot_date',
    pre_hook="{% if is_incremental() %}delete from {{ this }} where snapshot_date > "
        ~ "(select as_of_date from {{ ref('int_ticket_extracts_watermarked') }}){% endif %}",
) }}

with

watermark as (
    select * from {{ ref('int_ticket_extracts_watermarked') }}
),
{%- if is_incremental() %}

tail as (
    select
        least(
            -- an empty table has no older days to keep
            coalesce((select max(snapshot_date) from {{ this }}), cast('1900-01-01' as date)),
            watermark.as_of_date
        ) as tail_from
    from watermark
),

changed_tickets as (
    select * from {{ ref('int_tickets_changed') }}
),
{%- endif %}

status_intervals as (
    select * from {{ ref('int_ticket_status_intervals_sequenced') }}
    {%- if is_incremental() %}
    -- an unchanged ticket's intervals that may reach tail_from (a day of slack for the timezone)
    where
        ticket_id in (select changed_tickets.ticket_id from changed_tickets)
        or valid_to is null
        or valid_to >= (select cast({{ dbt.dateadd('day', -1, 'tail.tail_from') }} as timestamp) from tail)
    {%- endif %}
),

tickets as (
    select * from {{ ref('int_tickets_enriched') }}
    {%- if is_incremental() %}
    where ticket_id in (select status_intervals.ticket_id from status_intervals)
    {%- endif %}
),

dates as (
    select * from {{ ref('int_dates_spined') }}
),

escalation_limits as (
    select * from {{ ref('escalation_limits') }}
),

-- A ticket is in day D's backlog when the last status it took on or before D is not
-- solved/closed: an open interval covers the days from its start date up to the day before the
-- date it ended (the current interval runs to the as-of date).
open_intervals as (
    select
        status_intervals.ticket_id,
        status_intervals.status,
        {{ reporting_date('status_intervals.valid_from') }} as first_snapshot_date,
        case
            when status_intervals.valid_to is null
                then watermark.as_of_date
            else cast({{ dbt.dateadd('day', -1, reporting_date('status_intervals.valid_to')) }} as date)
        end as last_snapshot_date
    from status_intervals
    cross join watermark
    where not status_intervals.is_solved_status
),

needed_intervals as (
    select
        open_intervals.ticket_id,
        open_intervals.status,
        {%- if is_incremental() %}
        -- an unchanged ticket keeps its days before tail_from: only the later ones are computed
        case
            when
                open_intervals.ticket_id not in (select changed_tickets.ticket_id from changed_tickets)
                and tail.tail_from > open_intervals.first_snapshot_date
                then tail.tail_from
            else open_intervals.first_snapshot_date
        end as first_snapshot_date,
        {%- else %}
        open_intervals.first_snapshot_date,
        {%- endif %}
        open_intervals.last_snapshot_date
    from open_intervals
    {%- if is_incremental() %}
    cross join tail
    {%- endif %}
),

open_spans as (
    select
        ticket_id,
        status,
        first_snapshot_date,
        {{ dbt.datediff('first_snapshot_date', 'last_snapshot_date', 'day') }} + 1 as snapshot_days  -- noqa: LT05
    from needed_intervals
    where last_snapshot_date >= first_snapshot_date
),

-- Days are generated per interval by an offset join (one inequality against a small table),
-- not a between-join of intervals against the calendar: cost follows the output rows.
day_offsets as (
    select row_number() over (order by date_day) - 1 as day_offset
    from dates
),

longest_span as (
    select max(snapshot_days) as max_snapshot_days
    from open_spans
),

needed_offsets as (
    select day_offsets.day_offset
    from day_offsets
    cross join longest_span
    where day_offsets.day_offset < longest_span.max_snapshot_days
),

snapshots as (
    select
        cast({{ dbt.dateadd('day', 'needed_offsets.day_offset', 'open_spans.first_snapshot_date') }} as date)
            as snapshot_date,
        open_spans.ticket_id,
        open_spans.status
    from open_spans
    inner join needed_offsets
        on open_spans.snapshot_days > needed_offsets.day_offset
),

timed as (
    select
        snapshots.*,
        case
            when {{ reporting_day_end_at('snapshots.snapshot_date') }} < watermark.as_of_at
                then {{ reporting_day_end_at('snapshots.snapshot_date') }}
            else watermark.as_of_at
        end as snapshot_at
    from snapshots
    cross join watermark
),

aged as (
    select
        timed.snapshot_date,
        timed.snapshot_at,
        timed.ticket_id,
        tickets.channel,
        tickets.priority,
        tickets.customer_tier,
        tickets.ticket_type,
        tickets.assignee_id,
        tickets.assignee_team,
        timed.status,
        tickets.created_at,
        {{ seconds_between('tickets.created_at', 'timed.snapshot_at') }} / 3600.0 as age_hours,
        coalesce(tier_limits.escalation_limit_days, fallback_limits.escalation_limit_days) as escalation_limit_days
    from timed
    inner join tickets
        on timed.ticket_id = tickets.ticket_id
    left join escalation_limits as tier_limits
        on tickets.customer_tier = tier_limits.customer_tier
    left join escalation_limits as fallback_limits
        on fallback_limits.customer_tier = '*'
),

final as (
    select
        snapshot_date,
        snapshot_at,
        ticket_id,
        channel,
        priority,
        customer_tier,
        ticket_type,
        assignee_id,
        assignee_team,
        status,
        created_at,
        age_hours,
        cast(floor(age_hours / 24) as {{ dbt.type_int() }}) as age_days,
        case
            when age_hours < 24 then '0-1d'
            when age_hours < 72 then '1-3d'
            when age_hours < 168 then '3-7d'
            when age_hours < 336 then '7-14d'
            when age_hours < 720 then '14-30d'
            else '30d+'
        end as age_bucket,
        escalation_limit_days,
        coalesce(age_hours > escalation_limit_days * 24, false) as is_overdue
    from aged
)

select * from final
