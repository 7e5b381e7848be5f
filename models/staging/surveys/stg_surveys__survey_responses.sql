{{ config(**sw_incremental_config('response_id')) }}

with

base as (
    {{ sw_staged_base('base_surveys__survey_responses', 'surveys', 'survey_responses') }}
),

latest as (
    {{ latest_version('base', ['response_id'], order_by='responded_at') }}
),

final as (
    select
        response_id,
        survey_type,
        survey_scale,
        customer_id,
        ticket_id,
        agent_id,
        sent_at,
        responded_at,
        score,
        has_comment,
        is_responded,
        _source_file,
        _source_line,
        _loaded_at
    from latest
)

select * from final
