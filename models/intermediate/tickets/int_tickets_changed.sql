{#
    The change set of the ticket facts (macros/incremental/changes.sql), a table (its YAML).
#}
with

-- latest versions as staged, with the load time of the version that won
ticket_versions as (
    select * from {{ ref('int_tickets_unioned') }}
),

staged_messages as (
    select * from {{ ref('int_ticket_messages_unioned') }}
),

-- every raw version, rejected ones too: a message or call that moved touches its old ticket
contract_message_versions as (
    select * from {{ ref('base_helpdesk__ticket_messages') }}
),

contract_call_versions as (
    select * from {{ ref('base_telephony__calls') }}
),

staged_status_changes as (
    select * from {{ ref('int_ticket_status_changes_unioned') }}
),

staged_customers as (
    select * from {{ ref('int_customers_unioned') }}
),

staged_agents as (
    select * from {{ ref('int_agents_unioned') }}
),

-- What a ticket's rows are computed from, as (kind, key): the ticket row itself (status,
-- priority, validity of its messages and calls), its status changes, its messages and calls,
-- its customer (tier), its assignee and the agents who replied (team).
ticket_inputs as (
    select
        'ticket' as input_kind,
        ticket_id as input_key,
        ticket_id
    from ticket_versions
    union all
    select
        'customer' as input_kind,
        customer_id as input_key,
        ticket_id
    from ticket_versions
    union all
    select
        'agent' as input_kind,
        assignee_id as input_key,
        ticket_id
    from ticket_versions
    union all
    select
        'agent' as input_kind,
        author_id as input_key,
        ticket_id
    from staged_messages
    where author_type = 'agent'
    union all
    select
        'message' as input_kind,
        message_id as input_key,
        ticket_id
    from contract_message_versions
    union all
    -- connector messages: staged rows carry the load time of what they were built from
    select
        'message' as input_kind,
        message_id as input_key,
        ticket_id
    from staged_messages
    where source_system <> 'contract'
    union all
    select
        'call' as input_kind,
        call_id as input_key,
        ticket_id
    from contract_call_versions
),

-- when each input's versions were loaded (a status change counts as its ticket's)
input_versions as (
    select
        'ticket' as input_kind,
        ticket_id as input_key,
        _loaded_at
    from ticket_versions
    union all
    select
        'ticket' as input_kind,
        ticket_id as input_key,
        _loaded_at
    from staged_status_changes
    union all
    select
        'customer' as input_kind,
        customer_id as input_key,
        _loaded_at
    from staged_customers
    union all
    select
        'agent' as input_kind,
        agent_id as input_key,
        _loaded_at
    from staged_agents
    union all
    select
        'message' as input_kind,
        message_id as input_key,
        _loaded_at
    from contract_message_versions
    union all
    select
        'call' as input_kind,
        call_id as input_key,
        _loaded_at
    from contract_call_versions
    union all
    select
        'message' as input_kind,
        message_id as input_key,
        _loaded_at
    from staged_messages
    where source_system <> 'contract'
),

changed_inputs as (
    select distinct
        input_kind,
        input_key
    from input_versions
    where _loaded_at > {{ sw_changed_since() }}
),

-- a ticket is touched when any of its inputs changed; every version of a message or call
-- links it, so one that moved touches its old and its new ticket
touched as (
    select distinct ticket_inputs.ticket_id
    from ticket_inputs
    inner join changed_inputs
        on
            ticket_inputs.input_kind = changed_inputs.input_kind
            and ticket_inputs.input_key = changed_inputs.input_key
),

final as (
    select ticket_id
    from touched
    where ticket_id is not null
)

select * from final
