{# Free text is PII: only whether there was a comment travels downstream. #}
{% macro base_surveys__survey_responses_sql(source_relation, single_versions=false) -%}
{{ contract_base_sql(source_relation, ['response_id'], columns=[
        ['response_id', 'text'],
        ['survey_type', 'code'],
        ['survey_scale', 'code from scale'],
        ['customer_id', 'text'],
        ['ticket_id', 'text'],
        ['agent_id', 'text'],
        ['sent_at', 'timestamp'],
        ['responded_at', 'timestamp'],
        ['score', 'integer'],
        ['has_comment', clean_text('comment') ~ ' is not null'],
    ], rules=[
        [not_accepted('survey_type', 'survey_type'), reason_with_value('unknown survey_type', 'survey_type')],
        [not_accepted('survey_scale', 'survey_scale'), reason_with_value('unknown scale', 'survey_scale')],
        ["not ((survey_type = 'csat' and survey_scale in ('csat_5', 'csat_3', 'csat_2')) or (survey_type = 'nps' and survey_scale = 'nps_11') or (survey_type = 'ces' and survey_scale in ('ces_7', 'ces_10')))",
            "'scale ' || survey_scale || ' does not belong to survey_type ' || survey_type"],
        must_be_present('sent_at'),
        must_parse('responded_at'),
        must_be_plausible('sent_at', 'responded_at'),
        must_parse('score'),
        [survey_score_out_of_scale('score', 'survey_scale'), "'score ' || cast(score as " ~ dbt.type_string() ~ ") || ' is outside the ' || survey_scale || ' scale'"],
        ['responded_at < sent_at', "'negative duration: responded_at is before sent_at'"],
        ['score is not null and responded_at is null', "'score given without responded_at'"],
    ], derived=[['is_responded', 'responded_at is not null']], single_versions=single_versions) }}
{%- endmacro %}
