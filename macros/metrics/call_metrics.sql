{#
    Phone formulas (docs/metrics.md, speed), aggregate expressions over fct_calls rows (date by queued_date).
    Offered calls = every validated call, answered or abandoned. Signatures:

      answered_call_rate(answered='is_answered')                         % of offered calls answered, 0-100
      answered_call_rate_numerator(answered='is_answered')               answered calls
      answered_call_rate_denominator(answered='is_answered')             offered calls
      call_service_level(within='is_within_service_level')               % of offered calls answered within
                                                                         var('call_service_level_seconds'), 0-100
      call_service_level_numerator(within='is_within_service_level')     calls answered within the threshold
      call_service_level_denominator(within='is_within_service_level')   offered calls (flag is never null)
      average_wait_seconds(wait='wait_seconds')                          mean answered_at - queued_at, answered calls
      average_wait_seconds_numerator(wait='wait_seconds')                total wait seconds
      average_wait_seconds_denominator(wait='wait_seconds')              answered calls with a wait
      average_handle_seconds(handle='handle_seconds')                    mean (ended - answered) + wrap-up (AHT);
                                                                         the connected span already holds the hold
      average_handle_seconds_numerator(handle='handle_seconds')          total handle seconds
      average_handle_seconds_denominator(handle='handle_seconds')        handled calls (answered and ended)
      average_hold_seconds(hold='hold_seconds', handle='handle_seconds') mean hold of the handled calls
      average_hold_seconds_numerator(hold=..., handle=...)               total hold seconds of handled calls
      average_hold_seconds_denominator(handle='handle_seconds')          handled calls (answered and ended)
#}

{% macro answered_call_rate_numerator(answered='is_answered') -%}
    {{ support_warehouse.metric_flag_count(answered) }}
{%- endmacro %}

{% macro answered_call_rate_denominator(answered='is_answered') -%}
    {{ support_warehouse.metric_scope_count(answered) }}
{%- endmacro %}

{% macro answered_call_rate(answered='is_answered') -%}
    {{ support_warehouse.metric_ratio(
        support_warehouse.answered_call_rate_numerator(answered),
        support_warehouse.answered_call_rate_denominator(answered),
        100
    ) }}
{%- endmacro %}

{% macro call_service_level_numerator(within='is_within_service_level') -%}
    {{ support_warehouse.metric_flag_count(within) }}
{%- endmacro %}

{% macro call_service_level_denominator(within='is_within_service_level') -%}
    {{ support_warehouse.metric_scope_count(within) }}
{%- endmacro %}

{% macro call_service_level(within='is_within_service_level') -%}
    {{ support_warehouse.metric_ratio(
        support_warehouse.call_service_level_numerator(within),
        support_warehouse.call_service_level_denominator(within),
        100
    ) }}
{%- endmacro %}

{% macro average_wait_seconds_numerator(wait='wait_seconds') -%}
    sum({{ wait }})
{%- endmacro %}

{% macro average_wait_seconds_denominator(wait='wait_seconds') -%}
    {{ support_warehouse.metric_scope_count(wait) }}
{%- endmacro %}

{% macro average_wait_seconds(wait='wait_seconds') -%}
    {{ support_warehouse.metric_ratio(
        support_warehouse.average_wait_seconds_numerator(wait),
        support_warehouse.average_wait_seconds_denominator(wait)
    ) }}
{%- endmacro %}

{% macro average_handle_seconds_numerator(handle='handle_seconds') -%}
    sum({{ handle }})
{%- endmacro %}

{% macro average_handle_seconds_denominator(handle='handle_seconds') -%}
    {{ support_warehouse.metric_scope_count(handle) }}
{%- endmacro %}

{% macro average_handle_seconds(handle='handle_seconds') -%}
    {{ support_warehouse.metric_ratio(
        support_warehouse.average_handle_seconds_numerator(handle),
        support_warehouse.average_handle_seconds_denominator(handle)
    ) }}
{%- endmacro %}

{% macro average_hold_seconds_numerator(hold='hold_seconds', handle='handle_seconds') -%}
    sum(case when {{ handle }} is not null then {{ hold }} end)
{%- endmacro %}

{% macro average_hold_seconds_denominator(handle='handle_seconds') -%}
    {{ support_warehouse.metric_scope_count(handle) }}
{%- endmacro %}

{% macro average_hold_seconds(hold='hold_seconds', handle='handle_seconds') -%}
    {{ support_warehouse.metric_ratio(
        support_warehouse.average_hold_seconds_numerator(hold, handle),
        support_warehouse.average_hold_seconds_denominator(handle)
    ) }}
{%- endmacro %}
