{# Cast that yields null instead of failing; staging uses it to find untypeable values. #}
{% macro try_cast(expr, data_type) -%}
    {{ return(adapter.dispatch('try_cast', 'support_warehouse')(expr, data_type)) }}
{%- endmacro %}

{% macro default__try_cast(expr, data_type) -%}
    try_cast({{ expr }} as {{ data_type }})
{%- endmacro %}

{# Text 'true'/'false' (also 1/0, yes/no, t/f) -> boolean; anything else null. #}
{% macro parse_boolean(expr) -%}
    case lower(trim({{ expr }}))
        when 'true' then true
        when 't' then true
        when '1' then true
        when 'yes' then true
        when 'false' then false
        when 'f' then false
        when '0' then false
        when 'no' then false
    end
{%- endmacro %}

{# One-way hash for PII (GitLab-style: hashed at the source layer, never in clear downstream). #}
{% macro hash_pii(expr) -%}
    {{ return(adapter.dispatch('hash_pii', 'support_warehouse')(expr)) }}
{%- endmacro %}

{% macro default__hash_pii(expr) -%}
    case when {{ expr }} is not null then sha256(lower(trim({{ expr }}))) end
{%- endmacro %}
