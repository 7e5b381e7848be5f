-- depends_on: {{ ref('channels') }} (the night types new rows with the base model's rules)
{{ config(
    materialized=sw_incremental_materialization(), incremental_strategy='delete+insert', unique_key='ticket_id',
) }}

with

base as (
    {{ staged_versions('base_helpdesk__tickets', source('helpdesk', 'tickets'), 'ticket_id') }}
),

latest as (
    {{ latest_version('base', ['ticket_id'], order_by='updated_at', single_versions=true) }}
),

final as (
    select
        ticket_id,
        customer_id,
        channel,
        ticket_type,
        priority,
        status,
        assignee_id,
        created_at,
        updated_at,
        _source_file,
        _source_line,
        _loaded_at
    from latest
)

select * from final
