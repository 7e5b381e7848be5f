{#
    Status changes of every source system; Zendesk's come from ticket_field_history (field
    status), Intercom's from close/open/snooze parts.
#}
{{ config(sw_keys_kept=true) }}

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
    select
        ticket_id,
        changed_at,
        status,
        'contract' as source_system,
        _source_file,
        _source_line,
        _loaded_at
    from contract_changes
    union all
    select
        ticket_id,
        changed_at,
        status,
        'zendesk' as source_system,
        _source_file,
        _source_line,
        _loaded_at
    from zendesk_changes
    union all
    select
        ticket_id,
        changed_at,
        status,
        'intercom' as source_system,
        _source_file,
        _source_line,
        _loaded_at
    from intercom_changes
),

final as (
    select * from unioned
)

select * from final
