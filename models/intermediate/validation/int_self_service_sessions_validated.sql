{{ validate_ticket_reference('stg_helpdesk__self_service_sessions') }}
