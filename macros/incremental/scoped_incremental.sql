{#
    Incremental models of the nightly refresh (issue 8): a night's cost follows that night's data.

    Pattern "scoped replace". Each incremental model names a scope key (a column of its output:
    ticket_id, message_id, customer_id, ...) and a scope query: the key values touched by rows
    loaded since the model's last successful build (its watermark). On an incremental run
      1. pre-hook: the scope query lands in a temp table, and every row of the model whose scope
         key is in it is deleted (also keys whose rows all disappear, e.g. a reply that became a
         bot message: a plain delete+insert on unique_key would keep those);
      2. the model's SQL recomputes every row of those keys from all their inputs (so late
         changes to an old ticket update its rows) and the rows are appended;
      3. post-hook: the watermark moves to the newest load of the raw layer, and the scope is kept
         for the tests (macros/incremental/scoped_tests.sql).
    Steps 1-2 are one transaction. The watermark is recorded after it commits: the state table is
    in the build database and a DuckDB transaction writes to one attached database only (marts
    are another file). Dying in between only leaves the old watermark: the next run recomputes
    the same keys again, with the same result. A full build (first run, --full-refresh, Spark) computes
    everything and records the watermark; both give identical tables.

    Watermarks live in meta.incremental_state (one row per model: loaded_through = max loaded_at
    of raw._loaded_files when the model last built), outside the compared/published schemas.
    Change signals downstream of staging: a staged row (stg_*, int_*_validated) carries the
    _loaded_at of its winning version, so "stg rows with _loaded_at > watermark" are exactly the
    keys whose latest version changed since the model last ran.

    Adapter-aware: the materialization and strategy come from sw_incremental_config() (dispatch).
    DuckDB: incremental, strategy append after the scoped delete. Spark (parquet tables, no
    row-level delete): a table rebuilt on every run; dbt-spark's append would duplicate changed
    rows, and insert_overwrite/merge need partitions or Delta/Iceberg/Hudi tables.

    Seeds and vars the facts read (SLA policies, business hours, holidays, escalation limits,
    channels, reporting_timezone) are not watched: after editing them run
    `support-warehouse refresh --full-refresh`. After changing a model's columns too
    (on_schema_change = 'fail' stops the night instead of leaving old rows without the column).
#}

