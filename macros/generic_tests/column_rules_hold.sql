{#
    column_rules_hold(model, not_null=[], unique=[], unique_combinations=[], accepted_values={},
                      ranges={}, conditions=[])

    One model-level data test for a model's column rules, checked in one scan (plus one group by
    per unique combination). Each dbt test node costs ~35 ms of dbt overhead whatever its query,
    so a model's not-null, unique, unique-combination, accepted-values, range and row-condition
    rules run as one node instead of one node each (and a view is computed once for all of them
    but the combinations). A failure still names the rule: the test returns one row per broken
    rule (column_name, rule_name, failing_rows), and its failure count is the sum of failing_rows.

      not_null:         [column, ...]                 fails for rows where the column is null
      unique:           [column, ...]                 fails for every non-null value's repeats
                                                      (count - count distinct)
      unique_combinations:                            fails for every repeat of a combination of the
                        [[column, ...], ...]          columns' values, nulls included (a null equals
                                                      a null, as in a group by): the rows beyond the
                                                      first of each repeated combination
      accepted_values:  {column: [value, ...]}        fails for non-null values outside the list;
                                                      strings are quoted, numbers are not
      ranges:           {column: {min: x, max: y}}    fails for non-null values outside [min, max]
                                                      (either bound may be left out)
      conditions:       [{name, expression,           fails for rows where `expression` is false
                          column (optional),          (null counts as holding), among the rows
                          where (optional)}]          where `where` holds (all rows without one)

    Same pass/fail as one dbt not_null / unique / unique_combination_of_columns / accepted_values /
    expression_is_true test per rule (a repeated combination counts its extra rows, where
    unique_combination_of_columns counts the repeated combinations); portable SQL (DuckDB and
    Spark). An expression with a subquery (EXISTS) belongs in its own expression_is_true test:
    Spark allows subqueries in filters only, not in this aggregate.

    On a nightly incremental build a test may check only the rows the build replaced: dbt's
    `where` config in the model's YAML names them (macros/incremental/changes.sql).
#}
{% test column_rules_hold(model, not_null=[], unique=[], unique_combinations=[], accepted_values={}, ranges={}, conditions=[]) %}
{{ config(fail_calc='coalesce(sum(failing_rows), 0)') }}

{%- set rules = [] -%}
{%- for column in not_null -%}
    {%- do rules.append({'column': column, 'rule': 'not_null', 'fails': column ~ ' is null'}) -%}
{%- endfor -%}
{%- for column in unique -%}
    {%- do rules.append({'column': column, 'rule': 'unique', 'count': 'count(' ~ column ~ ') - count(distinct ' ~ column ~ ')'}) -%}
{%- endfor -%}
{%- for column, values in accepted_values.items() -%}
    {%- set literals = [] -%}
    {%- for value in values -%}
        {%- do literals.append(("'" ~ value | replace("'", "''") ~ "'") if value is string else (value | string)) -%}
    {%- endfor -%}
    {%- do rules.append({'column': column, 'rule': 'accepted_values', 'fails': column ~ ' not in (' ~ literals | join(', ') ~ ')'}) -%}
{%- endfor -%}
{%- for column, bounds in ranges.items() -%}
    {%- set outside = [] -%}
    {%- if bounds.get('min') is not none -%}{%- do outside.append(column ~ ' < ' ~ bounds['min']) -%}{%- endif -%}
    {%- if bounds.get('max') is not none -%}{%- do outside.append(column ~ ' > ' ~ bounds['max']) -%}{%- endif -%}
    {%- do rules.append({'column': column, 'rule': 'range', 'fails': '(' ~ (outside | join(' or ')) ~ ')'}) -%}
{%- endfor -%}
{%- for condition in conditions -%}
    {%- set fails = 'not (' ~ condition['expression'] ~ ')' -%}
    {%- if condition.get('where') -%}{%- set fails = '(' ~ condition['where'] ~ ') and ' ~ fails -%}{%- endif -%}
    {%- do rules.append({'column': condition.get('column'), 'rule': condition['name'], 'fails': fails}) -%}
{%- endfor -%}
{%- if rules | length + unique_combinations | length == 0 -%}
    {{ exceptions.raise_compiler_error('column_rules_hold on ' ~ model ~ ': no rules given') }}
{%- endif %}

with
{%- if rules %}

-- One scan: a failing-row count per rule (a null comparison is not a failure, as in dbt's tests).
counted as (
    select
        {%- for rule in rules %}
        {{ rule.get('count') if rule.get('count') else 'sum(case when ' ~ rule['fails'] ~ ' then 1 else 0 end)' }} as rule_{{ loop.index }}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ model }}
),
{%- endif %}
{%- for columns in unique_combinations %}

-- Repeats of a combination: a group by of its own (a count(distinct) of a struct of the columns
-- in the scan above measured ~25% more CPU and less parallel on DuckDB).
combination_{{ loop.index }} as (
    select coalesce(sum(occurrences - 1), 0) as failing_rows
    from (
        {{ support_warehouse.repeated_combinations(model, columns) | indent(8) }}
    ) as repeated
),
{%- endfor %}

-- One row per rule, named by column and rule.
rules as (
    {%- for rule in rules %}
    select
        {{ ("'" ~ rule['column'] ~ "'") if rule['column'] else 'cast(null as ' ~ dbt.type_string() ~ ')' }} as column_name,
        '{{ rule['rule'] }}' as rule_name,
        rule_{{ loop.index }} as failing_rows
    from counted
    {{- '\n    union all' if not loop.last or unique_combinations }}
    {%- endfor %}
    {%- for columns in unique_combinations %}
    select
        '{{ columns | join(', ') }}' as column_name,
        'unique_combination' as rule_name,
        failing_rows
    from combination_{{ loop.index }}
    {{- '\n    union all' if not loop.last }}
    {%- endfor %}
)

select *
from rules
where failing_rows > 0

{% endtest %}
