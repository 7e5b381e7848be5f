{{ validate_ticket_reference('stg_telephony__calls') }}
