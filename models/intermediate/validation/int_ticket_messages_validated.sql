{{ config(
    materialized=sw_incremental_materialization(), incremental_strategy='delete+insert', unique_key='message_id',
) }}

{{ validate_ticket_reference('int_ticket_messages_unioned', 'message_id', ticket_required=true, event_column='created_at') }}
