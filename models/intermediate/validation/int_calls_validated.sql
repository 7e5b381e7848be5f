{{ config(**sw_incremental_config('call_id')) }}

{{ validate_ticket_reference('stg_telephony__calls', scope_key='call_id') }}
