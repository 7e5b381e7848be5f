{#
    Self-service formula (docs/metrics.md: sessions resolved without a ticket / (those + tickets created)).
    Its two counts come from different facts, so the parts are separate. Signatures:

      self_service_rate_numerator(resolved='is_resolved_without_ticket')
          aggregate over fct_self_service_sessions rows (date by started_date): sessions resolved without a ticket
      self_service_rate_denominator(resolved_sessions, tickets_created)
          SQL expression: resolved_sessions + tickets_created (both already-aggregated counts)
      self_service_rate(resolved_sessions, tickets_created)
          % 0-100 from the two already-aggregated counts (e.g. columns of a joined per-period CTE)
#}

{% macro self_service_rate_numerator(resolved='is_resolved_without_ticket') -%}
    {{ support_warehouse.metric_flag_count(resolved) }}
{%- endmacro %}

{% macro self_service_rate_denominator(resolved_sessions, tickets_created) -%}
    (coalesce({{ resolved_sessions }}, 0) + coalesce({{ tickets_created }}, 0))
{%- endmacro %}

{% macro self_service_rate(resolved_sessions, tickets_created) -%}
    {{ support_warehouse.metric_ratio(
        resolved_sessions,
        support_warehouse.self_service_rate_denominator(resolved_sessions, tickets_created),
        100
    ) }}
{%- endmacro %}
