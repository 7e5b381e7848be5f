"""Several systems landed side by side (issue 23): the contract's folders (tickets, calls, a survey
export, ...), Zendesk and Intercom connector tables in one landing folder build one warehouse
whose keys never collide and whose facts keep each row's source system and own id."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from connector_night import query as _query
from connector_night import run_night
from support_warehouse.generate import generate
from support_warehouse.generate_intercom import generate_intercom
from support_warehouse.generate_zendesk import generate_zendesk

END = date(2026, 11, 30)


@pytest.fixture(scope="module")
def night(night_stage) -> dict:
    def write(landing: Path) -> dict[str, int]:
        counts = generate(landing, tickets=150, days=30, seed=5, bad_rows_share=0.0, end_date=END)
        generate_zendesk(landing, tickets=100, days=30, seed=6, end_date=END, bad_rows=False)
        generate_intercom(landing, conversations=100, days=30, seed=7, end_date=END, bad_rows=False)
        return counts

    return run_night(night_stage, "mixed", write)


def test_contract_zendesk_and_intercom_side_by_side_without_key_collisions(night: dict) -> None:
    report, wh = night["report"], night["warehouse"]
    assert report.ok, report
    assert report.publication is not None
    loaded = {e for e, r in report.entities.items() if r.rows_loaded}
    assert {"tickets", "calls", "survey_responses", "zendesk__ticket", "intercom__conversation_history"} <= loaded
    tickets = dict(_query(wh, """
        select source_system, count(*) from marts.fct_tickets group by source_system
    """))
    # every generated ticket of each system, none lost to a collision (no bad rows were generated)
    assert tickets == {"contract": night["written"]["tickets"], "zendesk": 100, "intercom": 100}
    assert _query(wh, "select count(distinct ticket_id) from marts.fct_tickets") == [(sum(tickets.values()),)]
    assert _query(wh, """
        select count(*) from marts.fct_tickets
        where ticket_id <> case source_system when 'contract' then source_ticket_id
                                              else source_system || ':' || source_ticket_id end
    """) == [(0,)]
    # survey responses of the three systems, each on its own scale, keys distinct
    surveys = dict(_query(wh, """
        select case when response_id like 'zendesk:%' then 'zendesk' when response_id like 'intercom:%' then 'intercom'
                    else 'contract' end, count(distinct response_id)
        from marts.fct_survey_responses group by 1
    """))
    assert set(surveys) == {"contract", "zendesk", "intercom"} and min(surveys.values()) > 0
    assert _query(wh, "select count(*), count(distinct response_id) from marts.fct_survey_responses")[0] == (
        (sum(surveys.values()),) * 2
    )
    # agents and customers of the three systems side by side
    agents = dict(_query(wh, """
        select case when agent_id like 'zendesk:%' then 'zendesk' when agent_id like 'intercom:%' then 'intercom'
                    else 'contract' end, count(*)
        from marts.dim_agents group by 1
    """))
    assert agents["zendesk"] == 10 and agents["intercom"] == 8 and agents["contract"] > 0
    assert _query(wh, "select count(*) from audit.rejected_rows where reason like 'unknown%'") == [(0,)]
