"""The dashboard (support_warehouse/dashboard) on the session's demo publication: every page and
filter runs without an exception under Streamlit's AppTest, shows what the publication holds, and
picks up a new publication without a restart."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from support_warehouse.dashboard import APP_PATH, data
from support_warehouse.dashboard.bench import PAGES, PAGES_DIR
from support_warehouse.publish import publish

TIMEOUT = 120


@pytest.fixture
def published(demo_publication: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SW_PUBLISH_DIR", str(demo_publication))
    return demo_publication


def read(publish_dir: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(publish_dir / "marts.duckdb"), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def page(name: str) -> AppTest:
    return AppTest.from_file(str(PAGES_DIR / f"{name}.py"), default_timeout=TIMEOUT)


def elements(at: AppTest, kind: str) -> list:
    found: list = []

    def walk(node) -> None:
        if getattr(node, "type", None) == kind:
            found.append(node)
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return found


def assert_clean(at: AppTest, what: str) -> None:
    assert not at.exception, f"{what}: {[e.value for e in at.exception]}"
    assert not at.error, f"{what}: {[e.value for e in at.error]}"


@pytest.mark.parametrize("name", PAGES)
def test_every_page_and_filter_runs(published: Path, name: str) -> None:
    at = page(name).run()
    assert_clean(at, f"{name} (defaults)")
    publication_id = read(published, "select publication_id from _publication")[0][0]
    assert publication_id in at.caption[0].value, "every page says which night it reads"
    if name != "data_quality":
        assert elements(at, "vega_lite_chart") or at.metric, f"{name} shows no chart"

    # Widgets are looked up again by key after every run (a run replaces the element tree).
    grain_key = next((r.key for r in at.sidebar.radio if r.key and r.key.endswith("_grain")), None)
    for grain in at.radio(key=grain_key).options if grain_key else []:
        at.radio(key=grain_key).set_value(grain).run()
        assert_clean(at, f"{name} grain {grain}")
    dim_key = next((s.key for s in at.sidebar.selectbox if s.key and s.key.endswith("_dim")), None)
    if dim_key:
        for index, dimension in enumerate(at.selectbox(key=dim_key).options):
            at.selectbox(key=dim_key).select_index(index).run()
            assert_clean(at, f"{name} cut by {dimension}")
            value_key = next((s.key for s in at.sidebar.selectbox if s.key and "_value_" in s.key), None)
            if value_key:  # the last value too: the first is already selected
                last = at.selectbox(key=value_key).options[-1]
                at.selectbox(key=value_key).set_value(last).run()
                assert_clean(at, f"{name} cut by {dimension} = {last}")
        at.selectbox(key=dim_key).select_index(0).run()
    other_keys = [s.key for s in at.sidebar.selectbox if s.key and not s.key.endswith("_dim") and "_value_" not in s.key]
    for key in other_keys:  # page-specific filters (data quality: entity)
        for index, option in enumerate(at.selectbox(key=key).options):
            at.selectbox(key=key).select_index(index).run()
            assert_clean(at, f"{name} {key} = {option}")
    range_key = next((d.key for d in at.sidebar.date_input if d.key and "_range_" in d.key), None)
    if range_key:  # one day at the very start of the history: mostly empty, must say so, not fail
        lo = at.date_input(key=range_key).min
        at.date_input(key=range_key).set_value((lo, lo)).run()
        assert_clean(at, f"{name} range {lo}")
        if name not in ("overview", "data_quality"):
            assert at.info or elements(at, "vega_lite_chart")


def test_overview_shows_one_tile_per_catalog_metric_and_the_alerts(published: Path) -> None:
    at = page("overview").run()
    assert_clean(at, "overview")
    metric_names = [r[0] for r in read(published, "select metric_name from dim_metrics order by display_order")]
    assert [m.label for m in at.metric] != []
    assert sorted(m.label for m in at.metric) == sorted(metric_names)
    alerts = read(published, "select count(*) from metric_alerts")[0][0]
    at_risk = read(published, "select count(*), count(*) filter (where is_overdue) from sla_at_risk")[0]
    tables = at.dataframe
    assert len(tables[0].value) == alerts, "the alerts table lists every metric alert"
    assert len(tables[1].value) == at_risk[0], "the at-risk table lists every ticket at risk"
    assert any(f"{at_risk[1]} overdue" in c.value for c in at.caption)


def test_tile_value_and_change_come_from_the_scorecard(published: Path) -> None:
    """Week grain, metric tickets_created: the tile shows the last complete week's value and its
    change against the week before, as kpi_scorecard has them."""
    as_of = read(published, "select as_of_at::date from dim_data_as_of")[0][0]
    last_complete = as_of - timedelta(days=as_of.weekday() + (0 if as_of.weekday() == 6 else 7))
    (value,), (previous,) = read(
        published,
        f"""select value from kpi_scorecard where metric_id = 'tickets_created' and period_grain = 'week'
            and dimension = 'all' and period_start in (date '{last_complete}', date '{last_complete - timedelta(days=7)}')
            order by period_start desc""",
    )
    at = page("overview").run()
    tile = next(m for m in at.metric if m.label == "Tickets created")
    assert tile.value == f"{value:,.0f}"
    assert tile.delta == f"{value - previous:+,.0f}"


def test_no_publication_says_how_to_get_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SW_PUBLISH_DIR", str(tmp_path / "nothing"))
    at = page("volume").run()
    assert not at.exception
    assert "no publication" in at.info[0].value


def test_app_navigation_starts_on_the_overview(published: Path) -> None:
    at = AppTest.from_file(str(APP_PATH), default_timeout=TIMEOUT).run()
    assert_clean(at, "app")
    assert at.title[0].value == "Overview"
    at.switch_page(str(PAGES_DIR / "team.py")).run()
    assert_clean(at, "app -> team")
    assert at.title[0].value == "Team"


def test_a_new_publication_is_read_without_restart(small_build, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    publish_dir = tmp_path / "published"
    first = publish(small_build["warehouse"], publish_dir)
    monkeypatch.setenv("SW_PUBLISH_DIR", str(publish_dir))
    at = page("phone").run()
    assert first.publication_id in at.caption[0].value
    old = data.current()
    second = publish(small_build["warehouse"], publish_dir)
    assert data.current().publication_id == second.publication_id != old.publication_id
    at.run()  # the same session, no restart
    assert_clean(at, "phone after a new publication")
    assert second.publication_id in at.caption[0].value


def test_data_quality_shows_when_each_entity_last_loaded(published: Path) -> None:
    from support_warehouse.contract import ENTITIES

    loads = read(published, "select entity, files_loaded, last_status from entity_loads order by entity")
    assert [r[0] for r in loads] == sorted(ENTITIES), "every entity of the contract loaded in the demo night"
    assert all(files >= 1 and status != "failed" for _, files, status in loads)
    at = page("data_quality").run()
    assert_clean(at, "data quality")
    shown = at.dataframe[-1].value
    assert list(shown["Entity"]) == sorted(ENTITIES)
    assert all(shown["Last loaded"].str.endswith("UTC"))


def test_cli_serves_the_app_on_the_given_publish_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import subprocess

    from support_warehouse.cli import main

    calls: list = []
    monkeypatch.setattr(subprocess, "call", lambda cmd, env: calls.append((cmd, env)) or 0)
    assert main(["dashboard", "--port", "8600", "--publish-dir", str(tmp_path)]) == 0
    (cmd, env), = calls
    assert cmd[1:5] == ["-m", "streamlit", "run", str(APP_PATH)]
    assert cmd[cmd.index("--server.port") + 1] == "8600"
    assert cmd[cmd.index("--server.address") + 1] == "127.0.0.1"
    assert env["SW_PUBLISH_DIR"] == str(tmp_path.resolve())


def test_volume_ticket_types_follow_the_grain_and_flag_new_types_and_spikes(published: Path) -> None:
    """Month grain: the ticket types table is the last complete month of ticket_type_trends (month
    rows), with its month-over-month change; flags name new types and spikes."""
    at = page("volume").run()
    at.radio(key="volume_grain").set_value("month").run()
    assert_clean(at, "volume month")
    (last,) = read(published, """select max(period_start) from ticket_type_trends
                                 where period_grain = 'month' and is_complete_period""")[0]
    rows = read(published, f"""select ticket_type, tickets, tickets_change from ticket_type_trends
                               where period_grain = 'month' and period_start = date '{last}'""")
    table = at.dataframe[0].value
    assert sorted(table["Type"]) == sorted(r[0] for r in rows)
    shown = dict(zip(table["Type"], table["Tickets"], strict=True))
    assert shown == {r[0]: r[1] for r in rows}
    assert "Change vs prev. month" in table.columns
    at.radio(key="volume_grain").set_value("day").run()
    assert_clean(at, "volume day")
    flagged = read(published, "select count(*) from ticket_type_trends where period_grain = 'day' and (is_spike or is_new_type)")[0][0]
    assert flagged > 0, "the demo has spikes or new types to show"


def test_speed_heatmap_counts_each_conversation_once(published: Path) -> None:
    """The weekday x hour heatmap reads one period_grain and channel 'all': over the whole history
    (day grain) its cells add up to the history's conversations per week, not a multiple."""
    at = page("speed").run()
    at.radio(key="speed_grain").set_value("day").run()
    assert_clean(at, "speed day")
    (expected,) = read(published, """select sum(conversations_per_week_avg) from response_time_by_hour
                                     where period_grain = 'all' and channel = 'all'""")[0]
    from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df

    chart = next(c for c in elements(at, "vega_lite_chart") if "conversations_per_week" in c.proto.spec)
    cells = [convert_arrow_bytes_to_pandas_df(ds.data.data) for ds in chart.proto.datasets]
    cells = [df for df in cells if "conversations_per_week" in df]
    assert cells and not cells[0].empty, "the heatmap has data"
    assert cells[0]["conversations_per_week"].sum() == pytest.approx(expected)


def test_overview_tiles_show_small_samples_as_such(published: Path) -> None:
    """A tile whose last complete week is below its metric's minimum sample says 'small sample',
    not on or off target."""
    as_of = read(published, "select as_of_at::date from dim_data_as_of")[0][0]
    last_complete = as_of - timedelta(days=as_of.weekday() + (0 if as_of.weekday() == 6 else 7))
    small = read(published, f"""select count(*) from kpi_scorecard where period_grain = 'week' and dimension = 'all'
                                and period_start = date '{last_complete}' and target_status = 'small_sample'""")[0][0]
    at = page("overview").run()
    assert_clean(at, "overview")
    captions = [c.value for c in at.caption if c.value.startswith(f"{last_complete:%d %b %Y}")]
    marked = [c for c in captions if "small sample" in c]
    assert len(marked) == small
    assert not any("on target" in c or "off target" in c for c in marked)
