-- The bare-DuckDB floor of `support-warehouse bench` (issue 8).
--
-- One hand-written DuckDB script that reads the CSV extracts of a landing folder directly and
-- computes the monthly `dimension = 'all'` rows of kpi_scorecard for every metric of the catalog,
-- with the warehouse's definitions: the same typing and reject rules (staging), the same
-- latest-version dedupe, the same reference checks, the same per-ticket measures (business
-- clock, SLA policies, FCR, status intervals, backlog snapshots) and the same formulas. What it
-- leaves out is everything that is not the numbers: no raw layer with line lineage, no rejects
-- table, no facts kept for BI, no tests, no publication. That is what DuckDB alone can do.
--
-- Variables (SET VARIABLE before running): landing_dir (folder with one sub-folder per entity),
-- seeds_dir (the project's seeds/), loaded_at (the load time, UTC) and the plausible window's
-- plausible_from, plausible_days_after_load, plausible_schedule_days_after_load (settings of
-- support_warehouse.config). Reporting timezone: UTC (the project default). Output: the
-- last statement returns metric_id, period_start, value, numerator, denominator.
-- Load order, as the nightly refresh loads them: <entity>_history.csv first, then the other
-- files by name (the nightly <entity>_<date>.csv); a later file wins, then a later line.

set TimeZone = 'UTC';

-- ------------------------------------------------------------------------------- reading

create or replace temp macro extract_files(entity) as table
    select
        *,
        row_number() over () as line_seq,
        case when filename like '%\_history.csv' escape '\' then 0 else 1 end as load_rank
    from read_csv(
        getvariable('landing_dir') || '/' || entity || '/*.csv',
        all_varchar = true, header = true, filename = true, union_by_name = true
    );

create or replace temp macro clean_text(x) as nullif(trim(x), '');
create or replace temp macro clean_code(x) as nullif(lower(trim(x)), '');
create or replace temp macro ts_utc(x) as (try_cast(x as timestamptz) at time zone 'UTC');
create or replace temp macro to_int(x) as try_cast(
    case when regexp_full_match(trim(x), '[+-]?[0-9]+([.]0*)?') then regexp_replace(trim(x), '[.]0*$', '') end
    as integer);
create or replace temp macro to_bool(x) as case lower(trim(x))
    when 'true' then true when 't' then true when '1' then true when 'yes' then true
    when 'false' then false when 'f' then false when '0' then false when 'no' then false end;
create or replace temp macro untyped(typed, raw) as (typed is null and nullif(trim(raw), '') is not null);
create or replace temp macro flag(x) as coalesce(x, false);
-- a timestamp outside the plausible window: before plausible_from, or more than `days` days after the
-- load (variables plausible_from, loaded_at, plausible_days_after_load, plausible_schedule_days_after_load)
create or replace temp macro implausible_within(x, days) as flag(
    x < cast(getvariable('plausible_from') as timestamp)
    or x > cast(getvariable('loaded_at') as timestamp) + to_days(cast(days as integer)));
create or replace temp macro implausible(x) as implausible_within(x, getvariable('plausible_days_after_load'));

-- ------------------------------------------------------------------------------- staging
-- Each entity: typed rows, `bad` = a typing/value rule broken (null-safe, as a CASE would),
-- then the in-file duplicate rule and the latest good version per key.

create temp table customers as
with typed as (
    select
        clean_text(customer_id) as customer_id,
        lower(trim(name)) as name_key,
        lower(trim(email)) as email_key,
        clean_code(tier) as customer_tier,
        upper(clean_text(country)) as country,
        ts_utc(created_at) as created_at,
        ts_utc(churned_at) as churned_at,
        churned_at as churned_at_text,
        filename, line_seq, load_rank
    from extract_files('customers')
), checked as (
    select *,
        customer_id is null
        or created_at is null
        or untyped(churned_at, churned_at_text)
        or implausible(created_at)
        or implausible(churned_at)
        or customer_tier is null or customer_tier not in ('standard', 'premium', 'enterprise')
        or flag(churned_at < created_at)
        or (row_number() over w > 1
            and struct_pack(name_key, email_key, customer_tier, country, created_at, churned_at)
                is distinct from first_value(struct_pack(name_key, email_key, customer_tier, country, created_at, churned_at)) over w)
        as bad
    from typed
    window w as (partition by customer_id, filename order by line_seq desc)
)
select customer_id, customer_tier, created_at, churned_at
from checked where not bad
qualify row_number() over (partition by customer_id order by load_rank desc, filename desc, line_seq desc) = 1;

create temp table agents as
with typed as (
    select
        clean_text(agent_id) as agent_id,
        clean_text(name) as agent_name,
        lower(trim(email)) as email_key,
        clean_text(team) as team,
        clean_text(timezone) as timezone,
        ts_utc(hired_at) as hired_at,
        ts_utc(left_at) as left_at,
        hired_at as hired_at_text, left_at as left_at_text,
        filename, line_seq, load_rank
    from extract_files('agents')
), checked as (
    select *,
        agent_id is null
        or untyped(hired_at, hired_at_text)
        or untyped(left_at, left_at_text)
        or implausible(hired_at)
        or implausible(left_at)
        or team is null
        or flag(left_at < hired_at)
        or (row_number() over w > 1
            and struct_pack(agent_name, email_key, team, timezone, hired_at, left_at)
                is distinct from first_value(struct_pack(agent_name, email_key, team, timezone, hired_at, left_at)) over w)
        as bad
    from typed
    window w as (partition by agent_id, filename order by line_seq desc)
)
select agent_id, team, timezone
from checked where not bad
qualify row_number() over (partition by agent_id order by load_rank desc, filename desc, line_seq desc) = 1;

create temp table shifts as
with typed as (
    select
        clean_text(agent_id) as agent_id,
        try_cast(clean_text(shift_date) as date) as shift_date,
        to_int(clean_text(scheduled_minutes)) as scheduled_minutes,
        to_bool(is_leave) as is_leave,
        scheduled_minutes as minutes_text, is_leave as is_leave_text,
        filename, line_seq, load_rank
    from extract_files('agent_shifts')
), checked as (
    select *,
        agent_id is null or shift_date is null
        or untyped(scheduled_minutes, minutes_text)
        or untyped(is_leave, is_leave_text)
        or implausible_within(shift_date, getvariable('plausible_schedule_days_after_load'))
        or flag(scheduled_minutes < 0)
        or (row_number() over w > 1
            and struct_pack(scheduled_minutes, is_leave)
                is distinct from first_value(struct_pack(scheduled_minutes, is_leave)) over w)
        as bad
    from typed
    window w as (partition by agent_id, shift_date, filename order by line_seq desc)
)
select agent_id, shift_date, coalesce(is_leave, false) as is_leave
from checked where not bad
qualify row_number() over (partition by agent_id, shift_date order by load_rank desc, filename desc, line_seq desc) = 1;

create temp table channels as
select channel from read_csv(getvariable('seeds_dir') || '/channels.csv', all_varchar = true, header = true);

create temp table tickets as
with typed as (
    select
        clean_text(ticket_id) as ticket_id,
        clean_text(customer_id) as customer_id,
        clean_code(channel) as channel,
        clean_code(ticket_type) as ticket_type,
        clean_code(priority) as priority,
        clean_code(status) as status,
        clean_text(assignee_id) as assignee_id,
        ts_utc(created_at) as created_at,
        ts_utc(updated_at) as updated_at,
        updated_at as updated_at_text,
        filename, line_seq, load_rank
    from extract_files('tickets')
), checked as (
    select *,
        ticket_id is null
        or created_at is null
        or untyped(updated_at, updated_at_text)
        or implausible(created_at)
        or implausible(updated_at)
        or channel is null or channel not in (select channel from channels)
        or priority is null or priority not in ('low', 'normal', 'high', 'urgent')
        or status is null or status not in ('new', 'open', 'pending', 'on_hold', 'solved', 'closed')
        or flag(updated_at < created_at)
        or (row_number() over w > 1
            and struct_pack(customer_id, channel, ticket_type, priority, status, assignee_id, created_at, updated_at)
                is distinct from first_value(struct_pack(customer_id, channel, ticket_type, priority, status, assignee_id, created_at, updated_at)) over w)
        as bad
    from typed
    window w as (partition by ticket_id, filename order by line_seq desc)
)
select ticket_id, customer_id, channel, ticket_type, priority, status, assignee_id, created_at, updated_at
from checked where not bad
qualify row_number() over (
    partition by ticket_id order by updated_at desc nulls last, load_rank desc, filename desc, line_seq desc) = 1;

create temp table messages as
with typed as (
    select
        clean_text(message_id) as message_id,
        clean_text(ticket_id) as ticket_id,
        clean_code(author_type) as author_type,
        clean_text(author_id) as author_id,
        to_bool(is_public) as is_public,
        ts_utc(created_at) as created_at,
        is_public as is_public_text,
        filename, line_seq, load_rank
    from extract_files('ticket_messages')
), checked as (
    select *,
        message_id is null
        or ticket_id is null
        or created_at is null
        or untyped(is_public, is_public_text)
        or implausible(created_at)
        or author_type is null or author_type not in ('customer', 'agent', 'bot', 'system')
        or (row_number() over w > 1
            and struct_pack(ticket_id, author_type, author_id, is_public, created_at)
                is distinct from first_value(struct_pack(ticket_id, author_type, author_id, is_public, created_at)) over w)
        as bad
    from typed
    window w as (partition by message_id, filename order by line_seq desc)
), latest as (
    select message_id, ticket_id, author_type, author_id, coalesce(is_public, true) as is_public, created_at
    from checked where not bad
    qualify row_number() over (partition by message_id order by load_rank desc, filename desc, line_seq desc) = 1
)
-- reference checks: a known ticket, not before the ticket was created
select latest.*, tickets.created_at as ticket_created_at
from latest
inner join tickets on latest.ticket_id = tickets.ticket_id
where not flag(latest.created_at < tickets.created_at);

create temp table status_changes as
with typed as (
    select
        clean_text(ticket_id) as ticket_id,
        ts_utc(changed_at) as changed_at,
        clean_code(status) as status,
        filename, line_seq, load_rank
    from extract_files('ticket_status_changes')
), checked as (
    select *,
        ticket_id is null or changed_at is null
        or implausible(changed_at)
        or status is null or status not in ('new', 'open', 'pending', 'on_hold', 'solved', 'closed')
        or (row_number() over w > 1 and status is distinct from first_value(status) over w)
        as bad
    from typed
    window w as (partition by ticket_id, changed_at, filename order by line_seq desc)
), latest as (
    select ticket_id, changed_at, status
    from checked where not bad
    qualify row_number() over (partition by ticket_id, changed_at order by load_rank desc, filename desc, line_seq desc) = 1
)
select latest.*
from latest
inner join tickets on latest.ticket_id = tickets.ticket_id
where not flag(latest.changed_at < tickets.created_at);

create temp table calls as
with typed as (
    select
        clean_text(call_id) as call_id,
        clean_text(customer_id) as customer_id,
        clean_text(agent_id) as agent_id,
        clean_text(ticket_id) as ticket_id,
        ts_utc(queued_at) as queued_at,
        ts_utc(answered_at) as answered_at,
        ts_utc(ended_at) as ended_at,
        to_int(clean_text(hold_seconds)) as hold_seconds,
        to_int(clean_text(wrap_up_seconds)) as wrap_up_seconds,
        answered_at as answered_at_text, ended_at as ended_at_text,
        hold_seconds as hold_text, wrap_up_seconds as wrap_text,
        filename, line_seq, load_rank
    from extract_files('calls')
), checked as (
    select *,
        call_id is null
        or queued_at is null
        or untyped(answered_at, answered_at_text)
        or untyped(ended_at, ended_at_text)
        or implausible(queued_at)
        or implausible(answered_at)
        or implausible(ended_at)
        or untyped(hold_seconds, hold_text)
        or untyped(wrap_up_seconds, wrap_text)
        or flag(hold_seconds < 0 or wrap_up_seconds < 0)
        or flag(answered_at < queued_at)
        or flag(ended_at < coalesce(answered_at, queued_at))
        or flag(hold_seconds > epoch(ended_at) - epoch(answered_at))
        or (row_number() over w > 1
            and struct_pack(customer_id, agent_id, ticket_id, queued_at, answered_at, ended_at, hold_seconds, wrap_up_seconds)
                is distinct from first_value(struct_pack(customer_id, agent_id, ticket_id, queued_at, answered_at, ended_at, hold_seconds, wrap_up_seconds)) over w)
        as bad
    from typed
    window w as (partition by call_id, filename order by line_seq desc)
), latest as (
    select call_id, ticket_id, queued_at, answered_at, ended_at,
           coalesce(hold_seconds, 0) as hold_seconds, coalesce(wrap_up_seconds, 0) as wrap_up_seconds
    from checked where not bad
    qualify row_number() over (partition by call_id order by load_rank desc, filename desc, line_seq desc) = 1
)
select latest.*
from latest
where latest.ticket_id is null or latest.ticket_id in (select ticket_id from tickets);

create temp table surveys as
with typed as (
    select
        clean_text(response_id) as response_id,
        clean_code(survey_type) as survey_type,
        clean_code(scale) as survey_scale,
        clean_text(customer_id) as customer_id,
        clean_text(ticket_id) as ticket_id,
        clean_text(agent_id) as agent_id,
        ts_utc(sent_at) as sent_at,
        ts_utc(responded_at) as responded_at,
        to_int(clean_text(score)) as score,
        clean_text(comment) is not null as has_comment,
        responded_at as responded_at_text, score as score_text,
        filename, line_seq, load_rank
    from extract_files('survey_responses')
), checked as (
    select *,
        response_id is null
        or survey_type is null or survey_type not in ('csat', 'nps', 'ces')
        or survey_scale is null or survey_scale not in ('csat_5', 'csat_3', 'csat_2', 'nps_11', 'ces_7', 'ces_10')
        or not flag((survey_type = 'csat' and survey_scale in ('csat_5', 'csat_3', 'csat_2'))
                    or (survey_type = 'nps' and survey_scale = 'nps_11')
                    or (survey_type = 'ces' and survey_scale in ('ces_7', 'ces_10')))
        or sent_at is null
        or untyped(responded_at, responded_at_text)
        or implausible(sent_at)
        or implausible(responded_at)
        or untyped(score, score_text)
        or flag(score is not null and case survey_scale
                when 'csat_5' then score not between 1 and 5
                when 'csat_3' then score not between 1 and 3
                when 'csat_2' then score not between 1 and 2
                when 'nps_11' then score not between 0 and 10
                when 'ces_7' then score not between 1 and 7
                when 'ces_10' then score not between 1 and 10 end)
        or flag(responded_at < sent_at)
        or (score is not null and responded_at is null)
        or (row_number() over w > 1
            and struct_pack(survey_type, survey_scale, customer_id, ticket_id, agent_id, sent_at, responded_at, score, has_comment)
                is distinct from first_value(struct_pack(survey_type, survey_scale, customer_id, ticket_id, agent_id, sent_at, responded_at, score, has_comment)) over w)
        as bad
    from typed
    window w as (partition by response_id, filename order by line_seq desc)
), latest as (
    select response_id, survey_type, survey_scale, ticket_id, sent_at, responded_at, score
    from checked where not bad
    qualify row_number() over (
        partition by response_id order by responded_at desc nulls last, load_rank desc, filename desc, line_seq desc) = 1
)
select latest.*
from latest
where latest.ticket_id is null or latest.ticket_id in (select ticket_id from tickets);

create temp table reviews as
with typed as (
    select
        clean_text(review_id) as review_id,
        clean_text(customer_id) as customer_id,
        clean_text(order_id) as order_id,
        clean_code(marketplace) as marketplace,
        to_int(clean_text(rating)) as rating,
        ts_utc(created_at) as created_at,
        filename, line_seq, load_rank
    from extract_files('reviews')
), checked as (
    select *,
        review_id is null
        or created_at is null
        or rating is null
        or rating not between 1 and 5
        or marketplace is null
        or implausible(created_at)
        or (row_number() over w > 1
            and struct_pack(customer_id, order_id, marketplace, rating, created_at)
                is distinct from first_value(struct_pack(customer_id, order_id, marketplace, rating, created_at)) over w)
        as bad
    from typed
    window w as (partition by review_id, filename order by line_seq desc)
)
select review_id, order_id, rating, created_at
from checked where not bad
qualify row_number() over (partition by review_id order by load_rank desc, filename desc, line_seq desc) = 1;

create temp table products as
with typed as (
    select
        clean_text(product_id) as product_id,
        clean_text(name) as product_name,
        clean_code(category) as category,
        to_int(clean_text(tier)) as product_tier,
        try_cast(clean_text(price) as double) as price,
        tier as tier_text, price as price_text,
        filename, line_seq, load_rank
    from extract_files('products')
), checked as (
    select *,
        product_id is null
        or category is null
        or product_tier is null or product_tier not between 1 and 3
        or untyped(price, price_text)
        or flag(price < 0)
        or (row_number() over w > 1
            and struct_pack(product_name, category, product_tier, price)
                is distinct from first_value(struct_pack(product_name, category, product_tier, price)) over w)
        as bad
    from typed
    window w as (partition by product_id, filename order by line_seq desc)
)
select product_id, category, product_tier
from checked where not bad
qualify row_number() over (partition by product_id order by load_rank desc, filename desc, line_seq desc) = 1;

create temp table orders as
with typed as (
    select
        clean_text(order_id) as order_id,
        clean_text(customer_id) as customer_id,
        ts_utc(ordered_at) as ordered_at,
        clean_text(product_id) as product_id,
        to_int(clean_text(quantity)) as quantity,
        try_cast(clean_text(amount) as double) as amount,
        clean_code(status) as order_status,
        to_bool(shipped_on_time) as is_shipped_on_time,
        to_bool(has_a_to_z_claim) as has_a_to_z_claim,
        to_bool(has_chargeback) as has_chargeback,
        quantity as quantity_text, amount as amount_text, shipped_on_time as shipped_text,
        has_a_to_z_claim as claim_text, has_chargeback as chargeback_text,
        filename, line_seq, load_rank
    -- the claim and chargeback columns are optional: null where no file has them
    from (
        select null::varchar as has_a_to_z_claim, null::varchar as has_chargeback where false
        union all by name
        select * from extract_files('orders')
    )
), checked as (
    select *,
        order_id is null
        or ordered_at is null
        or implausible(ordered_at)
        or untyped(quantity, quantity_text)
        or untyped(amount, amount_text)
        or untyped(is_shipped_on_time, shipped_text)
        or untyped(has_a_to_z_claim, claim_text)
        or untyped(has_chargeback, chargeback_text)
        or flag(quantity < 0 or amount < 0)
        or order_status is null or order_status not in ('placed', 'shipped', 'cancelled', 'returned')
        or customer_id is null
        or (row_number() over w > 1
            and struct_pack(customer_id, ordered_at, product_id, quantity, amount, order_status, is_shipped_on_time, has_a_to_z_claim, has_chargeback)
                is distinct from first_value(struct_pack(customer_id, ordered_at, product_id, quantity, amount, order_status, is_shipped_on_time, has_a_to_z_claim, has_chargeback)) over w)
        as bad
    from typed
    window w as (partition by order_id, filename order by line_seq desc)
)
select order_id, customer_id, ordered_at, product_id, amount, order_status, is_shipped_on_time,
       has_a_to_z_claim, has_chargeback
from checked where not bad
qualify row_number() over (partition by order_id order by load_rank desc, filename desc, line_seq desc) = 1;

create temp table sessions as
with typed as (
    select
        clean_text(session_id) as session_id,
        clean_text(customer_id) as customer_id,
        ts_utc(started_at) as started_at,
        clean_code(source) as session_source,
        to_bool(resolved) as is_resolved,
        clean_text(ticket_id) as ticket_id,
        resolved as resolved_text,
        filename, line_seq, load_rank
    from extract_files('self_service_sessions')
), checked as (
    select *,
        session_id is null
        or started_at is null
        or implausible(started_at)
        or untyped(is_resolved, resolved_text)
        or session_source is null or session_source not in ('help_center', 'chatbot', 'faq')
        or (row_number() over w > 1
            and struct_pack(customer_id, started_at, session_source, is_resolved, ticket_id)
                is distinct from first_value(struct_pack(customer_id, started_at, session_source, is_resolved, ticket_id)) over w)
        as bad
    from typed
    window w as (partition by session_id, filename order by line_seq desc)
), latest as (
    select session_id, started_at, coalesce(is_resolved, false) as is_resolved, ticket_id
    from checked where not bad
    qualify row_number() over (partition by session_id order by load_rank desc, filename desc, line_seq desc) = 1
)
select latest.*
from latest
where latest.ticket_id is null or latest.ticket_id in (select ticket_id from tickets);

-- ------------------------------------------------------------------------------- business clock
-- Working intervals per schedule (seeds business_hours, holidays) in UTC, with the working
-- seconds before each: clock(t) = seconds before the last interval starting at or before t
-- + the part of that interval elapsed at t.

create temp table business_hours as
select * from read_csv(getvariable('seeds_dir') || '/business_hours.csv', all_varchar = true, header = true);

create temp table schedules as select distinct schedule_id, timezone from business_hours;

create temp table work_intervals as
with days as (
    select cast(d as date) as local_date
    from range(date '2015-01-01', date '2036-01-01', interval 1 day) as t(d)
), holidays as (
    select h.schedule_id, cast(h.holiday_date as date) as holiday_date
    from read_csv(getvariable('seeds_dir') || '/holidays.csv', all_varchar = true, header = true) as h
    where h.schedule_id <> '*'
    union
    select s.schedule_id, cast(h.holiday_date as date)
    from read_csv(getvariable('seeds_dir') || '/holidays.csv', all_varchar = true, header = true) as h
    cross join schedules as s
    where h.schedule_id = '*'
), hours as (
    select schedule_id, timezone, cast(iso_day_of_week as integer) as dow,
           cast(split_part(trim(start_time), ':', 1) as integer) * 60 + cast(split_part(trim(start_time), ':', 2) as integer) as start_minute,
           cast(split_part(trim(end_time), ':', 1) as integer) * 60 + cast(split_part(trim(end_time), ':', 2) as integer) as end_minute
    from business_hours
), intervals as (
    select hours.schedule_id,
           timezone('UTC', timezone(hours.timezone, cast(days.local_date as timestamp) + hours.start_minute * interval 1 minute)) as start_at,
           timezone('UTC', timezone(hours.timezone, cast(days.local_date as timestamp) + hours.end_minute * interval 1 minute)) as end_at
    from days
    inner join hours on isodow(days.local_date) = hours.dow
    anti join holidays on hours.schedule_id = holidays.schedule_id and days.local_date = holidays.holiday_date
)
select schedule_id, start_at, end_at,
       cast(epoch(end_at) - epoch(start_at) as bigint) as working_seconds,
       coalesce(sum(cast(epoch(end_at) - epoch(start_at) as bigint)) over (
           partition by schedule_id order by start_at rows between unbounded preceding and 1 preceding), 0) as cum_seconds
from intervals
where start_at < end_at;

-- ------------------------------------------------------------------------------- tickets

create temp table tickets_enriched as
select
    t.ticket_id, t.customer_id, c.customer_tier, t.channel, t.ticket_type, t.priority, t.status,
    t.assignee_id, t.created_at, t.updated_at,
    coalesce(team_schedule.schedule_id, 'default') as schedule_id
from tickets as t
left join customers as c on t.customer_id = c.customer_id
left join agents as a on t.assignee_id = a.agent_id
left join schedules as team_schedule on lower(trim(a.team)) = lower(trim(team_schedule.schedule_id));

create temp table as_of as
select
    greatest(
        (select max(coalesce(updated_at, created_at)) from tickets),
        (select max(created_at) from messages),
        (select max(changed_at) from status_changes)
    ) as as_of_at;

-- Replies: a public agent message; it answers the customer messages since the previous reply
-- (customer first at the same instant); the first reply also answers the ticket's creation.
create temp table replies as
with conversation as (
    select message_id, ticket_id, author_id, created_at, ticket_created_at,
           author_type = 'agent' and is_public as is_agent_reply,
           author_type = 'customer' and is_public as is_customer_message
    from messages
    where is_public and author_type in ('agent', 'customer')
), sequenced as (
    select *,
        sum(case when is_agent_reply then 1 else 0 end) over (
            partition by ticket_id
            order by created_at, case when is_customer_message then 0 else 1 end, message_id
            rows between unbounded preceding and current row) as replies_so_far
    from conversation
), asks as (
    select ticket_id, replies_so_far + 1 as reply_number, min(created_at) as oldest_at
    from sequenced where is_customer_message
    group by all
)
select
    s.message_id, s.ticket_id, s.author_id as agent_id, s.created_at as replied_at, s.replies_so_far as reply_number,
    (epoch(s.created_at) - epoch(coalesce(asks.oldest_at, case when s.replies_so_far = 1 then s.ticket_created_at end))) / 60.0
        as response_minutes
from sequenced as s
left join asks on s.ticket_id = asks.ticket_id and s.replies_so_far = asks.reply_number
where s.is_agent_reply;

create temp table intervals as
with known as (
    select ticket_id, changed_at, status, 2 as precedence from status_changes
    union all
    select ticket_id, created_at, 'new', 1 from tickets
), latest_known as (
    select ticket_id, changed_at, status from known
    qualify row_number() over (partition by ticket_id order by changed_at desc, precedence desc) = 1
), closing as (
    select t.ticket_id, coalesce(t.updated_at, t.created_at) as changed_at, t.status, 3 as precedence
    from tickets as t
    inner join latest_known as k on t.ticket_id = k.ticket_id
    where t.status <> k.status and coalesce(t.updated_at, t.created_at) >= k.changed_at
), events as (
    select ticket_id, changed_at, status from (select * from known union all select * from closing)
    qualify row_number() over (partition by ticket_id, changed_at order by precedence desc) = 1
)
select
    ticket_id, status, changed_at as valid_from,
    lead(changed_at) over (partition by ticket_id order by changed_at) as valid_to,
    status in ('solved', 'closed') as is_solved_status,
    status in ('solved', 'closed')
        and coalesce(lag(status) over (partition by ticket_id order by changed_at) not in ('solved', 'closed'), true)
        as is_solve_event,
    status not in ('solved', 'closed')
        and coalesce(lag(status) over (partition by ticket_id order by changed_at) in ('solved', 'closed'), false)
        as is_reopen_event
from events;

-- SLA policy: the most specific match (channel, priority, tier, ticket type), then the earliest
-- deadline - each candidate's due time on its own clock, calendar or business - then policy id
create temp table sla_matched as
with policies as (
    select policy_id, lower(trim(channel)) as channel, lower(trim(priority)) as priority,
           lower(trim(customer_tier)) as customer_tier, lower(trim(ticket_type)) as ticket_type,
           cast(first_response_target_minutes as integer) as target_minutes, lower(trim(hours_type)) as hours_type
    from read_csv(getvariable('seeds_dir') || '/sla_policies.csv', all_varchar = true, header = true)
), candidates as (
    select t.ticket_id, t.schedule_id, t.created_at, p.policy_id, p.target_minutes, p.hours_type,
           (p.channel <> '*')::int + (p.priority <> '*')::int + (p.customer_tier <> '*')::int
           + (p.ticket_type <> '*')::int as spec
    from tickets_enriched as t
    inner join policies as p
        on (t.channel = p.channel or p.channel = '*')
        and (t.priority = p.priority or p.priority = '*')
        and (t.customer_tier = p.customer_tier or p.customer_tier = '*')
        and (t.ticket_type = p.ticket_type or p.ticket_type = '*')
    qualify spec = max(spec) over (partition by t.ticket_id)
), created_clock as (
    select c.ticket_id,
           w.cum_seconds + least(epoch(c.created_at) - epoch(w.start_at), w.working_seconds) as created_clock
    from (select distinct ticket_id, schedule_id, created_at from candidates where hours_type = 'business') as c
    asof left join work_intervals as w on c.schedule_id = w.schedule_id and c.created_at >= w.start_at
), business_due as (
    select c.ticket_id, c.policy_id,
           w.start_at + cast(cc.created_clock + c.target_minutes * 60 - w.cum_seconds as bigint) * interval 1 second as due_at
    from candidates as c
    inner join created_clock as cc on c.ticket_id = cc.ticket_id
    asof left join (select schedule_id, cum_seconds, start_at, working_seconds from work_intervals) as w
        on c.schedule_id = w.schedule_id and cc.created_clock + c.target_minutes * 60 > w.cum_seconds
    where c.hours_type = 'business'
)
select c.ticket_id, c.target_minutes, c.hours_type,
       case c.hours_type
           when 'calendar' then c.created_at + cast(c.target_minutes as bigint) * interval 1 minute
           when 'business' then bd.due_at
       end as sla_due_at
from candidates as c
left join business_due as bd on c.ticket_id = bd.ticket_id and c.policy_id = bd.policy_id
qualify row_number() over (partition by c.ticket_id order by sla_due_at asc nulls last, c.policy_id) = 1;

create temp table ticket_facts as
with reply_summary as (
    select ticket_id, count(*) as agent_reply_count, min(replied_at) as first_reply_at
    from replies group by all
), inbound as (
    -- a customer message written while a linked call was queued or connected is that call's
    -- record (a phone ticket's opening message): one contact, counted as the call
    select m.ticket_id, count(*) - count(*) filter (where exists (
        select 1 from calls as c
        where c.ticket_id = m.ticket_id
          and m.created_at between c.queued_at and coalesce(c.ended_at, c.answered_at, c.queued_at))) as inbound_count
    from messages as m where m.author_type = 'customer' and m.is_public group by all
), linked_calls as (
    select ticket_id, count(*) as call_count from calls where ticket_id is not null group by all
), status_summary as (
    select ticket_id,
        min(case when is_solve_event then valid_from end) as first_solved_at,
        sum(case when is_reopen_event then 1 else 0 end) as reopen_count,
        bool_or(valid_to is null and is_solved_status) as is_currently_solved
    from intervals group by all
), next_same_type as (
    select ticket_id,
        lead(created_at) over (partition by customer_id, ticket_type order by created_at, ticket_id) as next_at
    from tickets
    where customer_id is not null and ticket_type is not null
), joined as (
    select t.ticket_id, t.schedule_id, t.created_at,
           r.first_reply_at, coalesce(r.agent_reply_count, 0) as agent_reply_count,
           coalesce(i.inbound_count, 0) + coalesce(lc.call_count, 0) as interaction_count,
           s.first_solved_at, coalesce(s.reopen_count, 0) as reopen_count,
           coalesce(s.is_currently_solved, false) as is_currently_solved,
           n.next_at, sla.sla_due_at, as_of.as_of_at
    from tickets_enriched as t
    left join reply_summary as r on t.ticket_id = r.ticket_id
    left join inbound as i on t.ticket_id = i.ticket_id
    left join linked_calls as lc on t.ticket_id = lc.ticket_id
    left join status_summary as s on t.ticket_id = s.ticket_id
    left join next_same_type as n on t.ticket_id = n.ticket_id
    left join sla_matched as sla on t.ticket_id = sla.ticket_id
    cross join as_of
), points as (
    select ticket_id, schedule_id, 'created' as milestone, created_at as at from joined
    union all select ticket_id, schedule_id, 'first_reply', first_reply_at from joined where first_reply_at is not null
    union all select ticket_id, schedule_id, 'first_solved', first_solved_at from joined where first_solved_at is not null
), clock as (
    select p.ticket_id, p.milestone,
           w.cum_seconds + least(epoch(p.at) - epoch(w.start_at), w.working_seconds) as clock_seconds
    from points as p
    asof left join work_intervals as w on p.schedule_id = w.schedule_id and p.at >= w.start_at
), clocks as (
    select ticket_id,
        max(case when milestone = 'created' then clock_seconds end) as created_clock,
        max(case when milestone = 'first_reply' then clock_seconds end) as reply_clock,
        max(case when milestone = 'first_solved' then clock_seconds end) as solved_clock
    from clock group by all
), measured as (
    select j.*,
        (epoch(j.first_reply_at) - epoch(j.created_at)) / 60.0 as first_response_minutes,
        (c.reply_clock - c.created_clock) / 60.0 as first_response_business_minutes,
        (epoch(j.first_solved_at) - epoch(j.created_at)) / 60.0 as first_resolution_minutes,
        (c.solved_clock - c.created_clock) / 60.0 as first_resolution_business_minutes
    from joined as j
    left join clocks as c on j.ticket_id = c.ticket_id
)
select
    ticket_id, created_at, as_of_at,
    cast(created_at as date) as created_date,
    cast(first_solved_at as date) as first_solved_date,
    first_response_minutes, first_response_business_minutes,
    first_resolution_minutes, first_resolution_business_minutes,
    first_reply_at is not null as is_answered,
    coalesce(first_response_minutes <= 24 * 60, false) as is_answered_within_24h,
    interaction_count,
    is_currently_solved,
    reopen_count > 0 as is_reopened,
    case when first_solved_at is not null then
        agent_reply_count = 1 and reopen_count = 0
        and not coalesce(next_at <= coalesce(first_solved_at, created_at) + interval 10080 minute, false)
    end as is_fcr,
    sla_due_at is not null
        and (first_reply_at is not null or coalesce(first_reply_at, first_solved_at, as_of_at) > sla_due_at) as has_sla_due,
    first_reply_at,
    sla_due_at
from measured;

-- ------------------------------------------------------------------------------- metrics
-- One row per metric and month: numerator, denominator (and percentile values), then the value
-- by the catalog's value_type.

create temp table observations (metric_id varchar, month date, numerator double, denominator double, pct double);

insert into observations
select metric_id, month, numerator, denominator, null
from (
    select date_trunc('month', created_date) as month,
        count(*) as tickets_created,
        sum(first_response_minutes) as frm_sum, count(first_response_minutes) as frm_n,
        sum(first_response_business_minutes) as frbm_sum, count(first_response_business_minutes) as frbm_n,
        count(*) filter (where not is_answered) as unanswered,
        count(*) filter (where has_sla_due and first_reply_at <= sla_due_at) as sla_met,
        count(*) filter (where has_sla_due) as sla_due,
        count(*) filter (where has_sla_due and (first_reply_at is null or first_reply_at > sla_due_at)) as sla_breached,
        count(*) filter (where is_answered_within_24h) as answered_24h,
        count(*) filter (where is_answered_within_24h or created_at + interval 24 hour <= as_of_at) as due_24h,
        sum(interaction_count) as interactions,
        count(*) filter (where is_currently_solved) as solved_now
    from ticket_facts group by all
) as m
cross join lateral (values
    ('tickets_created', m.tickets_created, null),
    ('first_response_minutes_mean', m.frm_sum, m.frm_n),
    ('first_response_business_minutes_mean', m.frbm_sum, m.frbm_n),
    ('unanswered_tickets', m.unanswered, null),
    ('sla_first_response_compliance', m.sla_met, m.sla_due),
    ('sla_breaches', m.sla_breached, null),
    ('response_rate_24h', m.answered_24h, m.due_24h),
    ('interactions_per_ticket', m.interactions, m.tickets_created),
    ('resolution_rate', m.solved_now, m.tickets_created),
    ('ticket_type_share', m.tickets_created, m.tickets_created)
) as v(metric_id, numerator, denominator);

insert into observations
select metric_id, month, numerator, denominator, null
from (
    select date_trunc('month', first_solved_date) as month,
        count(*) as solved,
        sum(first_resolution_minutes) as rm_sum, count(first_resolution_minutes) as rm_n,
        sum(first_resolution_business_minutes) as rbm_sum, count(first_resolution_business_minutes) as rbm_n,
        count(*) filter (where is_fcr) as fcr, count(is_fcr) as fcr_n,
        count(*) filter (where is_reopened) as reopened
    from ticket_facts where first_solved_date is not null group by all
) as m
cross join lateral (values
    ('tickets_solved', m.solved, null),
    ('resolution_minutes_mean', m.rm_sum, m.rm_n),
    ('resolution_business_minutes_mean', m.rbm_sum, m.rbm_n),
    ('first_contact_resolution_rate', m.fcr, m.fcr_n),
    ('reopen_rate', m.reopened, m.solved)
) as v(metric_id, numerator, denominator);

-- resolution_flow_rate: solved in the month / created in the month (a flow, may exceed 100)
insert into observations
select 'resolution_flow_rate', month, sum(solved), sum(created), null
from (
    select date_trunc('month', created_date) as month, 0 as solved, 1 as created from ticket_facts
    union all
    select date_trunc('month', first_solved_date), 1, 0 from ticket_facts where first_solved_date is not null
) group by all;

-- percentiles (continuous) of the four durations
insert into observations
select metric_id || suffix, month, null, n, case when suffix = '_median' then p50 else p90 end
from (
    select metric_id, date_trunc('month', d) as month,
           quantile_cont(x, 0.5) as p50, quantile_cont(x, 0.9) as p90, count(*) as n
    from (
        select 'first_response_minutes' as metric_id, created_date as d, first_response_minutes as x from ticket_facts
        union all select 'first_response_business_minutes', created_date, first_response_business_minutes from ticket_facts
        union all select 'resolution_minutes', first_solved_date, first_resolution_minutes from ticket_facts
        union all select 'resolution_business_minutes', first_solved_date, first_resolution_business_minutes from ticket_facts
    )
    where d is not null and x is not null
    group by all
) cross join (values ('_median'), ('_p90')) as s(suffix);

-- response_rate_7d: the 7 days ending on the month's as-of day (its last day, or the data's)
insert into observations
with daily as (
    select created_date as day,
        count(*) filter (where is_answered_within_24h) as num,
        count(*) filter (where is_answered_within_24h or created_at + interval 24 hour <= as_of_at) as den
    from ticket_facts group by all
    having num <> 0 or den <> 0
), months as (
    select distinct date_trunc('month', day) as month from daily
), ends as (
    select month, least(cast(month + interval 1 month - interval 1 day as date), (select cast(as_of_at as date) from as_of)) as as_of_day
    from months
)
select 'response_rate_7d', ends.month, sum(daily.num), sum(daily.den), null
from ends inner join daily on daily.day <= ends.as_of_day and daily.day > ends.as_of_day - 7
group by all;

-- messages in and out, response time
insert into observations
select 'messages_inbound', date_trunc('month', cast(created_at as date)), count(*), null, null
from messages where author_type = 'customer' and is_public group by all;

insert into observations
select metric_id, month, numerator, denominator, null
from (
    select date_trunc('month', cast(replied_at as date)) as month, count(*) as n,
           sum(response_minutes) as rsum, count(response_minutes) as rn
    from replies group by all
) as m
cross join lateral (values ('messages_outbound', m.n, null), ('response_minutes_mean', m.rsum, m.rn)) as v(metric_id, numerator, denominator);

-- agents: conversations per agent (distinct tickets per agent over agents who worked) and per
-- worked day; replies dated on the agent's own clock (their zone if known, else the team
-- schedule's, else the default schedule's)
create temp table agent_reply_days as
with clocks as (
    select a.agent_id,
           coalesce(case when a.timezone in (select name from pg_timezone_names()) then a.timezone end,
                    ts.timezone, ds.timezone, 'UTC') as tz
    from agents as a
    left join schedules as ts on lower(trim(a.team)) = lower(trim(ts.schedule_id))
    left join schedules as ds on ds.schedule_id = 'default'
)
select r.agent_id, r.ticket_id,
       cast(timezone(coalesce(c.tz, 'UTC'), timezone('UTC', r.replied_at)) as date) as shift_date
