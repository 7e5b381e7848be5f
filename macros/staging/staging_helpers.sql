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
    being a SQL string expression (or reason_with_value()'s [reason_sql, value_sql]); null means
    the row is good. `part`: 'reason', or 'value' for the offending raw value of the first failing
    rule (null when its rule names none).
#}
{% macro reject_reason(rules, part='reason') -%}
    case
        {%- for rule in rules %}
        {%- set pair = [rule[1], none] if rule[1] is string else rule[1] %}
        {%- if part == 'reason' %}
        when {{ rule[0] }} then {{ pair[0] }}
        {%- else %}
        when {{ rule[0] }} then {{ 'cast(' ~ pair[1] ~ ' as ' ~ dbt.type_string() ~ ')' if pair[1] is not none else 'null' }}
        {%- endif %}
        {%- endfor %}
    end
{%- endmacro %}

{# Rule: a text value that is present but did not type. #}
{% macro untyped(typed_column, raw_column) -%}
    ({{ typed_column }} is null and nullif(trim({{ raw_column }}), '') is not null)
{%- endmacro %}

{#
    Rule: a timestamp (or date) outside the plausible window, before var('plausible_from') or more
    than `days_after_load` (default var('plausible_days_after_load')) days after the row was loaded
    (its own _loaded_at, so a verdict never changes later: staging verdicts depend only on the
    row's file). One such value (a ticket created in 2099) would otherwise become the as-of time
    and stretch every date spine. Returns a rule for check_rows ([condition, reason_with_value()]).
#}
{% macro implausible_timestamp_rule(column, days_after_load=none) -%}
    {%- set days = (days_after_load if days_after_load is not none else var('plausible_days_after_load')) | int -%}
    {%- set condition -%}
        ({{ column }} < cast('{{ var("plausible_from") }}' as timestamp)
        or {{ column }} > {{ dbt.dateadd('day', days, '_loaded_at') }})
    {%- endset -%}
    {{ return([condition, support_warehouse.reason_with_value(column ~ " is outside the plausible window (before "
        ~ var('plausible_from') ~ " or more than " ~ days ~ " days after the load)", column)]) }}
{%- endmacro %}

{#
    A rule's reason plus the raw column whose value broke it: check_rows puts the message in
    reject_reason (published, so it never quotes the value: raw values can be names or comments)
    and the value in offending_value, which stays in the build database's audit schema.
    Returns [reason_sql, value_sql], for the reason place of a rule.
#}
{% macro reason_with_value(message, raw_column) -%}
    {{ return(["'" ~ message ~ "'", raw_column]) }}
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
    `repeated_keys`: SQL selecting the keys with several rows (contract_base_sql's
    single_versions): only their rows are ranked and the others get version 1 (most keys arrive
    once, and a key alone is its file's only version; the window sorts were most of a contract
    stg_* model's cost), and `checked` adds has_other_versions. A row without a key is never
    ranked, and needs not be: its missing key is the first rule it breaks. Without it every row
    is ranked, so a reader that uses no check result (the base view's key columns) pays for no
    ranking at all.
#}
{% macro check_rows(from_cte, key_columns, payload_columns, rules, repeated_keys=none) -%}
{%- set partition = key_columns | join(', ') ~ ', _source_file' %}
fingerprinted as (
    select
        *,
        {{ support_warehouse.payload_hash(payload_columns) }} as payload_hash
    from {{ from_cte }}
),
{%- if repeated_keys %}

repeated_keys as (
    {{ repeated_keys | indent(4) }}
),

flagged as (
    select
        fingerprinted.*,
        repeated_keys.{{ key_columns[0] }} is not null as has_other_versions
    from fingerprinted
    left join repeated_keys
        on
            {%- for key in key_columns %}
            {{ 'and ' if not loop.first }}fingerprinted.{{ key }} = repeated_keys.{{ key }}
            {%- endfor %}
),
{%- endif %}

ranked as (
    select
        *,
        row_number() over (
            partition by {{ partition }}
            order by _source_line desc
        ) as version_in_file,
        first_value(payload_hash) over (
            partition by {{ partition }}
            order by _source_line desc
        ) as winning_payload_hash
    {%- if repeated_keys %}
    from flagged
    where has_other_versions
    union all
    select
        *,
        1 as version_in_file,
        payload_hash as winning_payload_hash
    from flagged
    where not has_other_versions
    {%- else %}
    from fingerprinted
    {%- endif %}
),

checked as (
    select
        *,
        {%- set key_missing = [] -%}
        {%- for key in key_columns -%}
            {%- do key_missing.append(key ~ ' is null') -%}
        {%- endfor %}
        {%- set all_rules = [[key_missing | join(' or '), "'key " ~ key_columns | join(', ') ~ " is missing or untypeable'"]]
            + rules
            + [["version_in_file > 1 and payload_hash <> winning_payload_hash",
                "'duplicate key with a different payload in the same file; a later line wins'"]] %}
        {{ support_warehouse.reject_reason(all_rules) }} as reject_reason,
        {{ support_warehouse.reject_reason(all_rules, 'value') }} as offending_value
    from ranked
)
{%- endmacro %}

{#
    Latest good version of each key: later loads win, then later lines; `order_by` may put a
    business timestamp first. `single_versions`: `relation` has check_rows' has_other_versions
    (a full build's staged_versions): a key with one row is its own latest version, so only the
    others are ranked. Not on a night, whose candidates add the staged rows to the new ones.
#}
{% macro latest_version(relation, key_columns, order_by=none, single_versions=false) -%}
{%- set split = single_versions and not is_incremental() -%}
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
    where reject_reason is null{{ ' and has_other_versions' if split }}
) as versions
where version_rank = 1
{%- if split %}
union all
select
    *,
    1 as version_rank
from {{ relation }}
where reject_reason is null and not has_other_versions
{%- endif %}
{%- endmacro %}

{# Rule: a code outside its accepted values (docs/input_contract.md); `values` names a list in var('accepted_values'). #}
{% macro not_accepted(column, values, required=true) -%}
    {%- set allowed = var('accepted_values')[values] -%}
    (
        {% if required %}{{ column }} is null or {% endif -%}
        {{ column }} not in ('{{ allowed | join("', '") }}')
    )
{%- endmacro %}

{#
    The end of a contract base model: CTE `final` from `checked` (check_rows), its key and payload
    columns in that order, the shape its stg_* model keeps, then `derived` [name, expression]
    pairs and the check results and lineage. `expressions` replaces a column by an expression
    under the same name (e.g. a flag's default once the checks have seen the raw value).
#}
{% macro base_final(key_columns, payload_columns, expressions={}, derived=[], single_versions=false) -%}
final as (
    select
        {%- for column in key_columns + payload_columns %}
        {{ expressions[column] ~ ' as ' ~ column if column in expressions else column }},
        {%- endfor %}
        {%- for name, expression in derived %}
        {{ expression }} as {{ name }},
        {%- endfor %}
        reject_reason,
        offending_value,
        payload_hash,
        {%- if single_versions %}
        has_other_versions,
        {%- endif %}
        {{ support_warehouse.lineage_columns() }}
    from checked
)

select * from final
{%- endmacro %}
