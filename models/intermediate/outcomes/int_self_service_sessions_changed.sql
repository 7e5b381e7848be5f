{#- The change set of fct_self_service_sessions (macros/incremental/changes.sql). -#}
{{ outcome_change_set('int_self_service_sessions_validated', 'session_id') }}
