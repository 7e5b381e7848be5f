{#
    Metric observations: one scan of a fact becomes long metric rows
    (metric_id, observation_date, channel, agent_id, team, ticket_type, marketplace,
    customer_tier, numerator, denominator), pre-aggregated per date and combination of
    dimension attributes (a daily cube). Numerator and denominator are additive, so
    aggregate_metric_observations can cut and roll them up to any dimension and grain.

    source      CTE or relation to read (a fact)
    date        SQL date every metric of this cube is dated by (docs/metrics.md dating rules); rows
                where it is null are skipped
    metrics     list; each item is either a metric_id whose formula macros exist in
                macros/metrics/ (<metric_id>_numerator() and <metric_id>_denominator(), called
                with their defaults, i.e. the fact's column names), or a dict with
                    metric_id    scorecard metric
                    numerator    aggregate SQL expression (e.g. count(*))
                    denominator  aggregate SQL expression; omit for a count (null)
                    dimensions   per-metric overrides of `dimensions`
    dimensions  dimension column (see metric_dimensions) -> SQL expression on the source;
                columns not named are null (the dimension does not apply to this source)
    where       optional filter on the source rows
    keys        extra source columns grouped by and passed through after `denominator`
                (e.g. period_grain for rows that are already per period)

    Identical expressions (dimensions or aggregates) are grouped or computed once. Rows whose
    numerator and denominator are both zero or null are dropped (no data).
#}
{% macro metric_cube(source, date, metrics, dimensions={}, where=none, keys=[]) -%}
    {%- set columns = support_warehouse.metric_dimensions().values() | list -%}
    {%- set resolved = [] -%}
    {%- set group_exprs = [] -%}
    {%- set measure_exprs = [] -%}
    {%- for metric in metrics -%}
        {%- set spec = {'metric_id': metric} if metric is string else metric -%}
        {%- set metric_id = spec['metric_id'] -%}
        {%- if 'numerator' in spec -%}
            {%- set numerator = spec['numerator'] -%}
            {%- set denominator = spec.get('denominator', none) -%}
        {%- else -%}
            {%- if (metric_id ~ '_numerator') not in support_warehouse -%}
                {{ exceptions.raise_compiler_error(
                    "metric_cube: no macro " ~ metric_id ~ "_numerator in macros/metrics/; pass numerator/denominator"
                ) }}
            {%- endif -%}
            {%- set numerator = support_warehouse[metric_id ~ '_numerator']() -%}
            {%- set denominator = support_warehouse[metric_id ~ '_denominator']()
                if (metric_id ~ '_denominator') in support_warehouse else none -%}
        {%- endif -%}
        {%- set dims = {} -%}
        {%- do dims.update(dimensions) -%}
        {%- do dims.update(spec.get('dimensions', {})) -%}
        {%- set dim_refs = {} -%}
        {%- for column in columns -%}
            {%- if dims.get(column) is not none -%}
                {%- if dims[column] not in group_exprs -%}
                    {%- do group_exprs.append(dims[column]) -%}
                {%- endif -%}
                {%- do dim_refs.update({column: 'cube_cells.dimension_' ~ group_exprs.index(dims[column])}) -%}
            {%- else -%}
                {%- do dim_refs.update({column: 'null'}) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- set measure_refs = {} -%}
        {%- for part, expr in [('numerator', numerator), ('denominator', denominator)] -%}
            {%- if expr is none -%}
                {%- do measure_refs.update({part: 'null'}) -%}
            {%- else -%}
                {%- if expr not in measure_exprs -%}
                    {%- do measure_exprs.append(expr) -%}
                {%- endif -%}
                {%- do measure_refs.update({part: 'cube_cells.measure_' ~ measure_exprs.index(expr)}) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- do resolved.append({
            'metric_id': metric_id,
            'numerator': measure_refs['numerator'],
            'denominator': measure_refs['denominator'],
            'dim_refs': dim_refs,
        }) -%}
    {%- endfor -%}
select
    metric_id,
    observation_date,
    {%- for column in columns %}
    {{ column }},
    {%- endfor %}
    numerator,
    denominator
    {%- for key in keys %},
    {{ key }}
    {%- endfor %}
from (
    select
        metric_list.metric_id,
        cube_cells.observation_date,
        {%- for key in keys %}
        cube_cells.{{ key }},
        {%- endfor %}
        {%- for column in columns %}
        {%- set refs = [] -%}
        {%- for metric in resolved -%}
            {%- do refs.append(metric['dim_refs'][column]) -%}
        {%- endfor %}
        cast({{ support_warehouse._metric_case_by_id(resolved, refs) }} as {{ dbt.type_string() }}) as {{ column }},
        {%- endfor %}
        {%- for part in ['numerator', 'denominator'] %}
        {%- set refs = [] -%}
        {%- for metric in resolved -%}
            {%- do refs.append(metric[part]) -%}
        {%- endfor %}
        cast({{ support_warehouse._metric_case_by_id(resolved, refs) }} as double) as {{ part }}
        {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from (
        select
            cast({{ date }} as date) as observation_date,
            {%- for key in keys %}
            {{ key }},
            {%- endfor %}
            {%- for expr in group_exprs %}
            {{ expr }} as dimension_{{ loop.index0 }},
            {%- endfor %}
            {%- for expr in measure_exprs %}
            {{ expr }} as measure_{{ loop.index0 }}
            {%- if not loop.last %},{% endif %}
            {%- endfor %}
        from {{ source }}
        where
            {{ date }} is not null
            {%- if where %}
            and ({{ where }})
            {%- endif %}
        group by
            cast({{ date }} as date)
            {%- for key in keys %},
            {{ key }}
            {%- endfor %}
            {%- for expr in group_exprs %},
            {{ expr }}
            {%- endfor %}
    ) as cube_cells
    cross join (
        {%- for metric in resolved %}
        select '{{ metric['metric_id'] }}' as metric_id
        {%- if not loop.last %}
        union all
        {%- endif %}
        {%- endfor %}
    ) as metric_list
) as metric_cells
where
    coalesce(numerator, 0) <> 0
    or coalesce(denominator, 0) <> 0
{%- endmacro %}

{#
    Raw measured values for the percentile path (percentiles need every value, not sums): one row
    per source row and measure, from one scan cross joined with the list of measures.
    `measures` is a list of dicts: metric_id (the _mean metric whose values are ranked; the
    catalog's _median/_p90 rows name it in `derived_from`), date, measure (SQL value).
    Output: metric_id, observation_date, the dimension columns, measure_value.
#}
{% macro metric_measures(source, measures, dimensions={}) -%}
    {%- set columns = support_warehouse.metric_dimensions().values() | list -%}
select
    {{ support_warehouse._metric_case_by_kind(measures, 'metric_id', quote=true) }} as metric_id,
    cast({{ support_warehouse._metric_case_by_kind(measures, 'date') }} as date) as observation_date,
    {%- for column in columns %}
    cast({{ dimensions.get(column, 'null') }} as {{ dbt.type_string() }}) as {{ column }},
    {%- endfor %}
    cast({{ support_warehouse._metric_case_by_kind(measures, 'measure') }} as double) as measure_value
from {{ source }} as measured
cross join (
    {%- for measure in measures %}
    select {{ loop.index }} as measure_kind
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
) as measure_kinds
where
    {%- for measure in measures %}
    {% if not loop.first %}or {% endif %}(
        measure_kinds.measure_kind = {{ loop.index }}
        and {{ measure['date'] }} is not null
        and {{ measure['measure'] }} is not null
    )
    {%- endfor %}
{%- endmacro %}

{# Internal: `case metric_list.metric_id` choosing refs[i] for metric i (plain when all agree). #}
{% macro _metric_case_by_id(resolved, refs) -%}
    {%- if refs | unique | list | length == 1 -%}
        {{ refs[0] }}
    {%- else -%}
        case metric_list.metric_id
            {%- for metric in resolved %}
            when '{{ metric['metric_id'] }}' then {{ refs[loop.index0] }}
            {%- endfor %}
        end
    {%- endif -%}
{%- endmacro %}

{# Internal: `case measure_kinds.measure_kind` over one field of the measure dicts. #}
{% macro _metric_case_by_kind(measures, field, quote=false) -%}
    {%- set exprs = [] -%}
    {%- for measure in measures -%}
        {%- do exprs.append("'" ~ measure[field] ~ "'" if quote else measure[field]) -%}
    {%- endfor -%}
    {%- if exprs | unique | list | length == 1 -%}
        {{ exprs[0] }}
    {%- else -%}
        case measure_kinds.measure_kind
            {%- for expr in exprs %}
            when {{ loop.index }} then {{ expr }}
            {%- endfor %}
        end
    {%- endif -%}
{%- endmacro %}