from replies as r left join clocks as c on r.agent_id = c.agent_id
where r.agent_id is not null;

create temp table agent_days as
with reply_days as (
    select agent_id, shift_date, count(distinct ticket_id) as tickets_replied
    from agent_reply_days
    group by all
)
select coalesce(s.agent_id, r.agent_id) as agent_id, coalesce(s.shift_date, r.shift_date) as shift_date,
       s.agent_id is not null and not s.is_leave as is_worked_day,
       coalesce(r.tickets_replied, 0) as tickets_replied
from shifts as s full outer join reply_days as r on s.agent_id = r.agent_id and s.shift_date = r.shift_date;

insert into observations
select 'conversations_per_agent_day', date_trunc('month', shift_date),
       sum(case when is_worked_day then tickets_replied else 0 end), count(*) filter (where is_worked_day), null
from agent_days group by all;

insert into observations
with replied as (
    select date_trunc('month', shift_date) as month, agent_id, count(distinct ticket_id) as n
    from agent_reply_days group by all
), worked as (
    select distinct date_trunc('month', shift_date) as month, agent_id from agent_days where is_worked_day
)
select 'conversations_per_agent', coalesce(r.month, w.month), sum(coalesce(r.n, 0)), count(*), null
from replied as r full outer join worked as w on r.month = w.month and r.agent_id = w.agent_id
group by all;

