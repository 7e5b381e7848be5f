{% macro base_workforce__agent_shifts_sql(source_relation, single_versions=false) -%}
{{ contract_base_sql(source_relation, ['agent_id', 'shift_date'], columns=[
        ['agent_id', 'text'],
        ['shift_date', 'date'],
        ['scheduled_minutes', 'integer'],
        ['is_leave', 'boolean'],
    ], rules=[
        must_parse('scheduled_minutes', 'is_leave'),
        must_be_plausible('shift_date', days_after_load=var('plausible_schedule_days_after_load')),
        ['scheduled_minutes < 0', "'negative duration: scheduled_minutes below 0'"],
    ], expressions={'scheduled_minutes': 'coalesce(scheduled_minutes, 0)', 'is_leave': 'coalesce(is_leave, false)'}, single_versions=single_versions) }}
{%- endmacro %}
