{{ config(
    materialized=sw_incremental_materialization(), incremental_strategy='delete+insert', unique_key='call_id',
) }}

{{ validate_ticket_reference('stg_telephony__calls', 'call_id') }}