-- backlog: end-of-day snapshots of open tickets; a month reads its as-of day
insert into observations
with limits as (
    select customer_tier, cast(escalation_limit_days as double) as limit_days
    from read_csv(getvariable('seeds_dir') || '/escalation_limits.csv', all_varchar = true, header = true)
), spans as (
    select i.ticket_id, cast(i.valid_from as date) as first_day,
           case when i.valid_to is null then cast(as_of.as_of_at as date) else cast(i.valid_to as date) - 1 end as last_day
    from intervals as i cross join as_of
    where not i.is_solved_status
), snapshot_days as (
    select unnest(generate_series(first_day, last_day, interval 1 day))::date as day, ticket_id
    from spans where last_day >= first_day
), daily as (
    select s.day, count(*) as open_count,
        count(*) filter (where (epoch(least(cast(s.day + 1 as timestamp), as_of.as_of_at)) - epoch(t.created_at)) / 3600.0
                               > coalesce(tl.limit_days, fl.limit_days) * 24) as overdue_count
    from snapshot_days as s
    inner join tickets_enriched as t on s.ticket_id = t.ticket_id
    left join limits as tl on t.customer_tier = tl.customer_tier
    left join limits as fl on fl.customer_tier = '*'
    cross join as_of
    group by all
), long as (
    select 'active_tickets' as metric_id, day, open_count as n from daily
    union all select 'backlog_open', day, open_count from daily
    union all select 'backlog_overdue', day, overdue_count from daily
), ends as (
    select distinct metric_id, date_trunc('month', day) as month from long where n <> 0
)
select ends.metric_id, ends.month, long.n, null, null
from ends
inner join long
    on ends.metric_id = long.metric_id
    and long.day = least(cast(ends.month + interval 1 month - interval 1 day as date), (select cast(as_of_at as date) from as_of))
