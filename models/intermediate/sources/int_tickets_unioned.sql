{#
    Tickets of every source system, in the contract's shape: the contract's own extracts and the
    Zendesk connector's tickets and the Intercom connector's conversations (keys 'zendesk:<id>', 'intercom:<id>', so they never collide). source_system and
    source_ticket_id link a row back to its system; system_schedule_id is the business-hours schedule
    the system itself gave the ticket (Zendesk ticket_schedule), if any. The facts read this, never a stg_ model.
#}
{{ config(sw_keys_kept=true) }}

with

contract_tickets as (
    select * from {{ ref('stg_helpdesk__tickets') }}
),

zendesk_tickets as (
    select * from {{ ref('stg_zendesk__tickets') }}
),

zendesk_ticket_schedules as (
    select * from {{ ref('stg_zendesk__ticket_schedules') }}
),

zendesk_scheduled as (
    select
        zendesk_tickets.*,
        zendesk_ticket_schedules.schedule_id as system_schedule_id,
        -- a new schedule re-times the ticket's business minutes
        greatest(
            zendesk_tickets._loaded_at,
            coalesce(zendesk_ticket_schedules._loaded_at, zendesk_tickets._loaded_at)
        ) as scheduled_loaded_at
    from zendesk_tickets
    left join zendesk_ticket_schedules
        on zendesk_tickets.ticket_id = zendesk_ticket_schedules.ticket_id
),

intercom_conversations as (
    select * from {{ ref('stg_intercom__conversations') }}
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
        cast(null as {{ dbt.type_string() }}) as system_schedule_id,
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
        system_schedule_id,
        'zendesk' as source_system,
        source_ticket_id,
        _source_file,
        _source_line,
        scheduled_loaded_at as _loaded_at
    from zendesk_scheduled
    union all
    select
        ticket_id,
        customer_id,
        channel,
        -- Intercom conversations have no type; no priority is the SLA policies' normal
        cast(null as {{ dbt.type_string() }}) as ticket_type,
        'normal' as priority,
        status,
        assignee_id,
        created_at,
        updated_at,
        cast(null as {{ dbt.type_string() }}) as system_schedule_id,
        'intercom' as source_system,
        source_ticket_id,
        _source_file,
        _source_line,
        _loaded_at
    from intercom_conversations
),

final as (
    select * from unioned
)

select * from final
