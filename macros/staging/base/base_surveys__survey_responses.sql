{# The SQL of model base_surveys__survey_responses, also run by the night's stg_surveys__survey_responses and the rejects audit
   (why: macros/staging/base_model_sql.sql). #}
{% macro base_surveys__survey_responses_sql(source_relation) -%}
{%- set key_columns = ['response_id'] %}
{%- set payload_columns = ['survey_type', 'survey_scale', 'customer_id', 'ticket_id', 'agent_id', 'sent_at', 'responded_at', 'score', 'has_comment'] %}
with

source as (
    select * from {{ source_relation }}
),

typed as (
    select
        {{ clean_text('response_id') }} as response_id,
        {{ clean_code('survey_type') }} as survey_type,
        {{ clean_code('scale') }} as survey_scale,
        {{ clean_text('customer_id') }} as customer_id,
        {{ clean_text('ticket_id') }} as ticket_id,
        {{ clean_text('agent_id') }} as agent_id,
        {{ parse_timestamp_utc('sent_at') }} as sent_at,
        {{ parse_timestamp_utc('responded_at') }} as responded_at,
        {{ try_cast(clean_text('score'), dbt.type_int()) }} as score,
        -- Free text is PII: only whether there was a comment travels downstream.
        {{ clean_text('comment') }} is not null as has_comment,
        sent_at as sent_at_text,
        responded_at as responded_at_text,
        score as score_text,
        {{ lineage_columns() }}
    from source
),

{{ check_rows('typed', key_columns, payload_columns, [
        [not_accepted('survey_type', 'survey_type'), reason_with_value('unknown survey_type', 'survey_type')],
        [not_accepted('survey_scale', 'survey_scale'), reason_with_value('unknown scale', 'survey_scale')],
        ["not ((survey_type = 'csat' and survey_scale in ('csat_5', 'csat_3', 'csat_2')) or (survey_type = 'nps' and survey_scale = 'nps_11') or (survey_type = 'ces' and survey_scale in ('ces_7', 'ces_10')))",
            "'scale ' || survey_scale || ' does not belong to survey_type ' || survey_type"],
        ['sent_at is null', reason_with_value('sent_at is missing or not an ISO-8601 timestamp', 'sent_at_text')],
        [untyped('responded_at', 'responded_at_text'), reason_with_value('responded_at is not an ISO-8601 timestamp', 'responded_at_text')],
        implausible_timestamp_rule('sent_at'),
        implausible_timestamp_rule('responded_at'),
        [untyped('score', 'score_text'), reason_with_value('score is not a whole number', 'score_text')],
        [survey_score_out_of_scale('score', 'survey_scale'), "'score ' || cast(score as " ~ dbt.type_string() ~ ") || ' is outside the ' || survey_scale || ' scale'"],
        ['responded_at < sent_at', "'negative duration: responded_at is before sent_at'"],
        ['score is not null and responded_at is null', "'score given without responded_at'"],
    ]) }},

{{ base_final(key_columns, payload_columns, derived=[['is_responded', 'responded_at is not null']]) }}
{%- endmacro %}
