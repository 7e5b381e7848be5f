{#- The change set of fct_calls (macros/incremental/changes.sql). -#}
{{ outcome_change_set('int_calls_validated', 'call_id', agent_column='agent_id') }}
