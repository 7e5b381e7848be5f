{#
    Survey formulas (docs/metrics.md, customer outcome), aggregate expressions over fct_survey_responses rows.
    Date survey answers by responded_date; date survey_response_rate by sent_date. Signatures:

      csat_score(satisfied='is_csat_satisfied')                % satisfied of CSAT answers, 0-100
      csat_score_numerator(satisfied='is_csat_satisfied')      CSAT answers that are satisfied
      csat_score_denominator(satisfied='is_csat_satisfied')    CSAT answers (flag not null)
      nps(category='nps_category')                             % promoters - % detractors, -100..100
      nps_numerator(category='nps_category')                   promoters - detractors
      nps_denominator(category='nps_category')                 NPS answers (category not null)
      ces_score(ces='ces_value')                               mean CES answer on 1-7 (ces_10 answers normalised)
      ces_score_numerator(ces='ces_value')                     sum of CES answers on 1-7
      ces_score_denominator(ces='ces_value')                   CES answers
      ces_7_score / ces_10_score (scale=..., score='score')    mean raw answer of one CES scale, on that scale
        _numerator / _denominator                              (per-scale figures beside the normalised mean)
      survey_response_rate(responded='is_responded')           % of sent surveys answered, 0-100
      survey_response_rate_numerator(responded='is_responded') surveys answered
      survey_response_rate_denominator(responded='is_responded') surveys sent

    Row-level classification (used once, by fct_survey_responses; null when the row is not an
    answer of that kind):
      survey_csat_satisfied(survey_type='survey_type', scale='survey_scale', score='score')
          csat_5: 4-5 satisfied; csat_3 (1 bad, 2 ok, 3 good): 3 satisfied; csat_2 (1 bad, 2 good): 2
      survey_nps_category(survey_type='survey_type', score='score')
          'promoter' 9-10, 'passive' 7-8, 'detractor' 0-6
      survey_ces_value(survey_type='survey_type', scale='survey_scale', score='score')
          the answer on 1-7: ces_7 as is; ces_10 mapped linearly onto 1-7, 1 + (x - 1) * 6 / 9
          (1 -> 1, 10 -> 7, 5.5 -> 4: the ends and the midpoint of the scales meet)

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

{% macro survey_ces_value(survey_type='survey_type', scale='survey_scale', score='score') -%}
    case
        when {{ survey_type }} <> 'ces' then null
        when {{ scale }} = 'ces_7' then cast({{ score }} as double)
        when {{ scale }} = 'ces_10' then 1 + (cast({{ score }} as double) - 1) * 6 / 9
    end
{%- endmacro %}

{#- Per-scale CES: the raw answers of one scale, on that scale (never mixed with another). #}
{% macro ces_scale_score_numerator(scale_name, scale='survey_scale', survey_type='survey_type', score='score') -%}
    sum(case when {{ survey_type }} = 'ces' and {{ scale }} = '{{ scale_name }}' then {{ score }} end)
{%- endmacro %}

{% macro ces_scale_score_denominator(scale_name, scale='survey_scale', survey_type='survey_type', score='score') -%}
    {{ support_warehouse.metric_count_where(
        survey_type ~ " = 'ces' and " ~ scale ~ " = '" ~ scale_name ~ "' and " ~ score ~ ' is not null'
    ) }}
{%- endmacro %}

{% macro ces_7_score_numerator() -%}
    {{ support_warehouse.ces_scale_score_numerator('ces_7') }}
{%- endmacro %}

{% macro ces_7_score_denominator() -%}
    {{ support_warehouse.ces_scale_score_denominator('ces_7') }}
{%- endmacro %}

{% macro ces_10_score_numerator() -%}
    {{ support_warehouse.ces_scale_score_numerator('ces_10') }}
{%- endmacro %}

{% macro ces_10_score_denominator() -%}
    {{ support_warehouse.ces_scale_score_denominator('ces_10') }}
{%- endmacro %}
