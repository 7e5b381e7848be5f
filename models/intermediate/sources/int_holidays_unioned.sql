{# Holidays: the holidays seed's and Zendesk's schedule holidays, one row per schedule and day off. #}

with

seed_holidays as (
    select * from {{ ref('holidays') }}
),

zendesk_holidays as (
    select * from {{ ref('stg_zendesk__schedule_holidays') }}
),

dates as (
    select date_day from {{ ref('int_dates_spined') }}
),

zendesk_days as (
    select
        zendesk_holidays.schedule_id,
        dates.date_day as holiday_date,
        zendesk_holidays.holiday_name
    from zendesk_holidays
    inner join dates
        on dates.date_day between zendesk_holidays.start_date and zendesk_holidays.end_date
),

unioned as (
    select
        schedule_id,
        cast(holiday_date as date) as holiday_date,
        holiday_name
    from seed_holidays
    union all
    select
        schedule_id,
        holiday_date,
        holiday_name
    from zendesk_days
),

final as (
    select * from unioned
)

select * from final