where long.n <> 0;

-- phone
insert into observations
select metric_id, month, numerator, denominator, null
from (
    select date_trunc('month', cast(queued_at as date)) as month, count(*) as offered,
        count(*) filter (where answered_at is not null) as answered,
        sum(case when answered_at is not null then epoch(answered_at) - epoch(queued_at) end) as wait_sum,
        count(*) filter (where answered_at is not null and epoch(answered_at) - epoch(queued_at) <= 60) as within,
        -- ended - answered already includes hold: handle = connected + wrap-up
        sum(case when answered_at is not null then epoch(ended_at) - epoch(answered_at) + wrap_up_seconds end) as handle_sum,
        count(case when answered_at is not null then epoch(ended_at) - epoch(answered_at) end) as handle_n,
        sum(case when answered_at is not null and ended_at is not null then hold_seconds end) as hold_sum
    from calls group by all
) as m
cross join lateral (values
    ('average_wait_seconds', m.wait_sum, m.answered),
    ('answered_call_rate', m.answered, m.offered),
    ('call_service_level', m.within, m.offered),
    ('average_handle_seconds', m.handle_sum, m.handle_n),
    ('average_hold_seconds', m.hold_sum, m.handle_n)
) as v(metric_id, numerator, denominator);

-- conversations: tickets created plus calls not linked to a ticket (each contact once)
insert into observations
select 'conversations_total', month, sum(n), null, null
from (
    select date_trunc('month', created_date) as month, count(*) as n from ticket_facts group by all
    union all
    select date_trunc('month', cast(queued_at as date)), count(*) from calls where ticket_id is null group by all
) group by all;

