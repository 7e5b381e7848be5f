{{ base_workforce__agent_shifts_sql(source('workforce', 'agent_shifts')) }}
