{#
    First response by channel and month (articles 001, 003, 004): mean, median and 90th
    percentile of the minutes from ticket creation to the first public agent reply, over the
    tickets created in the month that have a reply; the same figures as kpi_scorecard's
    first_response_minutes_* cut by channel.
#}

select
    cast({{ dbt.date_trunc('month', 'created_date') }} as date) as month_start,
    channel,
    count(*) as answered_tickets,
    avg(first_response_minutes) as first_response_minutes_mean,
    percentile_cont(0.5) within group (order by first_response_minutes) as first_response_minutes_median,
    percentile_cont(0.9) within group (order by first_response_minutes) as first_response_minutes_p90
from {{ ref('fct_tickets') }}
where first_response_minutes is not null
group by
    month_start,
    channel
order by month_start, channel
