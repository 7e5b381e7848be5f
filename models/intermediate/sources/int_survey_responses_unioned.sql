{#
    Survey responses of every source system: the contract's survey export, Zendesk satisfaction
    ratings (good/bad on csat_2) and Intercom conversation ratings (1-5 on csat_5).
#}
{{ config(sw_keys_kept=true) }}

with

contract_responses as (
    select * from {{ ref('stg_surveys__survey_responses') }}
),

zendesk_ratings as (
    select * from {{ ref('stg_zendesk__satisfaction_ratings') }}
),

intercom_ratings as (
    select * from {{ ref('stg_intercom__conversation_ratings') }}
),

unioned as (
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
        'contract' as source_system,
        response_id as source_response_id,
        _source_file,
        _source_line,
        _loaded_at
    from contract_responses
    union all
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
        -- the comment is not read
        cast(null as boolean) as has_comment,
        is_responded,
        'zendesk' as source_system,
        source_response_id,
        _source_file,
        _source_line,
        _loaded_at
    from zendesk_ratings
    union all
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
        cast(null as boolean) as has_comment,
        is_responded,
        'intercom' as source_system,
        source_response_id,
        _source_file,
        _source_line,
        _loaded_at
    from intercom_ratings
),

final as (
    select * from unioned
)

select * from final
