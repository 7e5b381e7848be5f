{#
    THE aggregation of the metric marts: sums metric rows over periods x dimensions.

    rows                metric rows: metric_id, numerator, denominator, the dimension columns
                        (metric_dimension_columns) and a date column - or, when
                        `catalog_dimensions` is none, rows already cut (dimension, dimension_value)
    catalog_dimensions  relation of (metric_id, dimension): each row is repeated once per
                        dimension its metric is cut by; none = rows are already cut
    grains              list of grains ('day', 'week', 'month', 'quarter', 'year') the rows are
                        rolled up to from `date_column`; none = rows already carry period_grain
                        and period_start

    Output: metric_id, period_grain, period_start, dimension, dimension_value, numerator,
    denominator (sums; null for counts). Sums are additive, so the same macro
    rolls events up to days and days up to weeks and months.
#}
{% macro aggregate_metric_observations(
    rows,
    catalog_dimensions=none,
    grains=none,
    date_column='observation_date'
) -%}
select
    metric_id,
    period_grain,
    period_start,
    dimension,
    dimension_value,
    sum(numerator) as numerator,
    sum(denominator) as denominator
from (
    select
        metric_rows.metric_id,
        {%- if grains is none %}
        metric_rows.period_grain,
        metric_rows.period_start,
        {%- else %}
        metric_grains.period_grain,
        {{ support_warehouse.metric_period_start_case('metric_grains.period_grain', 'metric_rows.' ~ date_column, grains) }}
            as period_start,
        {%- endif %}
        {%- if catalog_dimensions is none %}
        metric_rows.dimension,
        metric_rows.dimension_value,
        {%- else %}
        metric_cuts.dimension,
        {{ support_warehouse.metric_dimension_value('metric_cuts.dimension', 'metric_rows') }} as dimension_value,
        {%- endif %}
        metric_rows.numerator,
        metric_rows.denominator
    from {{ rows }} as metric_rows
    {%- if catalog_dimensions is not none %}
    inner join {{ catalog_dimensions }} as metric_cuts
        on metric_rows.metric_id = metric_cuts.metric_id
    {%- endif %}
    {%- if grains is not none %}
    cross join {{ support_warehouse.metric_grains_relation(grains) }} as metric_grains
    {%- endif %}
) as cut_rows
group by
    metric_id,
    period_grain,
    period_start,
    dimension,
    dimension_value
{%- endmacro %}

{#
    Percentile path: continuous percentiles (percentile_cont) of `measure_column` per metric,
    period and dimension value. Percentiles do not add up, so every grain ranks the raw values.
    `fractions` are the percentiles computed (columns percentile_50, percentile_90, ...), from
    one ranking of the values where the engine can (percentile_cont_of).
    Output: metric_id (of the measured rows), period_grain, period_start, dimension,
    dimension_value, one percentile_<nn> column per fraction, observation_count.

    `parts` selects the (dimension, grain) pairs computed (metric_percentile_parts); none = all.
    `periods` (a relation with column period_start, or none = all): only the periods starting on
    one of its days, of each part's grain. `built` (a relation of such output rows, or none): a
    part with no row there yet is computed for every period (the statement after the one that
    created the table, which cannot tell a first build from a night).

    One narrow aggregate per dimension and grain (union all), over the rows of the metrics cut by
    that dimension: an ordered-set aggregate holds every value of its groups in memory and its
    state cannot spill, so one aggregate over rows x dimensions x grains outgrows memory_limit.
    Branches of one statement do not free memory in turn either (DuckDB finishes every branch's
    aggregate before the union is read), so int_metric_periods__percentiles runs one part per
    statement. A window-ranking formulation was tried and is 7x slower at a million tickets.
#}
{% macro aggregate_metric_percentiles(
    rows,
    catalog_dimensions,
    grains,
    fractions=[0.5, 0.9],
    measure_column='measure_value',
    date_column='observation_date',
    parts=none,
    periods=none,
    built=none
) -%}
    {%- set parts = support_warehouse.metric_percentile_parts(grains) if parts is none else parts -%}
    {%- for dimension, grain in parts %}
    {%- set dimension_expr = "'all'" if dimension == 'all' else
        'coalesce(metric_rows.' ~ support_warehouse.metric_dimensions()[dimension] ~ ', '
        ~ support_warehouse.metric_missing_label(dimension) ~ ')' %}
select
    metric_id,
    '{{ grain }}' as period_grain,
    period_start,
    '{{ dimension }}' as dimension,
    dimension_value,
    {%- for fraction in fractions %}
    {{ support_warehouse.percentile_cont_of('measure_value', fractions, loop.index0) }} as {{ support_warehouse.metric_percentile_column(fraction) }},
    {%- endfor %}
    count(*) as observation_count
from (
    select
        metric_rows.metric_id,
        {{ support_warehouse.metric_period_start(grain, 'metric_rows.' ~ date_column) }} as period_start,
        {{ dimension_expr }} as dimension_value,
        metric_rows.{{ measure_column }} as measure_value
    from {{ rows }} as metric_rows
    where
        metric_rows.{{ measure_column }} is not null
        and metric_rows.metric_id in (
            select metric_cuts.metric_id from {{ catalog_dimensions }} as metric_cuts
            where metric_cuts.dimension = '{{ dimension }}'
        )
        {%- if periods is not none %}
        and (
            {{ support_warehouse.metric_period_start(grain, 'metric_rows.' ~ date_column) }} in (
                select changed_periods.period_start from {{ periods }} as changed_periods
            )
            {%- if built is not none %}
            or not exists (
                select 1 from {{ built }} as built_rows
                where built_rows.dimension = '{{ dimension }}' and built_rows.period_grain = '{{ grain }}'
            )
            {%- endif %}
        )
        {%- endif %}
) as cut_rows
group by
    metric_id,
    period_start,
    dimension_value
    {%- if not loop.last %}
union all
    {%- endif %}
    {%- endfor %}
{%- endmacro %}

{#
    The (dimension, grain) pairs of the percentile path: `dimensions` (default 'all' and every
    metric dimension) x grains.
#}
{% macro metric_percentile_parts(grains, dimensions=none) -%}
    {%- set dimensions = ['all'] + (support_warehouse.metric_dimensions().keys() | list)
        if dimensions is none else dimensions -%}
    {%- set parts = [] -%}
    {%- for dimension in dimensions -%}
        {%- for grain in grains -%}
            {%- do parts.append([dimension, grain]) -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(parts) }}
{%- endmacro %}

{# Column name holding a percentile: 0.5 -> percentile_50, 0.9 -> percentile_90. #}
{% macro metric_percentile_column(fraction) -%}
    percentile_{{ (fraction * 100) | round | int }}
{%- endmacro %}

{#
    Value of a scorecard row from its sums, by the catalog's value_type:
    count -> numerator; percentage -> 100 x numerator / denominator; ratio (means, per-agent
    rates) -> numerator / denominator; percentile -> the percentile itself. The ratios go through
    metric_ratio (macros/metrics/metric_helpers.sql), the one re-aggregation formula of the
    project; a zero denominator gives null (undefined), never an error.
#}
{% macro metric_value(value_type, numerator, denominator, percentile_value) -%}
    case {{ value_type }}
        when 'count' then cast({{ numerator }} as double)
        when 'percentage' then {{ support_warehouse.metric_ratio(numerator, denominator, 100) }}
        when 'ratio' then {{ support_warehouse.metric_ratio(numerator, denominator) }}
        when 'percentile' then cast({{ percentile_value }} as double)
    end
{%- endmacro %}

{#
    Whether a value meets its target (seed metric_targets): at_least -> value >= target_value,
    at_most -> value <= target_value, between -> target_min <= value <= target_max. Null when
    the metric has no target or the value is null.
#}
{% macro metric_meets_target(value, direction, target_value, target_min, target_max) -%}
    case
        when {{ value }} is null then null
        when {{ direction }} = 'at_least' then {{ value }} >= {{ target_value }}
        when {{ direction }} = 'at_most' then {{ value }} <= {{ target_value }}
        when {{ direction }} = 'between' then {{ value }} between {{ target_min }} and {{ target_max }}
    end
{%- endmacro %}
