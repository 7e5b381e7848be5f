with

lifecycle as (
    select * from {{ ref('int_customers_lifecycle') }}
),

as_of as (
    -- churned_at is never before created_at (staging rejects it), so this is the latest customer date
    select
        cast({{ dbt.date_trunc('month', 'min(active_from_date)') }} as date) as first_month_start,
        max(coalesce(churned_date, active_from_date)) as as_of_date
    from lifecycle
),

digits as (
    select 0 as digit
    {%- for digit in range(1, 10) %}
    union all
    select {{ digit }} as digit
    {%- endfor %}
),

month_offsets as (
    select units.digit + 10 * tens.digit + 100 * hundreds.digit as month_offset
    from digits as units
    cross join digits as tens
    cross join digits as hundreds
),

months as (
    select
        cast({{ dbt.dateadd('month', 'month_offsets.month_offset', 'as_of.first_month_start') }} as date) as month_start,
        as_of.as_of_date
    from month_offsets
    cross join as_of
),

months_in_range as (
    select * from months
    where month_start <= as_of_date
),

month_periods as (
    select
        'month' as period_grain,
        month_start as period_start,
        cast({{ dbt.dateadd('month', 1, 'month_start') }} as date) as period_end,
        as_of_date
    from months_in_range
),

quarter_periods as (
    select distinct
        'quarter' as period_grain,
        cast({{ dbt.date_trunc('quarter', 'month_start') }} as date) as period_start,
        cast({{ dbt.dateadd('month', 3, dbt.date_trunc('quarter', 'month_start')) }} as date) as period_end,
        as_of_date
    from months_in_range
),

year_periods as (
    select distinct
        'year' as period_grain,
        cast({{ dbt.date_trunc('year', 'month_start') }} as date) as period_start,
        cast({{ dbt.dateadd('month', 12, dbt.date_trunc('year', 'month_start')) }} as date) as period_end,
        as_of_date
    from months_in_range
),

periods as (
    select * from month_periods
    union all
    select * from quarter_periods
    union all
    select * from year_periods
),

customer_periods as (
    select
        lifecycle.customer_id,
        lifecycle.customer_tier,
        periods.period_grain,
        periods.period_start,
        periods.period_end,
        periods.period_end <= periods.as_of_date as is_period_complete,
        lifecycle.active_from_date,
        lifecycle.churned_at,
        lifecycle.churned_date
    from lifecycle
    inner join periods
        on
            lifecycle.active_from_date < periods.period_start
            and (
                lifecycle.churned_date is null
                or lifecycle.churned_date >= periods.period_start
            )
),

final as (
    select
        customer_id,
        customer_tier,
        period_grain,
        period_start,
        period_end,
        is_period_complete,
        active_from_date,
        churned_at,
        churned_date,
        true as is_active_at_period_start,
        coalesce(churned_date < period_end, false) as is_churned_in_period
    from customer_periods
)

select * from final
