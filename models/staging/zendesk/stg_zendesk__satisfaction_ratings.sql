{{ config(materialized='table') }}

with

base as (
    select * from {{ ref('base_zendesk__satisfaction_ratings') }}
),

latest as (
    {{ latest_version('base', ['response_id'], order_by='updated_at desc nulls last, fivetran_synced_at') }}
),

-- good/bad on the csat_2 scale (1 bad, 2 good); offered and not answered: sent, no score
final as (
    select
        response_id,
        source_response_id,
        'csat' as survey_type,
        'csat_2' as survey_scale,
        customer_id,
        ticket_id,
        agent_id,
        created_at as sent_at,
        case when score_code in ('good', 'bad') then updated_at end as responded_at,
        case score_code when 'good' then 2 when 'bad' then 1 end as score,
        score_code in ('good', 'bad') as is_responded,
        _source_file,
        _source_line,
        _loaded_at
    from latest
    where
        not is_deleted
        -- never offered: not a survey
        and score_code <> 'unoffered'
)

select * from final
