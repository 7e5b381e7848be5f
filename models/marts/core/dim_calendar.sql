with

dates as (
    select * from {{ ref('int_dates_spined') }}
),

dated as (
    select
        date_day,
        {{ iso_day_of_week('date_day') }} as iso_day_of_week,
        cast({{ dbt.date_trunc('week', 'date_day') }} as date) as iso_week_start,
        cast({{ dbt.date_trunc('month', 'date_day') }} as date) as month_start,
        cast({{ dbt.date_trunc('quarter', 'date_day') }} as date) as quarter_start,
        cast({{ dbt.date_trunc('year', 'date_day') }} as date) as year_start
    from dates
),

final as (
    select
        date_day,
        iso_week_start,
        month_start,
        quarter_start,
        year_start,
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
        iso_day_of_week in (6, 7) as is_weekend
    from dated
)

select * from final
