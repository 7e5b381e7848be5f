{#
    int_churn_periods_counted builds its day spine from a fixed number of day offsets after the
    first customer's active_from_date. Fails when the spine's last day stops short of the latest
    customer date (customer dates spanning more than the spine holds), instead of churn silently
    going uncounted after it.
#}

with

lifecycle as (
    select * from {{ ref('int_customers_lifecycle') }}
),

churn_periods as (
    select * from {{ ref('int_churn_periods_counted') }}
),

latest_customer_dates as (
    select max(coalesce(churned_date, active_from_date)) as as_of_date
    from lifecycle
),

day_periods as (
    select max(period_start) as last_day
    from churn_periods
    where period_grain = 'day'
)

select
    latest_customer_dates.as_of_date,
    day_periods.last_day
from latest_customer_dates
cross join day_periods
where day_periods.last_day < latest_customer_dates.as_of_date
