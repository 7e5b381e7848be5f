{#
    The change set of the ticket facts (macros/incremental/changes.sql), a table (its YAML).
    Each input is read once for what was loaded after the watermark (the filter reaches the scan)
    and once whole for the tickets it links, not through one CTE read twice: DuckDB materializes
    such a CTE, copying the inputs' whole history every night. Empty on a --full-refresh
    (DECISIONS.md, "Night cost in the staging, validation and ticket layers").
#}
{#- a --full-refresh rebuilds every reader whole, and without a watermark no test is scoped by the
    change set: nothing reads it -#}
{%- set nothing_reads_it = flags.FULL_REFRESH and not var('changed_since', env_var('SW_CHANGED_SINCE', '')) %}

with

-- latest versions as staged, with the load time of the version that won
ticket_versions as (
    select * from {{ ref('int_tickets_unioned') }}
),

new_ticket_versions as (
    select * from {{ ref('int_tickets_unioned') }}
    where _loaded_at > {{ sw_changed_since() }}
),

staged_messages as (
    select * from {{ ref('int_ticket_messages_unioned') }}
),

new_staged_messages as (
    select * from {{ ref('int_ticket_messages_unioned') }}
    where _loaded_at > {{ sw_changed_since() }}
),

-- every raw version, rejected ones too: a message or call that moved touches its old ticket
contract_message_versions as (
    select * from {{ ref('base_helpdesk__ticket_messages') }}
),

new_contract_message_versions as (
    select * from {{ ref('base_helpdesk__ticket_messages') }}
    where _loaded_at > {{ sw_changed_since() }}
),

contract_call_versions as (
    select * from {{ ref('base_telephony__calls') }}
),

new_contract_call_versions as (
    select * from {{ ref('base_telephony__calls') }}
    where _loaded_at > {{ sw_changed_since() }}
),

new_status_changes as (
    select * from {{ ref('int_ticket_status_changes_unioned') }}
    where _loaded_at > {{ sw_changed_since() }}
),

new_customers as (
    select * from {{ ref('int_customers_unioned') }}
    where _loaded_at > {{ sw_changed_since() }}
),

new_agents as (
    select * from {{ ref('int_agents_unioned') }}
    where _loaded_at > {{ sw_changed_since() }}
),

-- the inputs with a version loaded after the watermark (a status change counts as its ticket's)
changed_inputs as (
    select distinct
        input_kind,
        input_key
    from (
        select
            'ticket' as input_kind,
            ticket_id as input_key
        from new_ticket_versions
        union all
        select
            'ticket' as input_kind,
            ticket_id as input_key
        from new_status_changes
        union all
        select
            'customer' as input_kind,
            customer_id as input_key
        from new_customers
        union all
        select
            'agent' as input_kind,
            agent_id as input_key
        from new_agents
        union all
        select
            'message' as input_kind,
            message_id as input_key
        from new_contract_message_versions
        union all
        select
            'call' as input_kind,
            call_id as input_key
        from new_contract_call_versions
        union all
        select
            'message' as input_kind,
            message_id as input_key
        from new_staged_messages
        where source_system <> 'contract'
    ) as input_versions
),

changed_tickets as (
    select input_key as ticket_id
    from changed_inputs
    where input_kind = 'ticket'
),

changed_customers as (
    select input_key as customer_id
    from changed_inputs
    where input_kind = 'customer'
),

changed_agents as (
    select input_key as agent_id
    from changed_inputs
    where input_kind = 'agent'
),

changed_messages as (
    select input_key as message_id
    from changed_inputs
    where input_kind = 'message'
),

changed_calls as (
    select input_key as call_id
    from changed_inputs
    where input_kind = 'call'
),

-- A ticket is touched when any of its inputs changed: its own row (status, priority, validity of
-- its messages and calls), its status changes, its customer (tier), its assignee, the agents who
-- replied (team), its messages and calls. Every version of a message or call links it, so one
-- that moved touches its old and its new ticket.
touched as (
    select ticket_versions.ticket_id
    from ticket_versions
    where
        ticket_versions.ticket_id in (select changed_tickets.ticket_id from changed_tickets)
        or ticket_versions.customer_id in (select changed_customers.customer_id from changed_customers)
        or ticket_versions.assignee_id in (select changed_agents.agent_id from changed_agents)
    union all
    -- connector messages: staged rows carry the load time of what they were built from
    select staged_messages.ticket_id
    from staged_messages
    where
        (
            staged_messages.author_type = 'agent'
            and staged_messages.author_id in (select changed_agents.agent_id from changed_agents)
        )
        or (
            staged_messages.source_system <> 'contract'
            and staged_messages.message_id in (select changed_messages.message_id from changed_messages)
        )
    union all
    select contract_message_versions.ticket_id
    from contract_message_versions
    where contract_message_versions.message_id in (select changed_messages.message_id from changed_messages)
    union all
    select contract_call_versions.ticket_id
    from contract_call_versions
    where contract_call_versions.call_id in (select changed_calls.call_id from changed_calls)
),

final as (
    select distinct ticket_id
    from touched
    where ticket_id is not null{{ ' and false' if nothing_reads_it else '' }}
)

select * from final
