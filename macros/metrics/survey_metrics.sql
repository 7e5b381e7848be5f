{#
    Survey formulas (SPEC §2, customer outcome), aggregate expressions over fct_survey_responses rows.
    Date survey answers by responded_date; date survey_response_rate by sent_date. Signatures:

      csat_score(satisfied='is_csat_satisfied')                % satisfied of CSAT answers, 0-100
      csat_score_numerator(satisfied='is_csat_satisfied')      CSAT answers that are satisfied
      csat_score_denominator(satisfied='is_csat_satisfied')    CSAT answers (flag not null)
      nps(category='nps_category')                             % promoters - % detractors, -100..100
      nps_numerator(category='nps_category')                   promoters - detractors
      nps_denominator(category='nps_category')                 NPS answers (category not null)
      ces_score(ces='ces_value')                               mean CES answer, 1-7
      ces_score_numerator(ces='ces_value')                     sum of CES answers
      ces_score_denominator(ces='ces_value')                   CES answers
      survey_response_rate(responded='is_responded')           % of sent surveys answered, 0-100
      survey_response_rate_numerator(responded='is_responded') surveys answered
      survey_response_rate_denominator(responded='is_responded') surveys sent

    Row-level classification (used once, by fct_survey_responses; null when the row is not an
    answer of that kind):
      survey_csat_satisfied(survey_type='survey_type', scale='survey_scale', score='score')
          csat_5: 4-5 satisfied; csat_3 (1 bad, 2 ok, 3 good): 3 satisfied
      survey_nps_category(survey_type='survey_type', score='score')
          'promoter' 9-10, 'passive' 7-8, 'detractor' 0-6
      survey_ces_value(survey_type='survey_type', score='score')
          the 1-7 answer

    Worked examples (seeds 001, 002): 100 CSAT answers with 43 fours and 29 fives -> 72;
    70 promoters, 20 passives, 10 detractors -> NPS 60; 30/50/20 -> NPS 10.
#}

{% macro csat_score_numerator(satisfied='is_csat_satisfied') -%}
    {{ support_warehouse.metric_flag_count(satisfied) }}
{%- endmacro %}

{% macro csat_score_denominator(satisfied='is_csat_satisfied') -%}
    {{ support_warehouse.metric_scope_count(satisfied) }}
{%- endmacro %}

{% macro csat_score(satisfied='is_csat_satisfied') -%}
    {{ support_warehouse.metric_ratio(
        support_warehouse.csat_score_numerator(satisfied),
        support_warehouse.csat_score_denominator(satisfied),
        100
    ) }}
{%- endmacro %}

{% macro nps_numerator(category='nps_category') -%}
    sum(case {{ category }} when 'promoter' then 1 when 'detractor' then -1 else 0 end)
{%- endmacro %}

{% macro nps_denominator(category='nps_category') -%}
    {{ support_warehouse.metric_scope_count(category) }}
{%- endmacro %}

{% macro nps(category='nps_category') -%}
    {{ support_warehouse.metric_ratio(
        support_warehouse.nps_numerator(category),
        support_warehouse.nps_denominator(category),
        100
    ) }}
{%- endmacro %}

{% macro ces_score_numerator(ces='ces_value') -%}
    sum({{ ces }})
{%- endmacro %}

{% macro ces_score_denominator(ces='ces_value') -%}
    {{ support_warehouse.metric_scope_count(ces) }}
{%- endmacro %}

{% macro ces_score(ces='ces_value') -%}
    {{ support_warehouse.metric_ratio(
        support_warehouse.ces_score_numerator(ces),
        support_warehouse.ces_score_denominator(ces)
    ) }}
{%- endmacro %}

{% macro survey_response_rate_numerator(responded='is_responded') -%}
    {{ support_warehouse.metric_flag_count(responded) }}
{%- endmacro %}

{% macro survey_response_rate_denominator(responded='is_responded') -%}
    {{ support_warehouse.metric_scope_count(responded) }}
{%- endmacro %}

{% macro survey_response_rate(responded='is_responded') -%}
    {{ support_warehouse.metric_ratio(
        support_warehouse.survey_response_rate_numerator(responded),
        support_warehouse.survey_response_rate_denominator(responded),
        100
    ) }}
{%- endmacro %}

{% macro survey_csat_satisfied(survey_type='survey_type', scale='survey_scale', score='score') -%}
    case
        when {{ survey_type }} <> 'csat' or {{ score }} is null then null
        when {{ scale }} = 'csat_5' then {{ score }} >= 4
        when {{ scale }} = 'csat_3' then {{ score }} = 3
        -- Zendesk's good/bad satisfaction ratings (1 bad, 2 good)
        when {{ scale }} = 'csat_2' then {{ score }} = 2
    end
{%- endmacro %}

{% macro survey_nps_category(survey_type='survey_type', score='score') -%}
    case
        when {{ survey_type }} <> 'nps' or {{ score }} is null then null
        when {{ score }} >= 9 then 'promoter'
        when {{ score }} >= 7 then 'passive'
        else 'detractor'
    end
{%- endmacro %}

{% macro survey_ces_value(survey_type='survey_type', score='score') -%}
    case when {{ survey_type }} = 'ces' then {{ score }} end
{%- endmacro %}
