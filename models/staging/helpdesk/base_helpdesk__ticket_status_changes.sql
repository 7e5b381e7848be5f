{{ base_helpdesk__ticket_status_changes_sql(source('helpdesk', 'ticket_status_changes')) }}
