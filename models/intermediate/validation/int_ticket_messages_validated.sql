{{ config(**sw_incremental_config('message_id')) }}

{{ validate_ticket_reference(
    'stg_helpdesk__ticket_messages', ticket_required=true, event_column='created_at', scope_key='message_id'
) }}
