{#
    Staffing view: first response by weekday x hour of day in the reporting timezone, over all
    loaded history (period_grain 'all', for all channels and per channel) and per ISO week and
    month (all channels: article 004 follows the hourly pattern over time, not only on average).
    Tickets are placed by their created_at (first response is dated by ticket creation,
    docs/metrics.md); calls not linked to a ticket by queued_at (a linked call is part of its
    ticket's conversation, counted once). Mean, median and p90 are over tickets with an agent
    reply; volumes are also averaged per week observed (the days of the period the data cover,
    / 7). Per-period rows are for all channels only: each cut ranks every value of its
    percentiles, and channel x week x hour cells would mostly hold a handful of tickets.
#}

with

tickets as (
    select * from {{ ref('fct_tickets') }}
),

calls as (
    select * from {{ ref('fct_calls') }}
),

contacts as (
    select
        channel,
        {{ iso_day_of_week('created_date') }} as iso_day_of_week,
        {{ hour_of_day(reporting_local_timestamp('created_at')) }} as hour_of_day,
        created_date as contact_date,
        1 as is_ticket,
        first_response_minutes
    from tickets
    union all
    select
        channel,
        {{ iso_day_of_week('queued_date') }} as iso_day_of_week,
        {{ hour_of_day(reporting_local_timestamp('queued_at')) }} as hour_of_day,
        queued_date as contact_date,
        0 as is_ticket,
        cast(null as double) as first_response_minutes
    from calls
    where ticket_id is null
),

history_bounds as (
    select
        min(contact_date) as first_date,
        max(contact_date) as last_date
    from contacts
),

cuts as (
    select
        'all' as period_grain,
        'all' as channel_cut
    union all
    select
        'all' as period_grain,
        'channel' as channel_cut
    union all
    select
        'week' as period_grain,
        'all' as channel_cut
    union all
    select
        'month' as period_grain,
        'all' as channel_cut
),

cut_contacts as (
    select
        cuts.period_grain,
        case cuts.period_grain
            when 'week' then {{ metric_period_start('week', 'contacts.contact_date') }}
            when 'month' then {{ metric_period_start('month', 'contacts.contact_date') }}
            else history_bounds.first_date
        end as period_start,
        case when cuts.channel_cut = 'all' then 'all' else coalesce(contacts.channel, '(unknown)') end as channel,
        contacts.iso_day_of_week,
        contacts.hour_of_day,
        contacts.is_ticket,
        contacts.first_response_minutes
    from contacts
    cross join cuts
    cross join history_bounds
),

aggregated as (
    select
        period_grain,
        period_start,
        channel,
        iso_day_of_week,
        hour_of_day,
        sum(is_ticket) as tickets_created,
        sum(1 - is_ticket) as calls_queued,
        count(*) as conversations_total,
        count(first_response_minutes) as tickets_answered,
        avg(first_response_minutes) as first_response_minutes_mean,
        {{ percentile_cont_of('first_response_minutes', [0.5, 0.9], 0) }} as first_response_minutes_median,
        {{ percentile_cont_of('first_response_minutes', [0.5, 0.9], 1) }} as first_response_minutes_p90
    from cut_contacts
    group by
        period_grain,
        period_start,
        channel,
        iso_day_of_week,
        hour_of_day
),

bounded as (
    select
        aggregated.*,
        case aggregated.period_grain
            when 'week' then {{ metric_period_end('week', 'aggregated.period_start') }}
            when 'month' then {{ metric_period_end('month', 'aggregated.period_start') }}
            else history_bounds.last_date
        end as period_end,
        history_bounds.first_date as history_start_date,
        history_bounds.last_date as history_end_date
    from aggregated
    cross join history_bounds
),

-- the days of the period the data cover: a first or last week or month is partial
covered as (
    select
        *,
        (
            {{ dbt.datediff(
                'case when period_start > history_start_date then period_start else history_start_date end',
                'case when period_end < history_end_date then period_end else history_end_date end',
                'day'
            ) }}
            + 1
        ) / cast(7 as double) as weeks_observed
    from bounded
),

final as (
    select
        period_grain,
        period_start,
        period_end,
        channel,
        iso_day_of_week,
        case iso_day_of_week
            when 1 then 'Monday'
            when 2 then 'Tuesday'
            when 3 then 'Wednesday'
            when 4 then 'Thursday'
            when 5 then 'Friday'
            when 6 then 'Saturday'
            when 7 then 'Sunday'
        end as day_name,
        hour_of_day,
        tickets_created,
        calls_queued,
        conversations_total,
        tickets_answered,
        first_response_minutes_mean,
        first_response_minutes_median,
        first_response_minutes_p90,
        history_start_date,
        history_end_date,
        weeks_observed,
        conversations_total / weeks_observed as conversations_per_week_avg
    from covered
)

select * from final