{#
    config() arguments of an incremental model whose rows are replaced per `scope_key`.
    `post_hooks`: statements to run after the rows are in, before the watermark moves (e.g. to
    refresh a column every row derives from the data's as-of time).
    `post_hook_rows`: a condition on the model's rows true for every row the post-hooks may change
    (e.g. 'valid_to is null'); the night's scoped tests then check those rows too. Without it a
    model with post-hooks tests every row each night.
    `scope_closed_columns`: columns whose every value lies in one scope key's rows or, if it moves
    between keys, in keys a night scopes together (the scope query takes every version's key);
    unique rules on them may then be scoped (macros/incremental/scoped_tests.sql).
    `tail_column`: a date column for a second, partial tier (macro <model name>__tail()): keys
    outside the scope whose rows change only from some date on keep their older rows, so a night
    rewrites those keys' last days instead of their whole history (see sw_scope_begin).
#}
{% macro sw_incremental_config(scope_key, post_hooks=[], tail_column=none, post_hook_rows=none, scope_closed_columns=[]) -%}
    {{ return(adapter.dispatch('sw_incremental_config', 'support_warehouse')(
        scope_key, post_hooks, tail_column, post_hook_rows, scope_closed_columns
    )) }}
{%- endmacro %}

{% macro default__sw_incremental_config(scope_key, post_hooks=[], tail_column=none, post_hook_rows=none, scope_closed_columns=[]) -%}
    {{ return({
        'materialized': 'incremental',
        'incremental_strategy': 'append',
        'on_schema_change': 'fail',
        'pre_hook': ["{{ support_warehouse.sw_scope_begin('" ~ scope_key ~ "') }}"],
        'post_hook': post_hooks + [{
            'sql': "{{ support_warehouse.sw_record_watermark() }}",
            'transaction': false,
        }],
        'sw_scope_key': scope_key,
        'sw_scoped_tests': post_hooks | length == 0 or post_hook_rows is not none,
        'sw_post_hook_rows': post_hook_rows if post_hooks else none,
        'sw_scope_closed_columns': scope_closed_columns,
        'sw_tail_column': tail_column,
    }) }}
{%- endmacro %}

{% macro spark__sw_incremental_config(scope_key, post_hooks=[], tail_column=none, post_hook_rows=none, scope_closed_columns=[]) -%}
    {{ return({'materialized': 'table', 'sw_scope_key': scope_key}) }}
{%- endmacro %}

{# is_incremental(), false in unit tests (no `this` there). #}
{% macro sw_is_incremental() -%}
    {{ return(this is not none and is_incremental()) }}
{%- endmacro %}

{#
    A model, seed or source relation looked up in the graph, without ref()/source(): scope
    queries run in hooks and read only ancestors of the model (already built in the same run),
    and must not add DAG edges (every unit test would then need fixtures for them).
#}
{% macro sw_relation(name, source_name=none) -%}
    {%- if not execute -%}
        {#- parsing (hooks are rendered then too): no graph yet, nothing is run -#}
        {{ return(api.Relation.create(identifier=name)) }}
    {%- endif -%}
    {%- if source_name is not none -%}
        {%- set node = graph.sources.get('source.' ~ project_name ~ '.' ~ source_name ~ '.' ~ name) -%}
        {%- if node is none -%}
            {{ exceptions.raise_compiler_error("sw_relation: no source " ~ source_name ~ "." ~ name) }}
        {%- endif -%}
        {{ return(api.Relation.create(database=node.database, schema=node.schema, identifier=node.identifier)) }}
    {%- endif -%}
    {%- for node in graph.nodes.values() -%}
        {%- if node.resource_type in ('model', 'seed') and node.name == name and node.package_name == project_name -%}
            {{ return(api.Relation.create(database=node.database, schema=node.schema, identifier=node.alias)) }}
        {%- endif -%}
    {%- endfor -%}
    {{ exceptions.raise_compiler_error("sw_relation: no model or seed " ~ name) }}
{%- endmacro %}

{# The state table (created by on-run-start on engines that run incrementally). #}
{% macro sw_state_relation() -%}
    meta.incremental_state
{%- endmacro %}

{% macro sw_create_incremental_state() -%}
    {{ return(adapter.dispatch('sw_create_incremental_state', 'support_warehouse')()) }}
{%- endmacro %}

{% macro default__sw_create_incremental_state() -%}
    create schema if not exists meta;
    create table if not exists {{ support_warehouse.sw_state_relation() }} (
        model_name varchar not null,
        loaded_through timestamp,
        built_at timestamp
    );
    {{ support_warehouse.sw_create_test_state() }}
{%- endmacro %}

{% macro spark__sw_create_incremental_state() -%}
    select 1
{%- endmacro %}

{# This model's watermark: raw rows loaded after it are new to the model. #}
{% macro sw_since() -%}
    (
        select coalesce(max(loaded_through), cast('1900-01-01' as timestamp))
        from {{ support_warehouse.sw_state_relation() }}
        where model_name = '{{ this.identifier }}'
    )
{%- endmacro %}

{#
    `sql` with every sw_since() subquery replaced by the watermark's value, read once: a scan
    filtered on a constant skips the row groups of older loads (raw and staged tables grow in
    load order), while a filter on a subquery reads every row.
#}
{% macro sw_inline_since(sql) -%}
    {{ return(sql | replace(support_warehouse.sw_since(), support_warehouse.sw_since_value())) }}
{%- endmacro %}

{# The watermark as a timestamp literal (the subquery while parsing). #}
{% macro sw_since_value() -%}
    {%- set since = support_warehouse.sw_since() -%}
    {%- if not execute -%}
        {{ return(since) }}
    {%- endif -%}
    {%- set value = run_query('select cast(' ~ since ~ ' as ' ~ dbt.type_string() ~ ')').columns[0].values()[0] -%}
    {{ return("cast('" ~ value ~ "' as timestamp)") }}
{%- endmacro %}

{# Temp table holding this run's scope (column scope_key). #}
{% macro sw_scope_relation() -%}
    sw_scope__{{ this.identifier }}
{%- endmacro %}

{# Temp table holding the rows the scope replaces, as they were (config sw_keep_replaced). #}
{% macro sw_replaced_relation() -%}
    sw_replaced__{{ this.identifier }}
{%- endmacro %}

{# Temp table holding this run's tail tier (columns scope_key, tail_from). #}
{% macro sw_tail_relation() -%}
    sw_tail__{{ this.identifier }}
{%- endmacro %}

{#
    Pre-hook: materialize the model's scope (macro <model name>__scope()) and delete the model's
    rows in it. Nothing on a full build.
    With a tail column (sw_incremental_config tail_column): macro <model name>__tail() selects
    (scope_key, tail_from), the keys outside the scope whose rows from tail_from on (one date for
    all) must be recomputed; their rows from that date on are deleted too, older rows stay. The
    tail is read before anything is deleted: it may look at the model's own rows.
#}
{% macro sw_scope_begin(scope_key) -%}
    {%- if support_warehouse.sw_is_incremental() -%}
        {%- set tail_column = config.get('sw_tail_column') -%}
        create or replace temp table {{ support_warehouse.sw_scope_relation() }} as
        select distinct scope_key from ({{ support_warehouse.sw_scope_sql() }}) as scope_rows (scope_key)
        where scope_key is not null;
        {%- if tail_column %}
        create or replace temp table {{ support_warehouse.sw_tail_relation() }} as
        select distinct scope_key, tail_from
        from ({{ support_warehouse.sw_scope_sql('__tail') }}) as tail_rows (scope_key, tail_from)
        where
            scope_key is not null
            and scope_key not in (select scope_key from {{ support_warehouse.sw_scope_relation() }});
        delete from {{ this }}
        where
            {{ scope_key }} in (select scope_key from {{ support_warehouse.sw_tail_relation() }})
            and {{ tail_column }} >= (select max(tail_from) from {{ support_warehouse.sw_tail_relation() }});
        {%- endif %}
        {%- if config.get('sw_keep_replaced') %}
        create or replace temp table {{ support_warehouse.sw_replaced_relation() }} as
        select * from {{ this }}
        where {{ scope_key }} in (select scope_key from {{ support_warehouse.sw_scope_relation() }});
        {%- endif %}
        delete from {{ this }}
        where {{ scope_key }} in (select scope_key from {{ support_warehouse.sw_scope_relation() }})
    {%- else -%}
        select 1
    {%- endif -%}
{%- endmacro %}

{# The scope query of this model: macro <model name>__scope() (macros/incremental/scopes.sql), or __tail(). #}
{% macro sw_scope_sql(suffix='__scope') -%}
    {%- set name = this.identifier ~ suffix -%}
    {%- if name not in support_warehouse -%}
        {{ exceptions.raise_compiler_error("incremental model " ~ this.identifier ~ " has no macro " ~ name ~ "()") }}
    {%- endif -%}
    {{ support_warehouse.sw_inline_since(support_warehouse[name]()) }}
{%- endmacro %}

{# In the model's SQL: keep rows of this run's scope (true on a full build). #}
{% macro sw_in_scope(expr) -%}
    {%- if support_warehouse.sw_is_incremental() -%}
        {{ expr }} in (select scope_key from {{ support_warehouse.sw_scope_relation() }})
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}

{#
    In the model's SQL: this run's tail tier as rows (scope_key, tail_from), to join on the key
    and compute those keys' rows from tail_from on only; no rows on a full build.
#}
{% macro sw_tail_rows() -%}
    {%- if support_warehouse.sw_is_incremental() and config.get('sw_tail_column') -%}
        select scope_key, tail_from from {{ support_warehouse.sw_tail_relation() }}
    {%- else -%}
        select
            cast(null as {{ dbt.type_string() }}) as scope_key,
            cast(null as date) as tail_from
        where 1 = 0
    {%- endif -%}
{%- endmacro %}

{# Post-hook: the newest load this build has seen becomes the model's watermark. #}
{% macro sw_record_watermark() -%}
    {{ return(adapter.dispatch('sw_record_watermark', 'support_warehouse')()) }}
{%- endmacro %}

{% macro default__sw_record_watermark() -%}
    delete from {{ support_warehouse.sw_state_relation() }} where model_name = '{{ this.identifier }}';
    insert into {{ support_warehouse.sw_state_relation() }} (model_name, loaded_through, built_at)
    select '{{ this.identifier }}', max(loaded_at), current_timestamp
    from {{ support_warehouse.sw_relation('_loaded_files', 'loader') }};
    {{ support_warehouse.sw_record_test_scope() }}
{%- endmacro %}

{% macro spark__sw_record_watermark() -%}
    select 1
{%- endmacro %}

{#
    Scope building blocks. Each returns a select of one column `scope_key`.
#}

{# Keys of a staged relation whose winning version was loaded since the watermark. #}
{% macro sw_changed_keys(relation, key_column) -%}
    select {{ key_column }} as scope_key
    from {{ relation }}
    where _loaded_at > {{ support_warehouse.sw_since() }}
{%- endmacro %}
