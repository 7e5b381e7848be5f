{#
    Business-hours schedules: the business_hours seed's and Zendesk's own (schedule ids
    'zendesk:<id>'), one row per weekly working interval in wall-clock time of the schedule's IANA
    zone, so daylight-saving changes move the UTC bounds (int_working_intervals_spined).
#}
{{ config(materialized=view_or_table_on_spark()) }}

with

seed_hours as (
    select * from {{ ref('business_hours') }}
),

zendesk_hours as (
    select * from {{ ref('stg_zendesk__schedules') }}
),

unioned as (
    select
        schedule_id,
        timezone,
        cast(iso_day_of_week as {{ dbt.type_int() }}) as iso_day_of_week,
        start_time,
        end_time
    from seed_hours
    union all
    select
        schedule_id,
        timezone,
        iso_day_of_week,
        start_time,
        end_time
    from zendesk_hours
),

final as (
    select * from unioned
)

select * from final
