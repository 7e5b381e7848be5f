{#
    Survey responses of every source system: the contract's survey export, Zendesk satisfaction
    ratings (good/bad on csat_2) and Intercom conversation ratings (1-5 on csat_5).
#}

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

-- The connectors' rating comments are not read.
unioned as (
    {{ union_sources(
        ['response_id', 'survey_type', 'survey_scale', 'customer_id', 'ticket_id', 'agent_id',
            'sent_at', 'responded_at', 'score', 'has_comment', 'is_responded', 'source_system',
            'source_response_id', '_source_file', '_source_line', '_loaded_at'],
        [
            ['contract_responses', 'contract', {'source_response_id': 'response_id'}],
            ['zendesk_ratings', 'zendesk', {'has_comment': null_as('boolean')}],
            ['intercom_ratings', 'intercom', {'has_comment': null_as('boolean')}],
        ]) }}
),

final as (
    select * from unioned
)

select * from final
