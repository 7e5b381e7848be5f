{#
    Scoped data tests on a nightly incremental build (issue 8). A night replaces the rows of a
    few keys of each incremental model (its scope, macros/incremental/scoped_incremental.sql);
    when every other row already passed the model's column rules, only the replaced rows need
    checking. dbt's get_where_subquery (how a test's `where` config narrows the tested relation)
    is overridden to add "scope key in this run's scope" when all of these hold:
      - the test is a column_rules_hold with severity error, attached to an incremental model
        whose build changes only the rows of its scope (config sw_scoped_tests), or also rows its
        post-hooks rewrite that a condition names (sw_post_hook_rows, e.g. the current status
        intervals, whose duration runs to the as-of time): those rows are checked too. A
        post-hook that may change any row (fct_tickets' as_of_at) keeps every row tested;
      - each of its unique and unique-combination rules includes the scope key (a repeat then
        lies within one key, so within the scope or wholly outside it), or its unique rule is
        on a column the scope query keeps together (sw_scope_closed_columns: a reply's
        message_id, whose every ticket is scoped when the message changes);
      - the model was built incrementally in this very dbt invocation, and after its build
        before that all its error-severity tests passed, the same tests as now
        (meta.sw_test_state.tests_fingerprint: a rule added or changed since checks every row).
    A relationships test (severity error) of such a model is scoped the same way when its parent
    keeps every key it ever had (config sw_keys_kept, set on the staging layer: raw is append-only
    and a staged key keeps its latest good version, so an old row's parent cannot disappear).
    Anything else tests every row: a full build, `dbt test` on its own, a night after a failed,
    interrupted or test-less run (`dbt run`), a warn-severity test, relationships tests to other
    parents (a ticket can leave fct_tickets). A failed test marks its model for a whole test next
    time, so a bad row stays reported until it is fixed. Not noticed: an edit of the
    column_rules_hold macro itself; run `dbt test` (every row) after one.

    Bookkeeping (build database, schema meta, beside the watermarks):
      meta.sw_test_state     per model: invocation_id of its last build; tests_fingerprint, the
                             tests every row outside that build's scope has passed (null: none
                             known, e.g. after a full build); tested_clean, all its error-severity
                             tests passed after that build (the fingerprint then covers every row)
      meta.sw_scope__<model> the scope keys of the model's last incremental build
#}

{% macro sw_test_state_relation() -%}
    meta.sw_test_state
{%- endmacro %}

{# Where a model's last incremental build keeps its scope for the tests. #}
{% macro sw_kept_scope_relation(model_name) -%}
    meta.sw_scope__{{ model_name }}
{%- endmacro %}

{# The error-severity data tests attached to a model node. #}
{% macro sw_error_tests(node) -%}
    {%- set tests = [] -%}
    {%- for test in graph.nodes.values()
        if test.resource_type == 'test' and test.attached_node == node.unique_id
        and (test.config.severity or 'error') | lower == 'error' -%}
        {%- do tests.append(test) -%}
    {%- endfor -%}
    {{ return(tests) }}
{%- endmacro %}

{# on-run-start (from sw_create_incremental_state). #}
{% macro sw_create_test_state() -%}
    create table if not exists {{ support_warehouse.sw_test_state_relation() }} (
        model_name varchar not null,
        invocation_id varchar not null,
        tests_fingerprint varchar,
        tested_clean boolean not null
    )
{%- endmacro %}

{#
    Post-hook of an incremental model (from sw_record_watermark, after its rows committed): keep
    this build's scope for the tests, and which tests the rows outside it passed before (none
    after a full build).
#}
{% macro sw_record_test_scope() -%}
    {%- set state = support_warehouse.sw_test_state_relation() -%}
    {%- set kept = support_warehouse.sw_kept_scope_relation(this.identifier) -%}
    {%- set incremental = support_warehouse.sw_is_incremental() -%}
    {%- if incremental -%}
        create or replace table {{ kept }} as
        select scope_key from {{ support_warehouse.sw_scope_relation() }}
        {%- if config.get('sw_tail_column') %}
        union all
        select scope_key from {{ support_warehouse.sw_tail_relation() }}
        {%- endif %};
    {%- else -%}
        drop table if exists {{ kept }};
    {%- endif %}
    insert into {{ state }} (model_name, invocation_id, tests_fingerprint, tested_clean)
    select
        '{{ this.identifier }}',
        '{{ invocation_id }}',
        -- an aggregate: one row even for a model built the first time
        {{ 'max(case when tested_clean then tests_fingerprint end)' if incremental else 'max(cast(null as varchar))' }},
        false
    from {{ state }}
    where model_name = '{{ this.identifier }}';
    delete from {{ state }}
    where model_name = '{{ this.identifier }}' and invocation_id <> '{{ invocation_id }}'
{%- endmacro %}

{#
    dbt's hook for a test's `where` config (dispatched from the `dbt` namespace; the root
    project's version wins). Same as dbt's own plus the scope filter of sw_test_scope_filter().
#}
{% macro default__get_where_subquery(relation) -%}
    {%- set conditions = [] -%}
    {%- set where = config.get('where', '') -%}
    {%- if where -%}
        {%- do conditions.append('(' ~ where ~ ')') -%}
    {%- endif -%}
    {%- set scope = support_warehouse.sw_test_scope_filter() if execute else none -%}
    {%- if scope -%}
        {%- do conditions.append(scope) -%}
    {%- endif -%}
    {%- if conditions -%}
        {%- set filtered -%}
            (select * from {{ relation }} where {{ conditions | join(' and ') }}) dbt_subquery
        {%- endset -%}
        {%- do return(filtered) -%}
    {%- endif -%}
    {%- do return(relation) -%}
{%- endmacro %}

{# The filter keeping this run's scope of the tested model, or none (test every row). #}
{% macro sw_test_scope_filter() -%}
    {%- set test_metadata = model.get('test_metadata') or {} -%}
    {%- set test_name = test_metadata.get('name') -%}
    {%- if (config.get('severity') or 'error') | lower != 'error' -%}
        {{ return(none) }}
    {%- elif test_name == 'relationships' -%}
        {#- old rows still point at existing parents only if parent keys never disappear -#}
        {%- set parents = (model.get('depends_on') or {}).get('nodes', []) | reject('equalto', model.get('attached_node')) | list -%}
        {%- if parents | length != 1 or not (graph.nodes.get(parents[0]) or {}).get('config', {}).get('sw_keys_kept') -%}
            {{ return(none) }}
        {%- endif -%}
    {%- elif test_name != 'column_rules_hold' -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set parent = graph.nodes.get(model.get('attached_node') or '') -%}
    {%- if parent is none or parent.config.materialized != 'incremental' or not parent.config.get('sw_scoped_tests') -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set key = parent.config.get('sw_scope_key') -%}
    {%- set closed = [key] + (parent.config.get('sw_scope_closed_columns') or []) -%}
    {%- set kwargs = test_metadata.get('kwargs') or {} -%}
    {%- for column in kwargs.get('unique') or [] if column not in closed -%}
        {{ return(none) }}
    {%- endfor -%}
    {%- for columns in kwargs.get('unique_combinations') or [] if not (columns | select('in', closed) | list) -%}
        {{ return(none) }}
    {%- endfor -%}
    {%- set name = parent.alias or parent.name -%}
    {%- set state = run_query(
        "select count(*) from " ~ support_warehouse.sw_test_state_relation()
        ~ " where model_name = '" ~ name ~ "' and invocation_id = '" ~ invocation_id ~ "'"
        ~ " and tests_fingerprint = '" ~ support_warehouse.sw_tests_fingerprint(parent) ~ "'"
    ) -%}
    {%- if state.columns[0].values()[0] | int != 1 -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set in_scope = key ~ ' in (select scope_key from ' ~ support_warehouse.sw_kept_scope_relation(name) ~ ')' -%}
    {%- set rewritten = parent.config.get('sw_post_hook_rows') -%}
    {{ return('(' ~ in_scope ~ ' or (' ~ rewritten ~ '))' if rewritten else in_scope) }}
{%- endmacro %}

{# The model's error-severity data tests and their arguments, hashed. #}
{% macro sw_tests_fingerprint(node) -%}
    {%- set tests = [] -%}
    {%- for test in support_warehouse.sw_error_tests(node) -%}
        {%- do tests.append(test.unique_id ~ ' ' ~ tojson(test.test_metadata or {}, sort_keys=true) ~ ' ' ~ test.raw_code ~ ' ' ~ tojson(test.config.where)) -%}
    {%- endfor -%}
    {{ return(local_md5(tests | sort | join('\n'))) }}
{%- endmacro %}

{#
    on-run-end: models built in this run whose error-severity tests all ran and passed are
    tested clean (their next build may scope its tests); a model with a failed or erroring test,
    in any run, is not.
#}
{% macro sw_record_tested_models(results) -%}
    {{ return(adapter.dispatch('sw_record_tested_models', 'support_warehouse')(results)) }}
{%- endmacro %}

{% macro default__sw_record_tested_models(results) -%}
    {%- if not execute -%}
        {{ return('select 1') }}
    {%- endif -%}
    {%- set status_by_test = {} -%}
    {%- set built = [] -%}
    {%- for result in results -%}
        {%- if result.node.resource_type == 'test' -%}
            {%- do status_by_test.update({result.node.unique_id: result.status | string | lower}) -%}
        {%- elif result.node.resource_type == 'model' and (result.status | string | lower) == 'success' -%}
            {%- do built.append(result.node.unique_id) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set clean = [] -%}
    {%- set failed = [] -%}
    {%- for node in graph.nodes.values() if node.resource_type == 'model' and node.config.get('sw_scope_key') -%}
        {%- set statuses = [] -%}
        {%- for test in support_warehouse.sw_error_tests(node) -%}
            {%- do statuses.append(status_by_test.get(test.unique_id, 'not run')) -%}
        {%- endfor -%}
        {%- set name = "'" ~ (node.alias or node.name) ~ "'" -%}
        {%- if 'fail' in statuses or 'error' in statuses -%}
            {%- do failed.append(name) -%}
        {%- elif node.unique_id in built and statuses | reject('equalto', 'pass') | list | length == 0 -%}
            {%- do clean.append((name, support_warehouse.sw_tests_fingerprint(node))) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set state = support_warehouse.sw_test_state_relation() -%}
    {%- for name, fingerprint in clean %}
    update {{ state }} set tested_clean = true, tests_fingerprint = '{{ fingerprint }}'
    where invocation_id = '{{ invocation_id }}' and model_name = {{ name }};
    {%- endfor %}
    {%- if failed %}
    update {{ state }} set tested_clean = false
    where model_name in ({{ failed | join(', ') }});
    {%- endif %}
    select 1
{%- endmacro %}

{% macro spark__sw_record_tested_models(results) -%}
    select 1
{%- endmacro %}