-- surveys: answers by responded_at, response rate by sent_at
insert into observations
select metric_id, month, numerator, denominator, null
from (
    select date_trunc('month', cast(responded_at as date)) as month,
        count(*) filter (where survey_type = 'csat' and ((survey_scale = 'csat_5' and score >= 4) or (survey_scale = 'csat_3' and score = 3)
                                                          or (survey_scale = 'csat_2' and score = 2))) as satisfied,
        count(*) filter (where survey_type = 'csat' and score is not null and survey_scale in ('csat_5', 'csat_3', 'csat_2')) as csat_n,
        sum(case when survey_type = 'nps' and score >= 9 then 1 when survey_type = 'nps' and score <= 6 then -1 else 0 end) as nps_net,
        count(*) filter (where survey_type = 'nps' and score is not null) as nps_n,
        -- CES on 1-7: a 1-10 answer x counts as 1 + (x - 1) * 6 / 9; each scale also on its own
        sum(case when survey_type = 'ces' and survey_scale = 'ces_7' then score::double
                 when survey_type = 'ces' and survey_scale = 'ces_10' then 1 + (score::double - 1) * 6 / 9 end) as ces_sum,
        count(*) filter (where survey_type = 'ces' and score is not null) as ces_n,
        sum(case when survey_type = 'ces' and survey_scale = 'ces_7' then score end) as ces7_sum,
        count(*) filter (where survey_type = 'ces' and survey_scale = 'ces_7' and score is not null) as ces7_n,
        sum(case when survey_type = 'ces' and survey_scale = 'ces_10' then score end) as ces10_sum,
        count(*) filter (where survey_type = 'ces' and survey_scale = 'ces_10' and score is not null) as ces10_n
    from surveys where responded_at is not null group by all
) as m
cross join lateral (values
    ('csat_score', m.satisfied, m.csat_n),
    ('nps', m.nps_net, m.nps_n),
    ('ces_score', m.ces_sum, m.ces_n),
    ('ces_7_score', m.ces7_sum, m.ces7_n),
    ('ces_10_score', m.ces10_sum, m.ces10_n)
) as v(metric_id, numerator, denominator);

