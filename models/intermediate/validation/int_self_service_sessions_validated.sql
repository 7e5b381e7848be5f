{{ config(**sw_incremental_config('session_id')) }}

{{ validate_ticket_reference('stg_helpdesk__self_service_sessions', scope_key='session_id') }}
