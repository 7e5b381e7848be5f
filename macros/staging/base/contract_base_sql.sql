{#
    The SQL of each contract base model (the base_*_sql macros beside this file; why macros:
    macros/staging/base_model_sql.sql): type the raw rows of `source_relation` (CTE `typed`),
    check them (check_rows) and end with base_final. An entity's file gives only its own parts:
      - `columns`, the typed columns in output order: [name, '<kind>'] types the raw column of
        the same name, [name, '<kind> from <raw column>'] another one; a kind is a key of
        contract_kinds(), else the string is the SQL expression. A parsed kind also keeps its raw
        text as <raw column>_text, for the reason and offending value of a row it did not parse;
      - `key_columns` (the other columns are the payload check_rows fingerprints);
      - `rules`, in the order they are tried (the first failing one wins): check_rows' pairs, or
        the must_* checks below, which read kind and raw column from `columns`;
      - base_final's `expressions` and `derived`;
      - `lookup`, a code that must be in a reference table: {'column': the typed column, 'cte':
        a CTE name, 'relation': the table, 'flag': a boolean column, true when the code is in it}.
        The table is left joined, so raw columns are then qualified with `source.`;
      - `single_versions`: rank only the keys with several rows (check_rows' repeated_keys, found
        on the raw key columns: grouping the typed rows made DuckDB materialize them) and add
        column has_other_versions. A full build's stg_* passes it, typing its whole source; the
        base view does not, so readers of its key columns only (int_tickets_changed) still get
        them without any ranking.
#}
{% macro contract_base_sql(source_relation, key_columns, columns, rules, expressions={}, derived=[], lookup=none, single_versions=false) -%}
{%- set prefix = 'source.' if lookup else '' %}
{%- set kinds = contract_kinds() %}
{%- set specs = {} %}
{%- set payload_columns = [] %}
{%- for column in columns %}
    {%- set kind_name, _, raw = column[1].partition(' from ') %}
    {%- set raw = raw or column[0] %}
    {%- set kind = kinds.get(kind_name) %}
    {%- do specs.update({column[0]: {
        'raw': raw,
        'expression': kind.type(prefix ~ raw) if kind else column[1],
        'noun': kind.get('noun') if kind else none,
    }}) %}
    {%- if column[0] not in key_columns %}
        {%- do payload_columns.append(column[0]) %}
    {%- endif %}
{%- endfor %}
with

source as (
    select * from {{ source_relation }}
),
{%- if lookup %}

{{ lookup.cte }} as (
    select {{ lookup.column }} from {{ lookup.relation }}
),
{%- endif %}

typed as (
    select
        {%- for name, spec in specs.items() %}
        {{ spec.expression }} as {{ name }},
        {%- endfor %}
        {%- for spec in specs.values() if spec.noun %}
        {{ prefix ~ spec.raw }} as {{ spec.raw }}_text,
        {%- endfor %}
        {%- if lookup %}
        {{ lookup.cte }}.{{ lookup.column }} is not null as {{ lookup.flag }},
        {%- for column in ['_source_file', '_source_line', '_loaded_at', '_load_id'] %}
        source.{{ column }}{{ ',' if not loop.last }}
        {%- endfor %}
        {%- else %}
        {{ lineage_columns() }}
        {%- endif %}
    from source
    {%- if lookup %}
    left join {{ lookup.cte }}
        on {{ specs[lookup.column].expression }} = {{ lookup.cte }}.{{ lookup.column }}
    {%- endif %}
),

{%- set repeated_keys -%}
select {{ key_columns | join(', ') }}
from (
    select
        {%- for key in key_columns %}
        {{ specs[key].expression }} as {{ key }}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ source_relation }} as source
) as keys
group by {{ key_columns | join(', ') }}
having count(*) > 1
{%- endset %}

{{ check_rows('typed', key_columns, payload_columns, contract_rules(rules, specs), repeated_keys if single_versions else none) }},

{{ base_final(key_columns, payload_columns, expressions, derived, single_versions) }}
{%- endmacro %}

{# The kinds of typed column: how each types its raw text, and for parsed kinds what the text must be. #}
{% macro contract_kinds() -%}
    {{ return({
        'text': {'type': clean_text},
        'code': {'type': clean_code},
        'pii': {'type': hash_pii},
        'timestamp': {'type': parse_timestamp_utc, 'noun': 'an ISO-8601 timestamp'},
        'date': {'type': contract_date, 'noun': 'a date'},
        'integer': {'type': contract_integer, 'noun': 'a whole number'},
        'double': {'type': contract_double, 'noun': 'a number'},
        'boolean': {'type': parse_boolean, 'noun': 'a boolean'},
    }) }}
{%- endmacro %}

{% macro contract_date(raw) %}{{ return(try_cast(clean_text(raw), 'date')) }}{% endmacro %}
{% macro contract_integer(raw) %}{{ return(try_cast(clean_text(raw), dbt.type_int())) }}{% endmacro %}
{% macro contract_double(raw) %}{{ return(try_cast(clean_text(raw), 'double')) }}{% endmacro %}

{#
    Checks for `rules`, on typed columns named in `columns`:
      - must_be_present: the typed value is null (a parsed kind: missing or did not parse);
      - must_parse: the raw text is there but did not parse;
      - must_be_plausible: a timestamp outside the plausible window (implausible_timestamp_rule;
        keyword days_after_load as there).
    Each takes one or more columns and stands for one rule per column, in that order.
#}
{% macro must_be_present() %}{{ return({'check': 'present', 'columns': varargs}) }}{% endmacro %}
{% macro must_parse() %}{{ return({'check': 'parse', 'columns': varargs}) }}{% endmacro %}
{% macro must_be_plausible() %}{{ return({'check': 'plausible', 'columns': varargs, 'days_after_load': kwargs.get('days_after_load')}) }}{% endmacro %}

{# `rules` with each must_* check replaced by its rules, for check_rows. #}
{% macro contract_rules(rules, specs) -%}
    {%- set out = [] %}
    {%- for rule in rules %}
        {%- if rule is not mapping %}
            {%- do out.append(rule) %}
        {%- else %}
            {%- for column in rule.columns %}
                {%- set spec = specs[column] %}
                {%- set raw_text = spec.raw ~ '_text' %}
                {%- if rule.check == 'parse' and not spec.noun %}
                    {{ exceptions.raise_compiler_error('must_parse(' ~ column ~ '): not a parsed kind') }}
                {%- endif %}
                {%- if rule.check == 'plausible' %}
                    {%- do out.append(implausible_timestamp_rule(column, rule.days_after_load)) %}
                {%- elif rule.check == 'parse' %}
                    {%- do out.append([untyped(column, raw_text), reason_with_value(spec.raw ~ ' is not ' ~ spec.noun, raw_text)]) %}
                {%- elif spec.noun %}
                    {%- do out.append([column ~ ' is null', reason_with_value(spec.raw ~ ' is missing or not ' ~ spec.noun, raw_text)]) %}
                {%- else %}
                    {%- do out.append([column ~ ' is null', "'" ~ spec.raw ~ " is missing'"]) %}
                {%- endif %}
            {%- endfor %}
        {%- endif %}
    {%- endfor %}
    {{ return(out) }}
{%- endmacro %}