insert into observations
select 'survey_response_rate', date_trunc('month', cast(sent_at as date)),
       count(*) filter (where responded_at is not null), count(*), null
from surveys group by all;

-- reviews
insert into observations
select metric_id, month, numerator, denominator, null
from (
    select date_trunc('month', cast(created_at as date)) as month, count(*) as n,
           count(*) filter (where rating >= 4) as positive, count(*) filter (where rating <= 2) as negative
    from reviews group by all
) as m
cross join lateral (values ('positive_feedback_rate', m.positive, m.n), ('negative_feedback_rate', m.negative, m.n))
    as v(metric_id, numerator, denominator);

-- orders: defects, cancellations, shipping, repeat sales; customer-month rates
create temp table order_facts as
with negative_reviews as (
    select distinct order_id from reviews where order_id is not null and rating <= 2
), sequenced as (
    select o.*, p.category, p.product_tier,
        row_number() over (partition by o.customer_id order by o.ordered_at, o.order_id) as order_number,
        count(o.order_id) over (partition by o.customer_id, p.category order by o.ordered_at, o.order_id
                                rows between unbounded preceding and 1 preceding) as prior_in_category,
        max(p.product_tier) over (partition by o.customer_id, p.category order by o.ordered_at, o.order_id
                                  rows between unbounded preceding and 1 preceding) as prior_max_tier
    from orders as o left join products as p on o.product_id = p.product_id
)
select s.customer_id, cast(s.ordered_at as date) as ordered_date, s.amount, s.order_status,
    case when s.order_status in ('shipped', 'returned') then s.is_shipped_on_time end as is_shipped_on_time,
    s.order_number > 1 as is_returning,
    coalesce(s.order_number > 1 and s.category is not null and s.prior_in_category = 0, false) as is_new_category,
    coalesce(s.category is not null and s.product_tier > s.prior_max_tier, false) as is_upsell,
    -- a negative review, an A-to-z claim or a chargeback; a cancellation is not a defect
    nr.order_id is not null or coalesce(s.has_a_to_z_claim, false) or coalesce(s.has_chargeback, false) as is_defective
