{# Inclusive score range of each survey scale (docs/input_contract.md); contract.SCALE_RANGES mirrors it. #}
{% macro survey_scale_ranges() -%}
    {{ return({'csat_5': [1, 5], 'csat_3': [1, 3], 'csat_2': [1, 2], 'nps_11': [0, 10], 'ces_7': [1, 7], 'ces_10': [1, 10]}) }}
{%- endmacro %}

{% macro survey_score_out_of_scale(score, scale) -%}
    ({{ score }} is not null and case {{ scale }}
        {%- for name, bounds in survey_scale_ranges().items() %}
        when '{{ name }}' then {{ score }} not between {{ bounds[0] }} and {{ bounds[1] }}
        {%- endfor %}
    end)
{%- endmacro %}
