{#
    Tickets of every source system, in the contract's shape: the contract's own extracts and the
    Zendesk connector's tickets (keys 'zendesk:<id>', so they never collide). source_system and
    source_ticket_id link a row back to its system. The facts read this, never a stg_ model.
#}
{{ config(sw_keys_kept=true) }}

with

contract_tickets as (
    select * from {{ ref('stg_helpdesk__tickets') }}
),

zendesk_tickets as (
    select * from {{ ref('stg_zendesk__tickets') }}
),

unioned as (
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
        'contract' as source_system,
        ticket_id as source_ticket_id,
        _source_file,
        _source_line,
        _loaded_at
    from contract_tickets
    union all
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
        'zendesk' as source_system,
        source_ticket_id,
        _source_file,
        _source_line,
        _loaded_at
    from zendesk_tickets
),

final as (
    select * from unioned
)

select * from final
