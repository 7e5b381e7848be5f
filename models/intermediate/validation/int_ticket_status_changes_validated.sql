{{ config(**sw_incremental_config('ticket_id')) }}

{{ validate_ticket_reference(
    'int_ticket_status_changes_unioned', ticket_required=true, event_column='changed_at', scope_key='ticket_id'
) }}
