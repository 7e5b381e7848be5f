{{ base_helpdesk__self_service_sessions_sql(source('helpdesk', 'self_service_sessions')) }}
