{{ config(
    materialized=sw_incremental_materialization(), incremental_strategy='delete+insert', unique_key='session_id',
) }}

{{ validate_ticket_reference('stg_helpdesk__self_service_sessions', 'session_id') }}
