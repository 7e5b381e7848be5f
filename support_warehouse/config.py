"""Paths and settings, from environment variables with defaults relative to the repo root."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

# DuckDB storage format of the marts file (and so of the published copy): readable by every DuckDB
# >= 1.0, since BI drivers often bundle an older DuckDB than the warehouse uses. profiles.yml too.
MARTS_STORAGE_VERSION = "v1.0.0"
REPO_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = REPO_ROOT


def _path(var: str, default: str) -> Path:
    p = Path(os.environ.get(var, default)).expanduser()
    return p if p.is_absolute() else (Path.cwd() / p if var in os.environ else REPO_ROOT / p)


def landing_dir() -> Path:
    return _path("SW_LANDING_DIR", "data/landing")


def warehouse_path() -> Path:
    return _path("SW_WAREHOUSE_PATH", "data/warehouse.duckdb")


def marts_path(warehouse: Path | str | None = None) -> Path:
    """The DuckDB file the build writes its marts to (attached to the build database as catalog
    `marts`, profiles.yml): SW_MARTS_PATH, else <build database>.marts.duckdb beside it. Publishing
    copies this file whole instead of rewriting every mart (support_warehouse.publish)."""
    if "SW_MARTS_PATH" in os.environ:
        return _path("SW_MARTS_PATH", "")
    db = Path(warehouse) if warehouse is not None else warehouse_path()
    stem = db.name[: -len(".duckdb")] if db.name.endswith(".duckdb") else db.name
    return db.with_name(stem + ".marts.duckdb")


def connect_build(warehouse: Path | str | None = None, read_only: bool = False):
    """A DuckDB connection to the build database with its marts file attached, so `marts.<mart>`
    resolves as it does inside dbt (catalog `marts`, schema `main`)."""
    import duckdb

    db = Path(warehouse) if warehouse is not None else warehouse_path()
    con = duckdb.connect(str(db), read_only=read_only)
    marts = marts_path(db)
    if not read_only or marts.exists():
        option = " (read_only)" if read_only else f" (storage_version '{MARTS_STORAGE_VERSION}')"
        path = str(marts).replace("'", "''")
        con.execute(f"attach if not exists '{path}' as marts{option}")
    return con


def publish_dir() -> Path:
    return _path("SW_PUBLISH_DIR", "data/published")


def dagster_home() -> Path:
    return _path("DAGSTER_HOME", "data/dagster")


def dbt_target() -> str:
    return os.environ.get("SW_DBT_TARGET", "duckdb")


def dbt_target_path() -> Path:
    """dbt artifacts folder (manifest, run results); separate one per developer or helper."""
    return _path("SW_DBT_TARGET_PATH", "target")


def reporting_timezone() -> str:
    return os.environ.get("SW_REPORTING_TZ", "UTC")


def plausible_from() -> str:
    """Earliest plausible timestamp (dbt var plausible_from): anything earlier is a rejected row."""
    return os.environ.get("SW_PLAUSIBLE_FROM", "2000-01-01")


def plausible_days_after_load() -> int:
    """A timestamp more than this many days after its row's load time is a rejected row (dbt var
    plausible_days_after_load); agent shift dates: plausible_schedule_days_after_load()."""
    return int(os.environ.get("SW_PLAUSIBLE_DAYS_AFTER_LOAD", "31"))


def plausible_schedule_days_after_load() -> int:
    """Shifts are planned ahead: a shift date may lie up to this many days after its load."""
    return int(os.environ.get("SW_PLAUSIBLE_SCHEDULE_DAYS_AFTER_LOAD", "366"))


def pii_hash_key_file() -> Path:
    """Where the PII hash key lives when SW_PII_HASH_KEY is not set (SW_PII_HASH_KEY_FILE): outside
    the repository and the publication, so neither a clone nor a published file carries it."""
    return _path("SW_PII_HASH_KEY_FILE", str(Path.home() / ".config" / "support-warehouse" / "pii_hash.key"))


def pii_hash_key() -> str:
    """The secret of the keyed PII hashes (HMAC-SHA256; DECISIONS.md "Keyed PII hashes"):
    SW_PII_HASH_KEY, else the key file, created with a random key (mode 600) on first use."""
    key = os.environ.get("SW_PII_HASH_KEY", "").strip()
    if key:
        return key
    path = pii_hash_key_file().resolve()
    for forbidden in (REPO_ROOT, publish_dir().resolve()):
        if path == forbidden or forbidden in path.parents:
            raise ValueError(f"SW_PII_HASH_KEY_FILE must lie outside {forbidden}: {path}")
    if not path.exists():
        import secrets

        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:  # O_EXCL: two first runs at once keep one key
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_hex(32) + "\n")
    key = path.read_text().strip()
    if not key:
        raise ValueError(f"the PII hash key file is empty: {path}")
    return key


def pii_hmac_pads(key: str | None = None) -> tuple[str, str]:
    """HMAC-SHA256's inner and outer padded keys (RFC 2104) as hex: SQL computes
    sha256(outer || sha256(inner || message)) with them (macro hash_pii)."""
    import hashlib

    k = (key if key is not None else pii_hash_key()).encode()
    if len(k) > 64:
        k = hashlib.sha256(k).digest()
    k = k.ljust(64, b"\0")
    return bytes(b ^ 0x36 for b in k).hex(), bytes(b ^ 0x5C for b in k).hex()


def spark_pii_env() -> dict[str, str]:
    """Environment a dbt run on target spark needs for the keyed PII hashes (macro spark__hash_pii:
    Spark has no session variable dbt could set, so the padded keys come from the environment)."""
    return {"SW_PII_HMAC_PADS": ":".join(pii_hmac_pads())}


def duckdb_memory_limit() -> str:
    return os.environ.get("SW_DUCKDB_MEMORY_LIMIT", "6GB")


def duckdb_temp_dir(warehouse: Path | None = None) -> Path:
    """Where DuckDB spills beyond its memory limit: SW_DUCKDB_TEMP_DIR, else <build database>.tmp."""
    if "SW_DUCKDB_TEMP_DIR" in os.environ:
        return _path("SW_DUCKDB_TEMP_DIR", "")
    db = Path(warehouse) if warehouse is not None else warehouse_path()
    return db.with_name(db.name + ".tmp")


def duckdb_threads() -> int:
    return int(os.environ.get("SW_DUCKDB_THREADS", "2"))


def transparent_huge_pages() -> str:
    """SW_TRANSPARENT_HUGE_PAGES: `off` (default; disable_transparent_huge_pages) or `system`."""
    value = os.environ.get("SW_TRANSPARENT_HUGE_PAGES", "off").strip().lower()
    if value not in ("off", "system"):
        raise ValueError(f"SW_TRANSPARENT_HUGE_PAGES must be 'off' or 'system', not {value!r}")
    return value


def disable_transparent_huge_pages() -> bool:
    """Turn transparent huge pages off for this process and every process it starts (dbt), unless
    SW_TRANSPARENT_HUGE_PAGES=system; True when they are off. Linux only (prctl), else a no-op.

    Why: DuckDB asks for huge pages for its large allocations, and the kernel zeroes each 2 MB page
    in full when it is first touched; on a VM whose host backs guest memory lazily that zeroing
    stalls on the host. A 1M-ticket full refresh spent 18-61 s of kernel time (perf:
    clear_page_erms under do_huge_pmd_anonymous_page, both cores ~90% in the kernel for 10 s at
    worst) and took 88-108 s; with 4 KB pages 9-13 s and 83-86 s (six runs; docs/performance.md)."""
    if transparent_huge_pages() == "system" or not sys.platform.startswith("linux"):
        return False
    import ctypes

    pr_set_thp_disable = 41  # <linux/prctl.h>; inherited by children across fork and exec
    try:
        return ctypes.CDLL(None, use_errno=True).prctl(pr_set_thp_disable, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def spark_warehouse_dir() -> Path:
    """Spark target: tables, Derby metastore and derby.log (SW_SPARK_WAREHOUSE_DIR, profiles.yml)."""
    return _path("SW_SPARK_WAREHOUSE_DIR", "data/spark-warehouse")


def spark_mirror_path() -> Path:
    """Spark target: DuckDB copy of the marts, audit and loader tables that publishing, the
    rejected-rows checks and the summary read (SW_SPARK_MIRROR_PATH, default in the Spark dir)."""
    return _path("SW_SPARK_MIRROR_PATH", str(spark_warehouse_dir() / "build_mirror.duckdb"))


def build_database(target: str | None = None) -> Path:
    """The DuckDB file holding the night's marts: the build database on duckdb, the mirror on spark."""
    return spark_mirror_path() if (target or dbt_target()) == "spark" else warehouse_path()


@contextmanager
def env_overrides(overrides: Mapping[str, str | None]) -> Iterator[None]:
    """Set the given environment variables (None: leave as is) for the duration, then restore them:
    the settings above, and the dbt processes started meanwhile, see the new values."""
    saved = {k: os.environ.get(k) for k, v in overrides.items() if v is not None}
    os.environ.update({k: v for k, v in overrides.items() if v is not None})
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
