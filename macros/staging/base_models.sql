{#
    Bodies of the base_<source>__<entity> models (typing + reject rules), as macros over any
    relation with the raw columns: the base views call them on their source; the incremental
    stg_* tables call them on the raw rows of the keys a night touched (macros/incremental/),
    so a night types and ranks only those keys. One macro per base model, same name + _sql.
#}

{% macro base_commerce__orders_sql(source_relation) -%}
with

source as (
    select * from {{ source_relation }}
),

typed as (
    select
        {{ clean_text('order_id') }} as order_id,
        {{ clean_text('customer_id') }} as customer_id,
        {{ parse_timestamp_utc('ordered_at') }} as ordered_at,
        {{ clean_text('product_id') }} as product_id,
        {{ try_cast(clean_text('quantity'), dbt.type_int()) }} as quantity,
        {{ try_cast(clean_text('amount'), 'double') }} as amount,
        {{ clean_code('status') }} as order_status,
        {{ parse_boolean('shipped_on_time') }} as is_shipped_on_time,
        {{ parse_boolean('has_a_to_z_claim') }} as has_a_to_z_claim,
        {{ parse_boolean('has_chargeback') }} as has_chargeback,
        ordered_at as ordered_at_text,
        quantity as quantity_text,
        amount as amount_text,
        shipped_on_time as shipped_on_time_text,
        has_a_to_z_claim as has_a_to_z_claim_text,
        has_chargeback as has_chargeback_text,
        {{ lineage_columns() }}
    from source
),

{{ check_rows('typed', ['order_id'],
    ['customer_id', 'ordered_at', 'product_id', 'quantity', 'amount', 'order_status', 'is_shipped_on_time',
        'has_a_to_z_claim', 'has_chargeback'],
    [
        ['ordered_at is null', reason_with_value('ordered_at is missing or not an ISO-8601 timestamp', 'ordered_at_text')],
        implausible_timestamp_rule('ordered_at'),
        [untyped('quantity', 'quantity_text'), reason_with_value('quantity is not a whole number', 'quantity_text')],
        [untyped('amount', 'amount_text'), reason_with_value('amount is not a number', 'amount_text')],
        [untyped('is_shipped_on_time', 'shipped_on_time_text'), reason_with_value('shipped_on_time is not a boolean', 'shipped_on_time_text')],
        [untyped('has_a_to_z_claim', 'has_a_to_z_claim_text'), reason_with_value('has_a_to_z_claim is not a boolean', 'has_a_to_z_claim_text')],
        [untyped('has_chargeback', 'has_chargeback_text'), reason_with_value('has_chargeback is not a boolean', 'has_chargeback_text')],
        ['quantity < 0 or amount < 0', "'negative quantity or amount'"],
        [not_accepted('order_status', 'order_status'), reason_with_value('unknown order status', 'order_status')],
        ['customer_id is null', "'customer_id is missing'"],
    ]) }},

final as (
    select
        order_id,
        customer_id,
        ordered_at,
        product_id,
        quantity,
        amount,
        order_status,
        is_shipped_on_time,
        has_a_to_z_claim,
        has_chargeback,
        reject_reason,
        offending_value,
        payload_hash,
        {{ lineage_columns() }}
    from checked
)

select * from final
{%- endmacro %}

{% macro base_commerce__products_sql(source_relation) -%}
with

source as (
    select * from {{ source_relation }}
),

typed as (
    select
        {{ clean_text('product_id') }} as product_id,
        {{ clean_text('name') }} as product_name,
        {{ clean_code('category') }} as category,
        {{ try_cast(clean_text('tier'), dbt.type_int()) }} as product_tier,
        {{ try_cast(clean_text('price'), 'double') }} as price,
        tier as tier_text,
        price as price_text,
        {{ lineage_columns() }}
    from source
),

{{ check_rows('typed', ['product_id'],
    ['product_name', 'category', 'product_tier', 'price'],
    [
        ['category is null', "'category is missing'"],
        ['product_tier is null or product_tier not between 1 and 3', reason_with_value('tier is not 1, 2 or 3', 'tier_text')],
        [untyped('price', 'price_text'), reason_with_value('price is not a number', 'price_text')],
        ['price < 0', "'negative price'"],
    ]) }},

final as (
    select
        product_id,
        product_name,
        category,
        product_tier,
        price,
        reject_reason,
        offending_value,
        payload_hash,
        {{ lineage_columns() }}
    from checked
)

select * from final
{%- endmacro %}

{% macro base_commerce__reviews_sql(source_relation) -%}
with

source as (
    select * from {{ source_relation }}
),

typed as (
    select
        {{ clean_text('review_id') }} as review_id,
        {{ clean_text('customer_id') }} as customer_id,
        {{ clean_text('order_id') }} as order_id,
        {{ clean_code('marketplace') }} as marketplace,
        {{ try_cast(clean_text('rating'), dbt.type_int()) }} as rating,
        {{ parse_timestamp_utc('created_at') }} as created_at,
        rating as rating_text,
        created_at as created_at_text,
        {{ lineage_columns() }}
    from source
),

{{ check_rows('typed', ['review_id'],
    ['customer_id', 'order_id', 'marketplace', 'rating', 'created_at'],
    [
        ['created_at is null', reason_with_value('created_at is missing or not an ISO-8601 timestamp', 'created_at_text')],
        implausible_timestamp_rule('created_at'),
        ['rating is null', reason_with_value('rating is missing or not a whole number', 'rating_text')],
        ['rating not between 1 and 5', reason_with_value('rating is outside 1-5', 'rating')],
        ['marketplace is null', "'marketplace is missing'"],
    ]) }},

final as (
    select
        review_id,
        customer_id,
        order_id,
        marketplace,
        rating,
        created_at,
        reject_reason,
        offending_value,
        payload_hash,
        {{ lineage_columns() }}
    from checked
)

select * from final
{%- endmacro %}

{% macro base_helpdesk__agents_sql(source_relation) -%}
with

source as (
    select * from {{ source_relation }}
),

typed as (
    select
        {{ clean_text('agent_id') }} as agent_id,
        {{ clean_text('name') }} as agent_name,
        {{ hash_pii('email') }} as email_hash,
        {{ clean_text('team') }} as team,
        {{ clean_text('timezone') }} as timezone,
        {{ parse_timestamp_utc('hired_at') }} as hired_at,
        {{ parse_timestamp_utc('left_at') }} as left_at,
        hired_at as hired_at_text,
        left_at as left_at_text,
        {{ lineage_columns() }}
    from source
),

{{ check_rows('typed', ['agent_id'],
    ['agent_name', 'email_hash', 'team', 'timezone', 'hired_at', 'left_at'],
    [
        [untyped('hired_at', 'hired_at_text'), reason_with_value('hired_at is not an ISO-8601 timestamp', 'hired_at_text')],
        [untyped('left_at', 'left_at_text'), reason_with_value('left_at is not an ISO-8601 timestamp', 'left_at_text')],
        implausible_timestamp_rule('hired_at'),
        implausible_timestamp_rule('left_at'),
        ['team is null', "'team is missing'"],
        ['left_at < hired_at', "'negative duration: left_at is before hired_at'"],
    ]) }},

final as (
    select
        agent_id,
        agent_name,
        email_hash,
        team,
        timezone,
        hired_at,
        left_at,
        reject_reason,
        offending_value,
        payload_hash,
        {{ lineage_columns() }}
    from checked
)

select * from final
{%- endmacro %}

{% macro base_helpdesk__customers_sql(source_relation) -%}
with

source as (
    select * from {{ source_relation }}
),

typed as (
    select
        {{ clean_text('customer_id') }} as customer_id,
        {{ hash_pii('name') }} as customer_name_hash,
        {{ hash_pii('email') }} as email_hash,
        {{ clean_code('tier') }} as customer_tier,
        upper({{ clean_text('country') }}) as country,
        {{ parse_timestamp_utc('created_at') }} as created_at,
        {{ parse_timestamp_utc('churned_at') }} as churned_at,
        created_at as created_at_text,
        churned_at as churned_at_text,
        {{ lineage_columns() }}
    from source
),

{{ check_rows('typed', ['customer_id'],
    ['customer_name_hash', 'email_hash', 'customer_tier', 'country', 'created_at', 'churned_at'],
    [
        ['created_at is null', reason_with_value('created_at is missing or not an ISO-8601 timestamp', 'created_at_text')],
        [untyped('churned_at', 'churned_at_text'), reason_with_value('churned_at is not an ISO-8601 timestamp', 'churned_at_text')],
        implausible_timestamp_rule('created_at'),
        implausible_timestamp_rule('churned_at'),
        [not_accepted('customer_tier', 'customer_tier'), reason_with_value('unknown tier', 'customer_tier')],
        ['churned_at < created_at', "'negative duration: churned_at is before created_at'"],
    ]) }},

final as (
    select
        customer_id,
        customer_name_hash,
        email_hash,
        customer_tier,
        country,
        created_at,
        churned_at,
        reject_reason,
        offending_value,
        payload_hash,
        {{ lineage_columns() }}
    from checked
)

select * from final
{%- endmacro %}

{% macro base_helpdesk__self_service_sessions_sql(source_relation) -%}
with

source as (
    select * from {{ source_relation }}
),

typed as (
    select
        {{ clean_text('session_id') }} as session_id,
        {{ clean_text('customer_id') }} as customer_id,
        {{ parse_timestamp_utc('started_at') }} as started_at,
        {{ clean_code('source') }} as session_source,
        {{ parse_boolean('resolved') }} as is_resolved,
        {{ clean_text('ticket_id') }} as ticket_id,
        started_at as started_at_text,
        resolved as resolved_text,
        {{ lineage_columns() }}
    from source
),

{{ check_rows('typed', ['session_id'],
    ['customer_id', 'started_at', 'session_source', 'is_resolved', 'ticket_id'],
    [
        ['started_at is null', reason_with_value('started_at is missing or not an ISO-8601 timestamp', 'started_at_text')],
        implausible_timestamp_rule('started_at'),
        [untyped('is_resolved', 'resolved_text'), reason_with_value('resolved is not a boolean', 'resolved_text')],
        [not_accepted('session_source', 'self_service_source'), reason_with_value('unknown source', 'session_source')],
    ]) }},

final as (
    select
        session_id,
        customer_id,
        started_at,
        session_source,
        coalesce(is_resolved, false) as is_resolved,
        ticket_id,
        ticket_id is not null as is_escalated,
        reject_reason,
        offending_value,
        payload_hash,
        {{ lineage_columns() }}
    from checked
)

select * from final
{%- endmacro %}

{% macro base_helpdesk__ticket_messages_sql(source_relation) -%}
with

source as (
    select * from {{ source_relation }}
),

typed as (
    select
        {{ clean_text('message_id') }} as message_id,
        {{ clean_text('ticket_id') }} as ticket_id,
        {{ clean_code('author_type') }} as author_type,
        {{ clean_text('author_id') }} as author_id,
        {{ parse_boolean('is_public') }} as is_public,
        {{ parse_timestamp_utc('created_at') }} as created_at,
        is_public as is_public_text,
        created_at as created_at_text,
        {{ lineage_columns() }}
    from source
),

{{ check_rows('typed', ['message_id'],
    ['ticket_id', 'author_type', 'author_id', 'is_public', 'created_at'],
    [
        ['ticket_id is null', "'ticket_id is missing'"],
        ['created_at is null', reason_with_value('created_at is missing or not an ISO-8601 timestamp', 'created_at_text')],
        implausible_timestamp_rule('created_at'),
        [untyped('is_public', 'is_public_text'), reason_with_value('is_public is not a boolean', 'is_public_text')],
        [not_accepted('author_type', 'author_type'), reason_with_value('unknown author_type', 'author_type')],
    ]) }},

final as (
    select
        message_id,
        ticket_id,
        author_type,
        author_id,
        coalesce(is_public, true) as is_public,
        created_at,
        -- Only public agent messages are responses; bots, system events and internal notes are not (docs/metrics.md).
        author_type = 'agent' and coalesce(is_public, true) as is_agent_reply,
        author_type = 'customer' and coalesce(is_public, true) as is_customer_message,
        reject_reason,
        offending_value,
        payload_hash,
        {{ lineage_columns() }}
    from checked
)

select * from final
{%- endmacro %}

{% macro base_helpdesk__ticket_status_changes_sql(source_relation) -%}
with

source as (
    select * from {{ source_relation }}
),

typed as (
    select
        {{ clean_text('ticket_id') }} as ticket_id,
        {{ parse_timestamp_utc('changed_at') }} as changed_at,
        {{ clean_code('status') }} as status,
        changed_at as changed_at_text,
        {{ lineage_columns() }}
    from source
),

{{ check_rows('typed', ['ticket_id', 'changed_at'],
    ['status'],
    [
        [not_accepted('status', 'ticket_status'), reason_with_value('unknown status', 'status')],
        implausible_timestamp_rule('changed_at'),
    ]) }},

final as (
    select
        ticket_id,
        changed_at,
        status,
        reject_reason,
        offending_value,
        payload_hash,
        {{ lineage_columns() }}
    from checked
)

select * from final
{%- endmacro %}

{# `channels_relation`: the channels seed; the base view refs it, incremental callers look it up. #}
{% macro base_helpdesk__tickets_sql(source_relation, channels_relation=none) -%}
with

source as (
    select * from {{ source_relation }}
),

channels as (
    select channel from {{ channels_relation if channels_relation is not none else ref('channels') }}
),

typed as (
    select
        {{ clean_text('source.ticket_id') }} as ticket_id,
        {{ clean_text('source.customer_id') }} as customer_id,
        {{ clean_code('source.channel') }} as channel,
        {{ clean_code('source.ticket_type') }} as ticket_type,
        {{ clean_code('source.priority') }} as priority,
        {{ clean_code('source.status') }} as status,
        {{ clean_text('source.assignee_id') }} as assignee_id,
        {{ parse_timestamp_utc('source.created_at') }} as created_at,
        {{ parse_timestamp_utc('source.updated_at') }} as updated_at,
        source.created_at as created_at_text,
        source.updated_at as updated_at_text,
        channels.channel is not null as is_known_channel,
        source._source_file,
        source._source_line,
        source._loaded_at,
        source._load_id
    from source
    left join channels
        on {{ clean_code('source.channel') }} = channels.channel
),

{{ check_rows('typed', ['ticket_id'],
    ['customer_id', 'channel', 'ticket_type', 'priority', 'status', 'assignee_id', 'created_at', 'updated_at'],
    [
        ['created_at is null', reason_with_value('created_at is missing or not an ISO-8601 timestamp', 'created_at_text')],
        [untyped('updated_at', 'updated_at_text'), reason_with_value('updated_at is not an ISO-8601 timestamp', 'updated_at_text')],
        implausible_timestamp_rule('created_at'),
        implausible_timestamp_rule('updated_at'),
        ['not is_known_channel', reason_with_value('unknown channel: not in the channels seed', 'channel')],
        [not_accepted('priority', 'ticket_priority'), reason_with_value('unknown priority', 'priority')],
        [not_accepted('status', 'ticket_status'), reason_with_value('unknown status', 'status')],
        ['updated_at < created_at', "'negative duration: updated_at is before created_at'"],
    ]) }},

final as (
    select
        ticket_id,
        customer_id,
        channel,
        ticket_type,
        priority,
        status,
        assignee_id,
        created_at,
        updated_at,
        reject_reason,
        offending_value,
        payload_hash,
        {{ lineage_columns() }}
    from checked
)

select * from final
{%- endmacro %}

{% macro base_surveys__survey_responses_sql(source_relation) -%}
with

source as (
    select * from {{ source_relation }}
),

typed as (
    select
        {{ clean_text('response_id') }} as response_id,
        {{ clean_code('survey_type') }} as survey_type,
        {{ clean_code('scale') }} as survey_scale,
        {{ clean_text('customer_id') }} as customer_id,
        {{ clean_text('ticket_id') }} as ticket_id,
        {{ clean_text('agent_id') }} as agent_id,
        {{ parse_timestamp_utc('sent_at') }} as sent_at,
        {{ parse_timestamp_utc('responded_at') }} as responded_at,
        {{ try_cast(clean_text('score'), dbt.type_int()) }} as score,
        -- Free text is PII: only whether there was a comment travels downstream.
        {{ clean_text('comment') }} is not null as has_comment,
        sent_at as sent_at_text,
        responded_at as responded_at_text,
        score as score_text,
        {{ lineage_columns() }}
    from source
),

{{ check_rows('typed', ['response_id'],
    ['survey_type', 'survey_scale', 'customer_id', 'ticket_id', 'agent_id', 'sent_at', 'responded_at', 'score', 'has_comment'],
    [
        [not_accepted('survey_type', 'survey_type'), reason_with_value('unknown survey_type', 'survey_type')],
        [not_accepted('survey_scale', 'survey_scale'), reason_with_value('unknown scale', 'survey_scale')],
        ["not ((survey_type = 'csat' and survey_scale in ('csat_5', 'csat_3', 'csat_2')) or (survey_type = 'nps' and survey_scale = 'nps_11') or (survey_type = 'ces' and survey_scale in ('ces_7', 'ces_10')))",
            "'scale ' || survey_scale || ' does not belong to survey_type ' || survey_type"],
        ['sent_at is null', reason_with_value('sent_at is missing or not an ISO-8601 timestamp', 'sent_at_text')],
        [untyped('responded_at', 'responded_at_text'), reason_with_value('responded_at is not an ISO-8601 timestamp', 'responded_at_text')],
        implausible_timestamp_rule('sent_at'),
        implausible_timestamp_rule('responded_at'),
        [untyped('score', 'score_text'), reason_with_value('score is not a whole number', 'score_text')],
        [survey_score_out_of_scale('score', 'survey_scale'), "'score ' || cast(score as " ~ dbt.type_string() ~ ") || ' is outside the ' || survey_scale || ' scale'"],
        ['responded_at < sent_at', "'negative duration: responded_at is before sent_at'"],
        ['score is not null and responded_at is null', "'score given without responded_at'"],
    ]) }},

final as (
    select
        response_id,
        survey_type,
        survey_scale,
        customer_id,
        ticket_id,
        agent_id,
        sent_at,
        responded_at,
        score,
        has_comment,
        responded_at is not null as is_responded,
        reject_reason,
        offending_value,
        payload_hash,
        {{ lineage_columns() }}
    from checked
)

select * from final
{%- endmacro %}

{% macro base_telephony__calls_sql(source_relation) -%}
with

source as (
    select * from {{ source_relation }}
),

typed as (
    select
        {{ clean_text('call_id') }} as call_id,
        {{ clean_text('customer_id') }} as customer_id,
        {{ clean_text('agent_id') }} as agent_id,
        {{ clean_text('ticket_id') }} as ticket_id,
        {{ parse_timestamp_utc('queued_at') }} as queued_at,
        {{ parse_timestamp_utc('answered_at') }} as answered_at,
        {{ parse_timestamp_utc('ended_at') }} as ended_at,
        {{ try_cast(clean_text('hold_seconds'), dbt.type_int()) }} as hold_seconds,
        {{ try_cast(clean_text('wrap_up_seconds'), dbt.type_int()) }} as wrap_up_seconds,
        queued_at as queued_at_text,
        answered_at as answered_at_text,
        ended_at as ended_at_text,
        hold_seconds as hold_seconds_text,
        wrap_up_seconds as wrap_up_seconds_text,
        {{ lineage_columns() }}
    from source
),

{#- The line is connected from answer to hang-up, hold included (docs/input_contract.md). #}
{{ check_rows('typed', ['call_id'],
    ['customer_id', 'agent_id', 'ticket_id', 'queued_at', 'answered_at', 'ended_at', 'hold_seconds', 'wrap_up_seconds'],
    [
        ['queued_at is null', reason_with_value('queued_at is missing or not an ISO-8601 timestamp', 'queued_at_text')],
        [untyped('answered_at', 'answered_at_text'), reason_with_value('answered_at is not an ISO-8601 timestamp', 'answered_at_text')],
        [untyped('ended_at', 'ended_at_text'), reason_with_value('ended_at is not an ISO-8601 timestamp', 'ended_at_text')],
        implausible_timestamp_rule('queued_at'),
        implausible_timestamp_rule('answered_at'),
        implausible_timestamp_rule('ended_at'),
        [untyped('hold_seconds', 'hold_seconds_text'), reason_with_value('hold_seconds is not a whole number', 'hold_seconds_text')],
        [untyped('wrap_up_seconds', 'wrap_up_seconds_text'), reason_with_value('wrap_up_seconds is not a whole number', 'wrap_up_seconds_text')],
        ['hold_seconds < 0 or wrap_up_seconds < 0', "'negative duration: hold_seconds or wrap_up_seconds below 0'"],
        ['answered_at < queued_at', "'negative duration: answered_at is before queued_at'"],
        ['ended_at < coalesce(answered_at, queued_at)', "'negative duration: ended_at is before the call was answered or queued'"],
        ['hold_seconds > ' ~ seconds_between('answered_at', 'ended_at'), "'hold_seconds longer than the call was connected (answered_at to ended_at)'"],
    ]) }},

final as (
    select
        call_id,
        customer_id,
        agent_id,
        ticket_id,
        queued_at,
        answered_at,
        ended_at,
        coalesce(hold_seconds, 0) as hold_seconds,
        coalesce(wrap_up_seconds, 0) as wrap_up_seconds,
        answered_at is not null as is_answered,
        reject_reason,
        offending_value,
        payload_hash,
        {{ lineage_columns() }}
    from checked
)

select * from final
{%- endmacro %}

{% macro base_workforce__agent_shifts_sql(source_relation) -%}
with

source as (
    select * from {{ source_relation }}
),

typed as (
    select
        {{ clean_text('agent_id') }} as agent_id,
        {{ try_cast(clean_text('shift_date'), 'date') }} as shift_date,
        {{ try_cast(clean_text('scheduled_minutes'), dbt.type_int()) }} as scheduled_minutes,
        {{ parse_boolean('is_leave') }} as is_leave,
        shift_date as shift_date_text,
        scheduled_minutes as scheduled_minutes_text,
        is_leave as is_leave_text,
        {{ lineage_columns() }}
    from source
),

{{ check_rows('typed', ['agent_id', 'shift_date'],
    ['scheduled_minutes', 'is_leave'],
    [
        [untyped('scheduled_minutes', 'scheduled_minutes_text'), reason_with_value('scheduled_minutes is not a whole number', 'scheduled_minutes_text')],
        [untyped('is_leave', 'is_leave_text'), reason_with_value('is_leave is not a boolean', 'is_leave_text')],
        implausible_timestamp_rule('shift_date', var('plausible_schedule_days_after_load')),
        ['scheduled_minutes < 0', "'negative duration: scheduled_minutes below 0'"],
    ]) }},

final as (
    select
        agent_id,
        shift_date,
        coalesce(scheduled_minutes, 0) as scheduled_minutes,
        coalesce(is_leave, false) as is_leave,
        reject_reason,
        offending_value,
        payload_hash,
        {{ lineage_columns() }}
    from checked
)

select * from final
{%- endmacro %}

{#
    The typing and checks of base model `base_model` applied to `source_relation` (some of its raw
    rows): for callers that type a subset. The channels seed is looked up, not ref()d, so a hook or
    an incremental branch adds no DAG edge.
#}
{% macro base_model_sql(base_model, source_relation) -%}
    {%- if base_model == 'base_helpdesk__tickets' -%}
        {{ support_warehouse.base_helpdesk__tickets_sql(source_relation, support_warehouse.sw_relation('channels')) }}
    {%- else -%}
        {{ support_warehouse[base_model ~ '_sql'](source_relation) }}
    {%- endif -%}
{%- endmacro %}
