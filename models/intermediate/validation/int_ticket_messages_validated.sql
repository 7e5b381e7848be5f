{{ config(**sw_incremental_config('message_id')) }}

{{ validate_ticket_reference(
    'int_ticket_messages_unioned', ticket_required=true, event_column='created_at', scope_key='message_id'
) }}
