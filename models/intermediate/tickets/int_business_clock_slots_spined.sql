{{ config(materialized='table') }}

with

business_hours as (
    select * from {{ ref('int_business_hours_unioned') }}
),

dates as (
    select date_day from {{ ref('int_dates_spined') }}
),

working_intervals as (
    select * from {{ ref('int_working_intervals_spined') }}
),

schedules as (
    select distinct
        schedule_id,
        timezone
    from business_hours
),

schedule_days as (
    select
        schedules.schedule_id,
        schedules.timezone,
        dates.date_day as local_date,
        {{ local_to_utc(local_time_on('dates.date_day', '0'), 'schedules.timezone') }} as day_start_at,
        {{ local_to_utc(local_time_on('dates.date_day', '1440'), 'schedules.timezone') }} as day_end_at
    from schedules
    cross join dates
),

intervals_with_neighbours as (
    select
        schedule_id,
        local_date,
        interval_start_at,
        interval_end_at,
        lag(interval_end_at) over (
            partition by schedule_id, local_date
            order by interval_start_at
        ) as previous_interval_end_at,
        lead(interval_start_at) over (
            partition by schedule_id, local_date
            order by interval_start_at
        ) as next_interval_start_at
    from working_intervals
),

working_slots as (
    select
        schedule_id,
        local_date,
        interval_start_at as slot_start_at,
        interval_end_at as slot_end_at,
        true as is_working_slot
    from intervals_with_neighbours
),

idle_slots_before_intervals as (
    select
        intervals_with_neighbours.schedule_id,
        intervals_with_neighbours.local_date,
        coalesce(intervals_with_neighbours.previous_interval_end_at, schedule_days.day_start_at) as slot_start_at,
        intervals_with_neighbours.interval_start_at as slot_end_at,
        false as is_working_slot
    from intervals_with_neighbours
    inner join schedule_days
        on
            intervals_with_neighbours.schedule_id = schedule_days.schedule_id
            and intervals_with_neighbours.local_date = schedule_days.local_date
),

idle_slots_after_last_interval as (
    select
        intervals_with_neighbours.schedule_id,
        intervals_with_neighbours.local_date,
        intervals_with_neighbours.interval_end_at as slot_start_at,
        schedule_days.day_end_at as slot_end_at,
        false as is_working_slot
    from intervals_with_neighbours
    inner join schedule_days
        on
            intervals_with_neighbours.schedule_id = schedule_days.schedule_id
            and intervals_with_neighbours.local_date = schedule_days.local_date
    where intervals_with_neighbours.next_interval_start_at is null
),

working_days as (
    select distinct
        schedule_id,
        local_date
    from working_intervals
),

idle_days as (
    select
        schedule_days.schedule_id,
        schedule_days.local_date,
        schedule_days.day_start_at as slot_start_at,
        schedule_days.day_end_at as slot_end_at,
        false as is_working_slot
    from schedule_days
    left join working_days
        on
            schedule_days.schedule_id = working_days.schedule_id
            and schedule_days.local_date = working_days.local_date
    where working_days.schedule_id is null
),

all_slots as (
    select * from working_slots
    union all
    select * from idle_slots_before_intervals
    union all
    select * from idle_slots_after_last_interval
    union all
    select * from idle_days
),

non_empty_slots as (
    select
        all_slots.schedule_id,
        schedules.timezone,
        all_slots.local_date,
        all_slots.slot_start_at,
        all_slots.slot_end_at,
        all_slots.is_working_slot,
        case
            when all_slots.is_working_slot
                then cast({{ seconds_between('all_slots.slot_start_at', 'all_slots.slot_end_at') }} as {{ dbt.type_bigint() }})
            else 0
        end as working_seconds
    from all_slots
    inner join schedules
        on all_slots.schedule_id = schedules.schedule_id
    where all_slots.slot_start_at < all_slots.slot_end_at
),

final as (
    select
        schedule_id,
        timezone,
        local_date,
        slot_start_at,
        slot_end_at,
        is_working_slot,
        working_seconds,
        coalesce(
            sum(working_seconds) over (
                partition by schedule_id
                order by slot_start_at
                rows between unbounded preceding and 1 preceding
            ),
            0
        ) as cumulative_working_seconds
    from non_empty_slots
)

select * from final
