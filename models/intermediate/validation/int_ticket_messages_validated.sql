{{ validate_ticket_reference('stg_helpdesk__ticket_messages', ticket_required=true, event_column='created_at') }}
