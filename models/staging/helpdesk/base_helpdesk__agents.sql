{{ base_helpdesk__agents_sql(source('helpdesk', 'agents')) }}
