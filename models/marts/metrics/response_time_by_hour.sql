{#
    Staffing view: first response by weekday x hour of day in the reporting timezone, over all
    loaded history, for all channels ('all') and per channel. Tickets are placed by their
    created_at (first response is dated by ticket creation, docs/metrics.md); calls not linked
    to a ticket by queued_at (a linked call is part of its ticket's conversation, counted once).
    Mean, median and p90 are over tickets with an agent reply; volumes are also averaged per week
    observed (weeks between the first and last day of data), for hourly staffing.
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

history as (
    select
        first_date,
        last_date,
        (
            {{ dbt.datediff('first_date', 'last_date', 'day') }}
            + 1
        ) / cast(7 as double) as weeks_observed
    from history_bounds
),

cuts as (
    select 'all' as channel_cut
    union all
    select 'channel' as channel_cut
),

cut_contacts as (
    select
        case when cuts.channel_cut = 'all' then 'all' else coalesce(contacts.channel, '(unknown)') end as channel,
        contacts.iso_day_of_week,
        contacts.hour_of_day,
        contacts.is_ticket,
        contacts.first_response_minutes
    from contacts
    cross join cuts
),

aggregated as (
    select
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
        channel,
        iso_day_of_week,
        hour_of_day
),

final as (
    select
        aggregated.channel,
        aggregated.iso_day_of_week,
        case aggregated.iso_day_of_week
            when 1 then 'Monday'
            when 2 then 'Tuesday'
            when 3 then 'Wednesday'
            when 4 then 'Thursday'
            when 5 then 'Friday'
            when 6 then 'Saturday'
            when 7 then 'Sunday'
        end as day_name,
        aggregated.hour_of_day,
        aggregated.tickets_created,
        aggregated.calls_queued,
        aggregated.conversations_total,
        aggregated.tickets_answered,
        aggregated.first_response_minutes_mean,
        aggregated.first_response_minutes_median,
        aggregated.first_response_minutes_p90,
        history.first_date as history_start_date,
        history.last_date as history_end_date,
        history.weeks_observed,
        aggregated.conversations_total / history.weeks_observed as conversations_per_week_avg
    from aggregated
    cross join history
)

select * from final
