{{ config(materialized='table') }}

with

base as (
    select * from {{ ref('base_zendesk__schedule_holidays') }}
),

latest as (
    {{ latest_version('base', ['holiday_id'], order_by='fivetran_synced_at') }}
),

final as (
    select
        holiday_id,
        schedule_id,
        holiday_name,
        start_date,
        end_date,
        _source_file,
        _source_line,
        _loaded_at
    from latest
    where not is_deleted
)

select * from final