from sequenced as s left join negative_reviews as nr on s.order_id = nr.order_id;

insert into observations
select metric_id, month, numerator, denominator, null
from (
    select date_trunc('month', ordered_date) as month, count(*) as n,
        count(*) filter (where is_defective) as defective,
        count(*) filter (where order_status = 'cancelled') as cancelled,
        count(*) filter (where is_shipped_on_time) as on_time, count(is_shipped_on_time) as shipped_n,
        count(*) filter (where is_returning) as repeat_orders,
        sum(case when is_returning then amount else 0 end) as repeat_amount,
        sum(amount) as amount
    from order_facts group by all
) as m
cross join lateral (values
    ('order_defect_rate', m.defective, m.n),
    ('cancellation_rate', m.cancelled, m.n),
    ('on_time_shipment_rate', m.on_time, m.shipped_n),
    ('repeat_sales_orders', m.repeat_orders, null),
    ('repeat_sales_amount', m.repeat_amount, null),
    ('repeat_sales_order_share', m.repeat_orders, m.n),
    ('repeat_sales_amount_share', m.repeat_amount, m.amount)
) as v(metric_id, numerator, denominator);

insert into observations
select metric_id, month, numerator, denominator, null
from (
    select month,
        -- a repeat purchaser had ordered before: earlier in the month or any time before
        count(*) filter (where is_returning_customer) as repeaters, count(*) as buyers,
        count(*) filter (where new_category) as cross_sellers, count(*) filter (where upsell) as upsellers,
        count(*) filter (where is_returning_customer) as returning_customers
    from (
        select customer_id, date_trunc('month', ordered_date) as month, count(*) as n,
               bool_or(is_returning) as is_returning_customer, bool_or(is_new_category) as new_category, bool_or(is_upsell) as upsell
        from order_facts group by all
    ) group by all
) as m
cross join lateral (values
    ('repeat_purchase_rate', m.repeaters, m.buyers),
    ('cross_sell_rate', m.cross_sellers, m.returning_customers),
    ('upsell_rate', m.upsellers, m.returning_customers)
) as v(metric_id, numerator, denominator);

