{{ config(materialized='table') }}

{#- One row per working interval, in the shape of the business_hours seed (wall-clock HH:MM). -#}

with

base as (
    select * from {{ ref('base_zendesk__schedules') }}
),

latest as (
    {{ latest_version('base', ['schedule_id', 'week_start_minute'], order_by='fivetran_synced_at') }}
),

days as (
    select
        *,
        cast(floor(week_start_minute / 1440) as {{ dbt.type_int() }}) as week_day
    from latest
    where not is_deleted
),

final as (
    select
        schedule_id,
        schedule_name,
        timezone,
        -- Zendesk's week starts on Sunday (day 0), ISO's on Monday (day 1)
        case when week_day = 0 then 7 else week_day end as iso_day_of_week,
        {{ minutes_to_clock_text('week_start_minute - 1440 * week_day') }} as start_time,
        {{ minutes_to_clock_text('week_end_minute - 1440 * week_day') }} as end_time,
        _source_file,
        _source_line,
        _loaded_at
    from days
)

select * from final
