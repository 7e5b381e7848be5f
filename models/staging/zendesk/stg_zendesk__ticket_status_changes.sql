{{ config(materialized='table') }}

with

base as (
    select * from {{ ref('base_zendesk__ticket_field_history') }}
    where field_name = 'status'
),

latest as (
    {{ latest_version('base', ['ticket_id', 'changed_at'], order_by='fivetran_synced_at') }}
),

final as (
    select
        ticket_id,
        changed_at,
        {{ zendesk_status('field_value') }} as status,
        _source_file,
        _source_line,
        _loaded_at
    from latest
)

select * from final
