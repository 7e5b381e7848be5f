"""dbt-duckdb plugin (profiles.yml `plugins`): hands the PII hash key to every DuckDB connection and
cursor dbt opens, as the session variables `sw_pii_hmac_inner` / `sw_pii_hmac_outer` (the padded
HMAC keys, hex) that macro hash_pii reads. Set from Python with a bound parameter, so the key never
appears in compiled SQL, dbt's logs or the command line."""

from __future__ import annotations

from typing import Any

from dbt.adapters.duckdb.plugins import BasePlugin

from support_warehouse import config


class Plugin(BasePlugin):
    def initialize(self, plugin_config: dict[str, Any]) -> None:
        self._pads = config.pii_hmac_pads()

    def _set(self, con: Any) -> None:
        inner, outer = self._pads
        con.execute("set variable sw_pii_hmac_inner = ?", [inner])
        con.execute("set variable sw_pii_hmac_outer = ?", [outer])

    def configure_connection(self, conn: Any) -> None:
        self._set(conn)

    def configure_cursor(self, cursor: Any) -> None:
        self._set(cursor)
