with

source as (
    select * from {{ connector_source('zendesk', 'satisfaction_rating') }}
),

typed as (
    select
        {{ system_key('zendesk', 'id') }} as response_id,
        {{ clean_text('id') }} as source_response_id,
        {{ system_key('zendesk', 'ticket_id') }} as ticket_id,
        {{ system_key('zendesk', 'requester_id') }} as customer_id,
        {{ system_key('zendesk', 'assignee_id') }} as agent_id,
        {{ clean_code('score') }} as score_code,
        {{ parse_timestamp_utc('created_at') }} as created_at,
        {{ parse_timestamp_utc('updated_at') }} as updated_at,
        {{ parse_timestamp_utc('_fivetran_synced') }} as fivetran_synced_at,
        coalesce({{ parse_boolean('_fivetran_deleted') }}, false) as is_deleted,
        created_at as created_at_text,
        updated_at as updated_at_text,
        {{ lineage_columns() }}
    from source
),

final as (
    select
        *,
        {{ connector_reject_columns([
            ['response_id is null', "'key id is missing'"],
            ['ticket_id is null', "'ticket_id is missing'"],
            ['created_at is null', reason_with_value('created_at is missing or not an ISO-8601 timestamp', 'created_at_text')],
            implausible_timestamp_rule('created_at'),
            [untyped('updated_at', 'updated_at_text'), reason_with_value('updated_at is not an ISO-8601 timestamp', 'updated_at_text')],
            implausible_timestamp_rule('updated_at'),
            [
                "score_code is null or score_code not in ('good', 'bad', 'offered', 'unoffered')",
                reason_with_value('unknown score', 'score_code'),
            ],
        ]) }}
    from typed
)

select * from final
