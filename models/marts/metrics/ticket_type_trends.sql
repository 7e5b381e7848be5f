{#
    Ticket types per day, ISO week (Monday start) and month (reporting timezone): count, share of
    the period's tickets, change vs the previous period (day-over-day, week-over-week,
    month-over-month) and vs the same period a year before, a flag for types never seen before
    and a spike flag (article 000: a day flooded with one kind of query; a type growing over the
    year). One row per grain, period with tickets and every type seen by then (0 when absent),
    from kpi_scorecard (tickets_created and ticket_type_share by ticket_type).

    Rules (vars with defaults):
      previous period  the calendar period before (day - 1, week - 7 days, month - 1 month);
                       year before: month - 12 months, week and day - 364 days (52 weeks, so
                       the same weekday); null when that period has no tickets in the data
      is_new_type      the type's first period with tickets, unless that is the first period of
                       data (everything is "new" there)
      is_spike         tickets >= ticket_type_spike_ratio (2) x the type's mean over its previous
                       periods with data (ticket_type_spike_baseline_days (7) days,
                       ticket_type_spike_baseline_weeks (4) weeks, ticket_type_spike_baseline_months
                       (3) months), at least ticket_type_spike_min_increase (5) tickets above that
                       mean, with >= 2 previous periods (new types are flagged by is_new_type)
#}

{%- set grains = ['day', 'week', 'month'] %}
{%- set spike_ratio = var('ticket_type_spike_ratio', 2) %}
{%- set spike_min_increase = var('ticket_type_spike_min_increase', 5) %}
{%- set baseline_periods = {
    'day': var('ticket_type_spike_baseline_days', 7),
    'week': var('ticket_type_spike_baseline_weeks', 4),
    'month': var('ticket_type_spike_baseline_months', 3),
} %}

with

scorecard as (
    select * from {{ ref('kpi_scorecard') }}
    where metric_id in ('tickets_created', 'ticket_type_share')
),

watermark as (
    select * from {{ ref('int_ticket_extracts_watermarked') }}
),

period_totals as (
    select
        period_grain,
        period_start,
        value as total_tickets
    from scorecard
    where
        metric_id = 'tickets_created'
        and dimension = 'all'
),

type_periods as (
    select
        period_grain,
        period_start,
        dimension_value as ticket_type,
        max(case when metric_id = 'tickets_created' then value end) as tickets,
        max(case when metric_id = 'ticket_type_share' then value end) as share_pct
    from scorecard
    where dimension = 'ticket_type'
    group by
        period_grain,
        period_start,
        dimension_value
),

first_seen as (
    select
        period_grain,
        ticket_type,
        min(period_start) as first_seen_period_start
    from type_periods
    group by
        period_grain,
        ticket_type
),

data_start as (
    select
        period_grain,
        min(period_start) as first_data_period_start
    from period_totals
    group by period_grain
),

filled as (
    select
        period_totals.period_grain,
        period_totals.period_start,
        first_seen.ticket_type,
        first_seen.first_seen_period_start,
        period_totals.total_tickets,
        coalesce(type_periods.tickets, 0) as tickets,
        coalesce(type_periods.share_pct, 0) as share_pct
    from period_totals
    inner join first_seen
        on
            period_totals.period_grain = first_seen.period_grain
            and period_totals.period_start >= first_seen.first_seen_period_start
    left join type_periods
        on
            period_totals.period_grain = type_periods.period_grain
            and period_totals.period_start = type_periods.period_start
            and first_seen.ticket_type = type_periods.ticket_type
),

compared_periods as (
    select
        *,
        cast(case period_grain
            when 'day' then {{ dbt.dateadd('day', -1, 'period_start') }}
            when 'week' then {{ dbt.dateadd('day', -7, 'period_start') }}
            when 'month' then {{ dbt.dateadd('month', -1, 'period_start') }}
        end as date) as previous_period_start,
        cast(case period_grain
            when 'month' then {{ dbt.dateadd('month', -12, 'period_start') }}
            else {{ dbt.dateadd('day', -364, 'period_start') }}
        end as date) as year_ago_period_start
    from filled
),

windowed as (
    select
        *,
        case period_grain
            {%- for grain in grains %}
            when '{{ grain }}'
                then avg(tickets) over (
                    partition by period_grain, ticket_type
                    order by period_start
                    rows between {{ baseline_periods[grain] }} preceding and 1 preceding
                )
            {%- endfor %}
        end as baseline_tickets,
        case period_grain
            {%- for grain in grains %}
            when '{{ grain }}'
                then count(*) over (
                    partition by period_grain, ticket_type
                    order by period_start
                    rows between {{ baseline_periods[grain] }} preceding and 1 preceding
                )
            {%- endfor %}
        end as baseline_periods
    from compared_periods
),

final as (
    select
        windowed.period_grain,
        windowed.period_start,
        cast({{ metric_period_end_case('windowed.period_grain', 'windowed.period_start', grains) }} as date)
            as period_end,
        coalesce(
            cast({{ metric_period_end_case('windowed.period_grain', 'windowed.period_start', grains) }} as date)
            <= watermark.as_of_date,
            false
        ) as is_complete_period,
        windowed.ticket_type,
        windowed.tickets,
        windowed.total_tickets,
        windowed.share_pct,
        windowed.previous_period_start,
        previous_period.tickets as previous_period_tickets,
        previous_period.share_pct as previous_period_share_pct,
        windowed.tickets - previous_period.tickets as tickets_change,
        {{ metric_ratio('windowed.tickets - previous_period.tickets', 'previous_period.tickets', 100) }}
            as tickets_change_pct,
        windowed.share_pct - previous_period.share_pct as share_change_pp,
        windowed.year_ago_period_start,
        year_ago.tickets as year_ago_tickets,
        windowed.tickets - year_ago.tickets as tickets_change_yoy,
        {{ metric_ratio('windowed.tickets - year_ago.tickets', 'year_ago.tickets', 100) }}
            as tickets_change_yoy_pct,
        windowed.first_seen_period_start,
        windowed.period_start = windowed.first_seen_period_start
        and windowed.first_seen_period_start > data_start.first_data_period_start as is_new_type,
        windowed.baseline_tickets,
        coalesce(
            windowed.baseline_periods >= 2
            and windowed.tickets >= {{ spike_ratio }} * windowed.baseline_tickets
            and windowed.tickets - windowed.baseline_tickets >= {{ spike_min_increase }},
            false
        ) as is_spike
    from windowed
    inner join data_start
        on windowed.period_grain = data_start.period_grain
    left join filled as previous_period
        on
            windowed.period_grain = previous_period.period_grain
            and windowed.ticket_type = previous_period.ticket_type
            and windowed.previous_period_start = previous_period.period_start
    left join filled as year_ago
        on
            windowed.period_grain = year_ago.period_grain
            and windowed.ticket_type = year_ago.ticket_type
            and windowed.year_ago_period_start = year_ago.period_start
    cross join watermark
)

select * from final
