{# Cast that yields null instead of failing; staging uses it to find untypeable values. #}
{% macro try_cast(expr, data_type) -%}
    {{ return(adapter.dispatch('try_cast', 'support_warehouse')(expr, data_type)) }}
{%- endmacro %}

{#
    Whole numbers: DuckDB's own cast rounds '4.5' to 5 and reads '1e3' or '0x10', which would let
    a fractional score or quantity through; only an optional sign, digits and all-zero decimals
    ('3.0', as spreadsheets export) type.
#}
{% macro default__try_cast(expr, data_type) -%}
    {%- if data_type | lower | trim in support_warehouse.integer_type_names() -%}
        try_cast(
            case
                when regexp_full_match(trim({{ expr }}), '[+-]?[0-9]+([.]0*)?')
                    then regexp_replace(trim({{ expr }}), '[.]0*$', '')
            end as {{ data_type }}
        )
    {%- else -%}
        try_cast({{ expr }} as {{ data_type }})
    {%- endif -%}
{%- endmacro %}

{#
    Spark's try_cast accepts text DuckDB rejects ('2024' as a date, '1.5d' as a double, '0x1p3')
    and rejects some DuckDB accepts ('2024/01/31'); each type is first held to DuckDB's shapes.
    Whole numbers follow default__: optional sign, digits, optional all-zero decimals.
#}
{% macro spark__try_cast(expr, data_type) -%}
    {%- set t = data_type | lower | trim -%}
    {%- if t in support_warehouse.integer_type_names() -%}
        try_cast(
            case
                when trim({{ expr }}) rlike '^[+-]?[0-9]+([.]0*)?$'
                    then regexp_replace(trim({{ expr }}), '[.]0*$', '')
            end as {{ data_type }}
        )
    {%- elif t in ('double', 'float', 'real', 'double precision', 'float8', 'float4') -%}
        case
            when lower(trim({{ expr }})) in ('nan', '+nan', '-nan') then cast('NaN' as {{ data_type }})
            when lower(trim({{ expr }})) rlike '^[+-]?(([0-9]+[.]?[0-9]*|[.][0-9]+)(e[+-]?[0-9]+)?|inf|infinity)$'
                then try_cast(trim({{ expr }}) as {{ data_type }})
        end
    {%- elif t == 'date' -%}
        try_cast(
            case
                when trim({{ expr }}) rlike {{ support_warehouse.spark_iso_timestamp_pattern() }}
                    then regexp_replace(
                        regexp_extract(trim({{ expr }}), '^[0-9]{4}[-/][0-9]{1,2}[-/][0-9]{1,2}', 0), '/', '-'
                    )
            end as date
        )
    {%- elif t == 'timestamp' -%}
        {{ support_warehouse.spark__parse_timestamp_utc(expr) }}
    {%- else -%}
        try_cast({{ expr }} as {{ data_type }})
    {%- endif -%}
{%- endmacro %}

{% macro integer_type_names() -%}
    {{ return(['int', 'integer', 'bigint', 'smallint', 'tinyint', 'int2', 'int4', 'int8', 'long', 'short', 'byte']) }}
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

{#
    Keyed one-way hash for PII (hashed at the source layer, never in clear downstream):
    HMAC-SHA256 (RFC 2104) of lower(trim(x)) with a secret key, as lowercase hex, so a dictionary
    of names or email patterns cannot reverse it without the key (DECISIONS.md "Keyed PII
    hashes": where the key lives, rotation). Neither engine has an HMAC function: both compute
    sha256(outer_pad || sha256(inner_pad || message)) from the padded keys
    (support_warehouse.config.pii_hmac_pads).
#}
{% macro hash_pii(expr) -%}
    {{ return(adapter.dispatch('hash_pii', 'support_warehouse')(expr)) }}
{%- endmacro %}

{# DuckDB: the padded keys are session variables set by the dbt-duckdb plugin (profiles.yml), so
   the key is in no SQL text; error() when they are missing (a base_ view read outside dbt). #}
{% macro default__hash_pii(expr) -%}
    case when {{ expr }} is not null then sha256(
        unhex(coalesce(cast(getvariable('sw_pii_hmac_outer') as varchar), error('PII hash key not set (dbt-duckdb plugin support_warehouse.dbt_duckdb_pii)')))
        || unhex(sha256(
            unhex(coalesce(cast(getvariable('sw_pii_hmac_inner') as varchar), error('PII hash key not set (dbt-duckdb plugin support_warehouse.dbt_duckdb_pii)')))
            || encode(lower(trim({{ expr }})))
        ))
    ) end
{%- endmacro %}

{# Spark has no session variables dbt can set: the padded keys come from the environment
   (SW_PII_HMAC_PADS, set by support_warehouse.dbt_runner) and are rendered into the SQL. #}
{% macro spark__hash_pii(expr) -%}
    {%- set pads = env_var('SW_PII_HMAC_PADS', '') -%}
    {%- if execute and ':' not in pads -%}
        {{ exceptions.raise_compiler_error("SW_PII_HMAC_PADS is not set: run dbt through support_warehouse.dbt_runner") }}
    {%- endif -%}
    {%- set inner, outer = (pads ~ ':').split(':')[:2] -%}
    case when {{ expr }} is not null then sha2(
        concat(unhex('{{ outer }}'), unhex(sha2(concat(unhex('{{ inner }}'), encode(lower(trim({{ expr }})), 'UTF-8')), 256))),
        256
    ) end
{%- endmacro %}
