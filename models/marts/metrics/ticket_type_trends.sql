{#
    Ticket types per ISO week (Monday start, reporting timezone): count, share of the week's
    tickets, change vs the previous week, a flag for types never seen before and a spike flag.
    One row per week and every type seen by then (0 tickets when absent that week), from
    kpi_scorecard (tickets_created and ticket_type_share by ticket_type).

    Rules (vars with defaults):
      is_new_type  the type's first week with tickets, unless that is the first week of data
                   (everything is "new" there)
      is_spike     tickets >= ticket_type_spike_ratio (2) x the type's mean over the previous
                   ticket_type_spike_baseline_weeks (4) weeks, and at least
                   ticket_type_spike_min_increase (5) tickets above that mean, with >= 2 previous
                   weeks of history (new types are flagged by is_new_type instead)
#}

{%- set spike_ratio = var('ticket_type_spike_ratio', 2) %}
{%- set spike_min_increase = var('ticket_type_spike_min_increase', 5) %}
{%- set baseline_weeks = var('ticket_type_spike_baseline_weeks', 4) %}

with

scorecard as (
    select * from {{ ref('kpi_scorecard') }}
    where
        period_grain = 'week'
        and metric_id in ('tickets_created', 'ticket_type_share')
),

watermark as (
    select * from {{ ref('int_ticket_extracts_watermarked') }}
),

weekly_totals as (
    select
        period_start as week_start,
        value as total_tickets
    from scorecard
    where
        metric_id = 'tickets_created'
        and dimension = 'all'
),

type_weeks as (
    select
        period_start as week_start,
        dimension_value as ticket_type,
        max(case when metric_id = 'tickets_created' then value end) as tickets,
        max(case when metric_id = 'ticket_type_share' then value end) as share_pct
    from scorecard
    where dimension = 'ticket_type'
    group by
        period_start,
        dimension_value
),

first_seen as (
    select
        ticket_type,
        min(week_start) as first_seen_week
    from type_weeks
    group by ticket_type
),

data_start as (
    select min(week_start) as first_data_week
    from weekly_totals
),

filled as (
    select
        weekly_totals.week_start,
        first_seen.ticket_type,
        first_seen.first_seen_week,
        weekly_totals.total_tickets,
        coalesce(type_weeks.tickets, 0) as tickets,
        coalesce(type_weeks.share_pct, 0) as share_pct
    from weekly_totals
    inner join first_seen
        on weekly_totals.week_start >= first_seen.first_seen_week
    left join type_weeks
        on
            weekly_totals.week_start = type_weeks.week_start
            and first_seen.ticket_type = type_weeks.ticket_type
),

windowed as (
    select
        *,
        lag(week_start) over (partition by ticket_type order by week_start) as previous_week_start,
        lag(tickets) over (partition by ticket_type order by week_start) as previous_week_tickets,
        lag(share_pct) over (partition by ticket_type order by week_start) as previous_week_share_pct,
        avg(tickets) over (
            partition by ticket_type
            order by week_start
            rows between {{ baseline_weeks }} preceding and 1 preceding
        ) as baseline_tickets,
        count(*) over (
            partition by ticket_type
            order by week_start
            rows between {{ baseline_weeks }} preceding and 1 preceding
        ) as baseline_weeks
    from filled
),

final as (
    select
        windowed.week_start,
        cast({{ dbt.dateadd('day', 6, 'windowed.week_start') }} as date) as week_end,
        coalesce(cast({{ dbt.dateadd('day', 6, 'windowed.week_start') }} as date) <= watermark.as_of_date, false)
            as is_complete_week,
        windowed.ticket_type,
        windowed.tickets,
        windowed.total_tickets,
        windowed.share_pct,
        windowed.previous_week_start,
        windowed.previous_week_tickets,
        windowed.previous_week_share_pct,
        windowed.tickets - windowed.previous_week_tickets as tickets_change,
        {{ metric_ratio('windowed.tickets - windowed.previous_week_tickets', 'windowed.previous_week_tickets', 100) }}
            as tickets_change_pct,
        windowed.share_pct - windowed.previous_week_share_pct as share_change_pp,
        windowed.first_seen_week,
        windowed.week_start = windowed.first_seen_week
        and windowed.first_seen_week > data_start.first_data_week as is_new_type,
        windowed.baseline_tickets,
        coalesce(
            windowed.baseline_weeks >= 2
            and windowed.tickets >= {{ spike_ratio }} * windowed.baseline_tickets
            and windowed.tickets - windowed.baseline_tickets >= {{ spike_min_increase }},
            false
        ) as is_spike
    from windowed
    cross join data_start
    cross join watermark
)

select * from final
