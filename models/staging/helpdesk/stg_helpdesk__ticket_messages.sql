{{ config(
    materialized=sw_incremental_materialization(), incremental_strategy='delete+insert', unique_key='message_id',
) }}

with

base as (
    {{ staged_versions('base_helpdesk__ticket_messages', source('helpdesk', 'ticket_messages'), 'message_id') }}
),

latest as (
    {{ latest_version('base', ['message_id'], single_versions=true) }}
),

final as (
    select
        message_id,
        ticket_id,
        author_type,
        author_id,
        is_public,
        is_agent_reply,
        is_customer_message,
        created_at,
        _source_file,
        _source_line,
        _loaded_at
    from latest
)

select * from final
