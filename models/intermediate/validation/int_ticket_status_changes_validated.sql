{{ config(
    materialized=sw_incremental_materialization(), incremental_strategy='delete+insert', unique_key='ticket_id',
) }}

{{ validate_ticket_reference('int_ticket_status_changes_unioned', 'ticket_id', ticket_required=true, event_column='changed_at') }}
