{{ base_helpdesk__tickets_sql(source('helpdesk', 'tickets')) }}
