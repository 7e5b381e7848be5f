{{ config(**sw_incremental_config('ticket_id')) }}

{{ validate_ticket_reference(
    'stg_helpdesk__ticket_status_changes', ticket_required=true, event_column='changed_at', scope_key='ticket_id'
) }}