-- self-service: sessions resolved without a ticket / (those + tickets created)
insert into observations
select 'self_service_rate', month, sum(resolved), sum(resolved) + sum(created), null
from (
    select date_trunc('month', cast(started_at as date)) as month, count(*) as resolved, 0 as created
    from sessions where is_resolved and ticket_id is null group by all
    union all
    select date_trunc('month', created_date), 0, count(*) from ticket_facts group by all
) group by all;

-- churn: customers active at the month's start whose churned_at falls in the month; only months
-- ending on or after the first recorded churn (coverage: earlier months would read 0 %)
insert into observations
with lifecycle as (
    select cast(created_at as date) as active_from, cast(churned_at as date) as churned_on from customers
), bounds as (
    select date_trunc('month', min(active_from)) as first_month, max(coalesce(churned_on, active_from)) as last_day,
           min(churned_on) as first_churn
    from lifecycle
), months as (
    select cast(m as date) as month
    from bounds, range(bounds.first_month, bounds.last_day + 1, interval 1 month) as t(m)
    where m + interval 1 month > bounds.first_churn
)
select 'churn_rate', months.month,
       count(*) filter (where lifecycle.churned_on < months.month + interval 1 month), count(*), null
from months
inner join lifecycle
    on lifecycle.active_from < months.month and (lifecycle.churned_on is null or lifecycle.churned_on >= months.month)
group by all;

-- ------------------------------------------------------------------------------- result

select
    o.metric_id,
    cast(o.month as date) as period_start,
    case c.value_type
        when 'count' then o.numerator
        when 'percentage' then 100 * o.numerator / nullif(o.denominator, 0)
        when 'ratio' then o.numerator / nullif(o.denominator, 0)
        when 'percentile' then o.pct
    end as value,
    o.numerator,
    o.denominator
from observations as o
inner join read_csv(getvariable('seeds_dir') || '/metric_catalog.csv', all_varchar = true, header = true) as c
    on o.metric_id = c.metric_id
where o.month is not null
  and (coalesce(o.numerator, 0) <> 0 or coalesce(o.denominator, 0) <> 0)
order by 1, 2;
