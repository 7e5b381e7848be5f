{{ base_helpdesk__ticket_messages_sql(source('helpdesk', 'ticket_messages')) }}
