"""dbt's documentation site for analysts (README "Semantic layer and docs site").

``build_docs_site()`` runs ``dbt docs generate --static`` against the build database (every model,
column, test and the lineage graph, with the column types dbt reads from the warehouse catalog) and
publishes the one self-contained page it writes as ``<publish_dir>/docs/index.html``, beside the
published marts: it opens from disk in any browser, with no server. The page holds definitions and
SQL, never rows, so publishing it adds nothing the PII guard would have to check.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from . import config

DOCS_DIRNAME = "docs"


class DocsSiteError(RuntimeError):
    pass


def build_docs_site(
    warehouse: Path | None = None,
    publish_dir: Path | None = None,
    target_path: Path | None = None,
) -> Path:
    """Generate the static docs site from the build database and publish it; returns its path."""
    from .dbt_runner import run_dbt

    warehouse = Path(warehouse) if warehouse is not None else config.warehouse_path()
    if not warehouse.exists():
        raise DocsSiteError(f"no build database at {warehouse}: build the warehouse first (support-warehouse demo)")
    target_path = Path(target_path) if target_path is not None else config.dbt_target_path()
    result = run_dbt(["docs", "generate", "--static"], warehouse=warehouse, target_path=target_path)
    page = target_path / "static_index.html"
    if not result.success or not page.exists():
        raise DocsSiteError(f"dbt docs generate failed: {result.exception or 'see the dbt log in ' + str(target_path)}")

    docs_dir = (Path(publish_dir) if publish_dir is not None else config.publish_dir()) / DOCS_DIRNAME
    docs_dir.mkdir(parents=True, exist_ok=True)
    published = docs_dir / "index.html"
    # Written beside and renamed over the old page: a reader never opens half a page.
    fd, tmp = tempfile.mkstemp(dir=docs_dir, prefix=".index.", suffix=".html")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(page.read_bytes())
        os.chmod(tmp, 0o644)
        os.replace(tmp, published)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return published
