{#
    Tickets of every source system, in the contract's shape: the contract's own extracts and the
    Zendesk connector's tickets and the Intercom connector's conversations (keys 'zendesk:<id>', 'intercom:<id>', so they never collide). source_system and
    source_ticket_id link a row back to its system; system_schedule_id is the business-hours schedule
    the system itself gave the ticket (Zendesk ticket_schedule), if any. The facts read this, never a stg_ model.
#}
{{ config(materialized=view_or_table_on_spark()) }}

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

-- Intercom conversations have no type; no priority is the SLA policies' normal.
unioned as (
    {{ union_sources(
        ['ticket_id', 'customer_id', 'channel', 'ticket_type', 'priority', 'status', 'assignee_id',
            'created_at', 'updated_at', 'system_schedule_id', 'source_system', 'source_ticket_id',
            '_source_file', '_source_line', '_loaded_at'],
        [
            ['contract_tickets', 'contract', {
                'system_schedule_id': null_as('string'),
                'source_ticket_id': 'ticket_id',
            }],
            ['zendesk_scheduled', 'zendesk', {'_loaded_at': 'scheduled_loaded_at'}],
            ['intercom_conversations', 'intercom', {
                'ticket_type': null_as('string'),
                'priority': "'normal'",
                'system_schedule_id': null_as('string'),
            }],
        ]) }}
),

final as (
    select * from unioned
)

select * from final
