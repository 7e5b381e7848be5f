{{ base_helpdesk__customers_sql(source('helpdesk', 'customers')) }}
