with

churn_periods as (
    select * from {{ ref('int_churn_periods_counted') }}
),

final as (
    select
        period_grain,
        period_start,
        period_end,
        is_period_complete,
        {{ churn_rate_denominator() }} as customers_active_at_start,
        {{ churn_rate_numerator() }} as customers_churned,
        {{ churn_rate() }} as churn_rate
    from churn_periods
    group by
        period_grain,
        period_start,
        period_end,
        is_period_complete
)

select * from final
