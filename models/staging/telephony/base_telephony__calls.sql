{{ base_telephony__calls_sql(source('telephony', 'calls')) }}
