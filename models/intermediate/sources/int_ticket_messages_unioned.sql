{#
    Messages of every source system. Zendesk comments take their author type from the commenting
    user's role (agent/admin: agent, end-user: customer; an unknown user: system, counted on
    neither side); internal notes are the non-public comments. Intercom parts: comments, notes
    (internal) and assignments with a body, authored by admin (agent), user/lead (customer) or bot.
#}

with

contract_messages as (
    select * from {{ ref('stg_helpdesk__ticket_messages') }}
),

zendesk_comments as (
    select * from {{ ref('stg_zendesk__ticket_comments') }}
),

zendesk_users as (
    select * from {{ ref('stg_zendesk__users') }}
),

zendesk_authored as (
    select
        zendesk_comments.*,
        case
            when zendesk_users.is_agent then 'agent'
            when zendesk_users.user_role = 'end-user' then 'customer'
            else 'system'
        end as author_type,
        -- a user whose role changed re-types their comments
        greatest(zendesk_comments._loaded_at, coalesce(zendesk_users._loaded_at, zendesk_comments._loaded_at)) as authored_loaded_at
    from zendesk_comments
    left join zendesk_users
        on zendesk_comments.author_id = zendesk_users.user_id
),

-- Intercom parts that say something; the author type is the part's own (admin, user/lead, bot)
intercom_parts as (
    select * from {{ ref('stg_intercom__conversation_parts') }}
    where is_message
),

-- Connector messages are replies or customer messages by the same rule as the contract's.
unioned as (
    {{ union_sources(
        ['message_id', 'ticket_id', 'author_type', 'author_id', 'is_public', 'is_agent_reply',
            'is_customer_message', 'created_at', 'source_system', 'source_message_id',
            '_source_file', '_source_line', '_loaded_at'],
        [
            ['contract_messages', 'contract', {'source_message_id': 'message_id'}],
            ['zendesk_authored', 'zendesk', {
                'is_agent_reply': "author_type = 'agent' and is_public",
                'is_customer_message': "author_type = 'customer' and is_public",
                '_loaded_at': 'authored_loaded_at',
            }],
            ['intercom_parts', 'intercom', {
                'is_agent_reply': "author_type = 'agent' and is_public",
                'is_customer_message': "author_type = 'customer' and is_public",
            }],
        ]) }}
),

final as (
    select * from unioned
)

select * from final
