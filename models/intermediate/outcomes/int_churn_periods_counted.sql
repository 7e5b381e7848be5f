{#
    The churn population counted per customer tier, period grain and period (docs/metrics.md, churn_rate),
    from running sums over a period spine instead of customer x period rows (500k customers over
    1,500 days would be hundreds of millions of rows). Exact because periods are contiguous:
      active at the start of p = customers who became active in a period before p
                                 - customers who churned in a period before p
        (churned_date is never before active_from_date: staging rejects it);
      churned in p             = customers whose churned period is p and active period is before p
        (a customer created and gone within one period was never active at its start).
    The spine is days from the first customer's active_from_date to the latest customer date;
    every grain's periods are the buckets of those days.

    Coverage (docs/metrics.md, churn_rate): extracts record churn only from some date on, and
    before it every period would read 0 % ("nobody left"). Periods ending before the churn
    record starts have no row: var churn_recorded_since (a date), default the earliest churned_at.
#}

{%- set churn_recorded_since = var('churn_recorded_since', none) %}

{%- set grains = ['day', 'week', 'month', 'quarter', 'year'] %}

with

lifecycle as (
    select * from {{ ref('int_customers_lifecycle') }}
),

bounds as (
    select
        min(active_from_date) as first_date,
        -- churned_date is never before active_from_date, so this is the latest customer date
        max(coalesce(churned_date, active_from_date)) as as_of_date,
        {%- if churn_recorded_since %}
        cast('{{ churn_recorded_since }}' as date) as churn_recorded_since
        {%- else %}
        min(churned_date) as churn_recorded_since
        {%- endif %}
    from lifecycle
),

digits as (
    select 0 as digit
    {%- for digit in range(1, 10) %}
    union all
    select {{ digit }} as digit
    {%- endfor %}
),

day_offsets as (
    -- 0 to 99,999 days (~273 years); assert_churn_spine_covers_customer_dates fails beyond
    select
        d0.digit
        + 10 * d1.digit
        + 100 * d2.digit
        + 1000 * d3.digit
        + 10000 * d4.digit as day_offset
    from digits as d0
    cross join digits as d1
    cross join digits as d2
    cross join digits as d3
    cross join digits as d4
),

days as (
    select cast({{ dbt.dateadd('day', 'day_offsets.day_offset', 'bounds.first_date') }} as date) as date_day
    from day_offsets
    cross join bounds
    where day_offsets.day_offset <= {{ dbt.datediff('bounds.first_date', 'bounds.as_of_date', 'day') }}
),

periods as (
    {%- for grain in grains %}
    select distinct
        '{{ grain }}' as period_grain,
        {{ metric_period_start(grain, 'date_day') }} as period_start
    from days
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

tiers as (
    select distinct customer_tier from lifecycle
),

customer_periods as (
    {%- for grain in grains %}
    select
        customer_tier,
        '{{ grain }}' as period_grain,
        {{ metric_period_start(grain, 'active_from_date') }} as active_period_start,
        {{ metric_period_start(grain, 'churned_date') }} as churned_period_start
    from lifecycle
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

-- every period of every tier (zero counts) plus one row per customer joining and per customer leaving
period_events as (
    select
        tiers.customer_tier,
        periods.period_grain,
        periods.period_start,
        0 as customers_joined,
        0 as customers_left,
        0 as customers_churned
    from periods
    cross join tiers
    union all
    select
        customer_tier,
        period_grain,
        active_period_start as period_start,
        1 as customers_joined,
        0 as customers_left,
        0 as customers_churned
    from customer_periods
    union all
    select
        customer_tier,
        period_grain,
        churned_period_start as period_start,
        0 as customers_joined,
        1 as customers_left,
        case when active_period_start < churned_period_start then 1 else 0 end as customers_churned
    from customer_periods
    where churned_period_start is not null
),

period_counts as (
    select
        customer_tier,
        period_grain,
        period_start,
        sum(customers_joined) as customers_joined,
        sum(customers_left) as customers_left,
        sum(customers_churned) as customers_churned
    from period_events
    group by
        customer_tier,
        period_grain,
        period_start
),

running as (
    select
        *,
        coalesce(
            sum(customers_joined - customers_left) over (
                partition by customer_tier, period_grain
                order by period_start
                rows between unbounded preceding and 1 preceding
            ),
            0
        ) as customers_active_at_start
    from period_counts
),

bounded as (
    select
        running.*,
        cast({{ dbt.dateadd(
            'day', 1, metric_period_end_case('running.period_grain', 'running.period_start', grains)
        ) }} as date) as period_end,
        bounds.as_of_date,
        bounds.churn_recorded_since
    from running
    cross join bounds
    -- a period nobody was active at the start of has no churn rate
    where running.customers_active_at_start > 0
),

covered as (
    select * from bounded
    -- period_end is exclusive: the period ends on or after the day churn is first recorded
    where period_end > churn_recorded_since
),

final as (
    select
        customer_tier,
        period_grain,
        period_start,
        period_end,
        period_end <= as_of_date as is_period_complete,
        cast(customers_active_at_start as {{ dbt.type_bigint() }}) as customers_active_at_start,
        cast(customers_churned as {{ dbt.type_bigint() }}) as customers_churned,
        cast(customers_joined as {{ dbt.type_bigint() }}) as customers_joined,
        cast(customers_left as {{ dbt.type_bigint() }}) as customers_left
    from covered
)

select * from final
