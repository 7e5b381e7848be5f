{#
    Status changes of every source system; Zendesk's come from ticket_field_history (field
    status), Intercom's from close/open/snooze parts.
#}

with

contract_changes as (
    select * from {{ ref('stg_helpdesk__ticket_status_changes') }}
),

zendesk_changes as (
    select * from {{ ref('stg_zendesk__ticket_status_changes') }}
),

intercom_changes as (
    select * from {{ ref('stg_intercom__conversation_status_changes') }}
),

unioned as (
    {{ union_sources(
        ['ticket_id', 'changed_at', 'status', 'source_system', '_source_file', '_source_line', '_loaded_at'],
        [
            ['contract_changes', 'contract', {}],
            ['zendesk_changes', 'zendesk', {}],
            ['intercom_changes', 'intercom', {}],
        ]) }}
),

final as (
    select * from unioned
)

select * from final
