{# Lineage every staged row keeps, so rejects and audits can point at file and line. #}
{% macro lineage_columns() -%}
    _source_file,
    _source_line,
    _loaded_at,
    _load_id
{%- endmacro %}

{# Empty strings in extracts mean null. #}
{% macro clean_text(column) -%}
    nullif(trim({{ column }}), '')
{%- endmacro %}

{% macro clean_code(column) -%}
    nullif(lower(trim({{ column }})), '')
{%- endmacro %}

{#
    First failing rule wins. `rules` is a list of [bad_condition, reason_sql] pairs, reason_sql
    being a SQL string expression; null means the row is good.
#}
{% macro reject_reason(rules) -%}
    case
        {%- for rule in rules %}
        when {{ rule[0] }} then {{ rule[1] }}
        {%- endfor %}
    end
{%- endmacro %}

{# Rule: a text value that is present but did not type. #}
{% macro untyped(typed_column, raw_column) -%}
    ({{ typed_column }} is null and nullif(trim({{ raw_column }}), '') is not null)
{%- endmacro %}

{# Reason text quoting the offending raw value. #}
{% macro reason_with_value(message, raw_column) -%}
    '{{ message }}: ''' || coalesce({{ raw_column }}, '') || ''''
{%- endmacro %}

{#
    Rank versions of a key within one file: the last line wins. A different payload under the
    same key in the same file is ambiguous, so the losers are rejected rather than silently dropped.
#}
{% macro in_file_version(key_columns) -%}
    row_number() over (
        partition by {{ key_columns | join(', ') }}, _source_file
        order by _source_line desc
    )
{%- endmacro %}

{#
    Fingerprint of a row's payload, to tell a true duplicate from a conflicting one. Only ever
    compared with another row of the same key and file in the same build, so it need not be
    portable or cryptographic, only cheap: every loaded row gets one.
#}
{% macro payload_hash(columns) -%}
    {{ return(adapter.dispatch('payload_hash', 'support_warehouse')(columns)) }}
{%- endmacro %}

{% macro default__payload_hash(columns) -%}
    {%- set parts = [] -%}
    {%- for column in columns -%}
        {%- do parts.append("coalesce(cast(" ~ column ~ " as " ~ dbt.type_string() ~ "), '<null>')") -%}
    {%- endfor -%}
    {{ dbt.hash("concat_ws('|', " ~ parts | join(', ') ~ ")") }}
{%- endmacro %}

{# DuckDB hashes the typed values directly (64 bits, nulls included): md5 of their text rendering
   cost ~0.75 s per 4M rows in a full refresh's staging, this ~0.05 s. #}
{% macro duckdb__payload_hash(columns) -%}
    hash({{ columns | join(', ') }})
{%- endmacro %}

{#
    The CTEs every base model ends with: fingerprint each row, rank versions of a key within
    its file, and name the first rule a row breaks. Produces CTEs `fingerprinted`, `ranked`
    and `checked`; `checked` has every typed column plus reject_reason and payload_hash.
#}
{% macro check_rows(from_cte, key_columns, payload_columns, rules) -%}
fingerprinted as (
    select
        *,
        {{ support_warehouse.payload_hash(payload_columns) }} as payload_hash
    from {{ from_cte }}
),

ranked as (
    select
        *,
        row_number() over (
            partition by {{ key_columns | join(', ') }}, _source_file
            order by _source_line desc
        ) as version_in_file,
        first_value(payload_hash) over (
            partition by {{ key_columns | join(', ') }}, _source_file
            order by _source_line desc
        ) as winning_payload_hash
    from fingerprinted
),

checked as (
    select
        *,
        {%- set key_missing = [] -%}
        {%- for key in key_columns -%}
            {%- do key_missing.append(key ~ ' is null') -%}
        {%- endfor %}
        {{ support_warehouse.reject_reason(
            [[key_missing | join(' or '), "'key " ~ key_columns | join(', ') ~ " is missing or untypeable'"]]
            + rules
            + [["version_in_file > 1 and payload_hash <> winning_payload_hash",
                "'duplicate key with a different payload in the same file; a later line wins'"]]
        ) }} as reject_reason
    from ranked
)
{%- endmacro %}

{# Latest good version of each key: later loads win, then later lines; `order_by` may put a business timestamp first. #}
{% macro latest_version(relation, key_columns, order_by=none) -%}
select *
from (
    select
        *,
        row_number() over (
            partition by {{ key_columns | join(', ') }}
            order by
                {% if order_by %}{{ order_by }} desc nulls last, {% endif -%}
                _loaded_at desc, _source_file desc, _source_line desc
        ) as version_rank
    from {{ relation }}
    where reject_reason is null
) as versions
where version_rank = 1
{%- endmacro %}

{# Rule: a code outside its accepted values (SPEC §1); `values` names a list in var('accepted_values'). #}
{% macro not_accepted(column, values, required=true) -%}
    {%- set allowed = var('accepted_values')[values] -%}
    (
        {% if required %}{{ column }} is null or {% endif -%}
        {{ column }} not in ('{{ allowed | join("', '") }}')
    )
{%- endmacro %}
