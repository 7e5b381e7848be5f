{#
    int_churn_periods_counted builds its day spine from 100,000 day offsets (~273 years) after the
    first customer's active_from_date. Fails when the customer dates span more, instead of the
    spine silently stopping short of the latest customer date.
#}

with

lifecycle as (
    select * from {{ ref('int_customers_lifecycle') }}
),

churn_periods as (
    select * from {{ ref('int_churn_periods_counted') }}
),

spans as (
    select
        min(active_from_date) as first_date,
        max(coalesce(churned_date, active_from_date)) as as_of_date
    from lifecycle
),

day_periods as (
    select max(period_start) as last_day
    from churn_periods
    where period_grain = 'day'
)

select
    spans.first_date,
    spans.as_of_date,
    day_periods.last_day
from spans
cross join day_periods
where spans.as_of_date >= {{ dbt.dateadd('day', 100000, 'spans.first_date') }}
