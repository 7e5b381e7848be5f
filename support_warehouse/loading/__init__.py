"""Loading landing files into the raw layer: the engine-neutral parts.

``files`` (discovery, hashing, CSV dialect), ``columns`` (names, required columns), ``ledger``
(raw._loaded_files / raw._load_rejects layout, which files are new, ledger rows), ``rejects``
(reject reasons), ``notes`` (ledger notes on files without rows), ``result`` (FileOutcome,
EntityLoadResult), ``errors`` (LoadError, whose fault a failure is) and ``backend`` (the Backend
interface and the per-entity load both engines run). The engines' readers are the backends:
``support_warehouse.load`` (DuckDB) and ``support_warehouse.load_spark`` (Spark).
"""
