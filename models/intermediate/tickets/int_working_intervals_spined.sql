{{ config(materialized='table') }}

with

business_hours as (
    select * from {{ ref('int_business_hours_unioned') }}
),

holidays as (
    select * from {{ ref('int_holidays_unioned') }}
),

dates as (
    select date_day from {{ ref('int_dates_spined') }}
),

schedules as (
    select distinct schedule_id
    from business_hours
),

weekly_intervals as (
    select
        schedule_id,
        timezone,
        cast(iso_day_of_week as {{ dbt.type_int() }}) as iso_day_of_week,
        start_time as local_start_time,
        end_time as local_end_time,
        {{ clock_text_to_minutes('start_time') }} as start_minute,
        {{ clock_text_to_minutes('end_time') }} as end_minute
    from business_hours
),

schedule_specific_holidays as (
    select
        schedule_id,
        holiday_date
    from holidays
    where schedule_id <> '*'
),

all_schedule_holidays as (
    select
        schedules.schedule_id,
        holidays.holiday_date
    from holidays
    cross join schedules
    where holidays.schedule_id = '*'
),

schedule_holidays as (
    select
        schedule_id,
        holiday_date
    from schedule_specific_holidays
    union
    select
        schedule_id,
        holiday_date
    from all_schedule_holidays
),

dated_intervals as (
    select
        weekly_intervals.schedule_id,
        weekly_intervals.timezone,
        weekly_intervals.iso_day_of_week,
        weekly_intervals.local_start_time,
        weekly_intervals.local_end_time,
        weekly_intervals.start_minute,
        weekly_intervals.end_minute,
        dates.date_day as local_date
    from dates
    inner join weekly_intervals
        on {{ iso_day_of_week('dates.date_day') }} = weekly_intervals.iso_day_of_week
),

working_day_intervals as (
    select dated_intervals.*
    from dated_intervals
    left join schedule_holidays
        on
            dated_intervals.schedule_id = schedule_holidays.schedule_id
            and dated_intervals.local_date = schedule_holidays.holiday_date
    where schedule_holidays.schedule_id is null
),

utc_intervals as (
    select
        schedule_id,
        timezone,
        local_date,
        iso_day_of_week,
        local_start_time,
        local_end_time,
        {{ local_to_utc(local_time_on('local_date', 'start_minute'), 'timezone') }} as interval_start_at,
        {{ local_to_utc(local_time_on('local_date', 'end_minute'), 'timezone') }} as interval_end_at
    from working_day_intervals
),

final as (
    select
        schedule_id,
        timezone,
        local_date,
        iso_day_of_week,
        row_number() over (
            partition by schedule_id, local_date
            order by interval_start_at
        ) as interval_number,
        local_start_time,
        local_end_time,
        interval_start_at,
        interval_end_at,
        cast({{ seconds_between('interval_start_at', 'interval_end_at') }} as {{ dbt.type_bigint() }})
            as working_seconds
    from utc_intervals
)

select * from final
