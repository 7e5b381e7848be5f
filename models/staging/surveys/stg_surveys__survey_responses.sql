{{ config(
    materialized=sw_incremental_materialization(), incremental_strategy='delete+insert', unique_key='response_id',
) }}

with

base as (
    {{ staged_versions('base_surveys__survey_responses', source('surveys', 'survey_responses'), 'response_id') }}
),

latest as (
    {{ latest_version('base', ['response_id'], order_by='responded_at', single_versions=true) }}
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
