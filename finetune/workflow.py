"""The whole fine-tune as one readable sequence: data → train → export → evaluate → register.

Used by `sqlsage finetune` and by the GUI wizard; each step is also callable alone.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from engine.catalog.model import SchemaCatalog
from engine.catalog.spider_tables import load_spider_tables
from engine.llm.registry import ModelRegistry, ModelSpec
from engine.workspace import Workspace
from finetune.data import (
    PROMPT_STYLES,
    TrainPair,
    dedupe,
    examples_file,
    pairs_from_csv,
    pairs_from_spider,
    render,
    save_jsonl,
    split,
    validate_pairs,
)
from finetune.export import export_lora_gguf, model_heads
from finetune.process import train_in_subprocess
from finetune.train import TrainConfig, TrainProgress, TrainResult
from finetune.versions import register_version


@dataclass
class DataSources:
    spider_json: list[Path] = field(default_factory=list)
    spider_tables: list[Path] = field(default_factory=list)  # schemas for the Spider (and BIRD) pairs
    csv_files: list[Path] = field(default_factory=list)
    saved_db: str | None = None  # a connection whose saved 👍 pairs join the data
    synthetic_db: str | None = None  # generate templated pairs from this database's schema
    synthetic_count: int = 0
    # templated ratio and date pairs (finetune.behaviours), over the --tables schemas the other pairs train on
    behaviours: int = 0
    exclude_dbs: set[str] = field(default_factory=set)  # never train on what you report accuracy on
    eval_fraction: float = 0.1
    max_eval: int = 60
    seed: int = 13


@dataclass
class PreparedData:
    train: int
    eval: int
    invalid: list[str]
    sources: dict


def prepare(run_dir: Path, ws: Workspace, src: DataSources) -> PreparedData:
    """Collect, validate, de-duplicate, split; write train.jsonl / eval.jsonl (one pair per prompt style) in run_dir."""
    run_dir = Path(run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    catalogs: dict[str, SchemaCatalog] = {}
    pairs: list[TrainPair] = []
    counts: dict[str, int] = {}
    for path in src.spider_tables:
        for db_id, cat in load_spider_tables(path).items():
            if db_id in catalogs and db_id not in src.exclude_dbs and catalogs[db_id] != cat:
                # Spider train and BIRD both have a formula_1, with different columns
                raise ValueError(f"{path} defines database {db_id!r} again, with another schema; exclude it (--exclude-db {db_id}) or keep one file")
            catalogs[db_id] = cat
    for path in src.spider_json:
        got = pairs_from_spider(path, src.exclude_dbs)
        counts[f"spider:{Path(path).name}"] = len(got)
        pairs += got
    if src.behaviours:
        from finetune.behaviours import sample_behaviours

        # only the schemas the loaded pairs train on: a tables.json also holds the schemas of evaluated
        # sets (Spider's holds dev's 20), and templated pairs over them would train on those schemas
        trained = {p.db_id for p in pairs}
        schemas = {k: c for k, c in catalogs.items() if k not in src.exclude_dbs and (not trained or k in trained)}
        got = [TrainPair(q, s, db, "behaviours") for db, q, s in sample_behaviours(schemas, src.behaviours, src.seed)]
        counts["behaviours"] = len(got)
        pairs += got
    for path in src.csv_files:
        got = pairs_from_csv(path, db_id="csv")
        counts[f"csv:{Path(path).name}"] = len(got)
        pairs += got
    for url, kind in ((src.saved_db, "saved"), (src.synthetic_db, "synthetic")):
        if not url:
            continue
        from engine.session import open_session

        session = open_session(ws, url)
        key = f"{kind}:{session.catalog.name}"
        catalogs[key] = session.catalog
        if kind == "saved":
            from finetune.data import pairs_from_saved

            got = pairs_from_saved(ws.read_jsonl(url, "examples.jsonl"), key)
        else:
            from finetune.synthetic import synthetic_pairs

            got = [TrainPair(q, s, key, "synthetic") for q, s in synthetic_pairs(session.catalog, src.synthetic_count, seed=src.seed)]
        counts[key] = len(got)
        pairs += got
    if any(p.db_id == "csv" for p in pairs) and "csv" not in catalogs:
        if src.saved_db or src.synthetic_db:
            first = next(k for k in catalogs if k.startswith(("saved:", "synthetic:")))
            catalogs["csv"] = catalogs[first]
    good, bad = validate_pairs(pairs, catalogs)
    train_pairs, eval_pairs = split(dedupe(good), src.eval_fraction, src.seed, src.max_eval)
    old_train = (run_dir / "train.jsonl").read_bytes() if (run_dir / "train.jsonl").exists() else None
    for style in PROMPT_STYLES:
        save_jsonl(examples_file(run_dir, "train", style), render(train_pairs, catalogs, style))
        save_jsonl(examples_file(run_dir, "eval", style), render(eval_pairs, catalogs, style))
    if old_train is not None and old_train != (run_dir / "train.jsonl").read_bytes():
        set_aside_checkpoint(run_dir)
    save_jsonl(run_dir / "eval_pairs.jsonl", eval_pairs)
    info = PreparedData(len(train_pairs), len(eval_pairs), [f"{p.question[:60]!r}: {why}" for p, why in bad], counts)
    (run_dir / "data.json").write_text(json.dumps(asdict(info), indent=1))
    return info


def set_aside_checkpoint(run_dir: Path) -> Path | None:
    """New training data means a new run: the old checkpoint must not be resumed on it, but it is
    kept (as checkpoint.previous) rather than deleted."""
    ckpt = Path(run_dir) / "checkpoint"
    if not ckpt.exists():
        return None
    import os
    import shutil

    previous = Path(run_dir) / "checkpoint.previous"
    shutil.rmtree(previous, ignore_errors=True)
    os.replace(ckpt, previous)
    return previous


def checkpoint_state(run_dir: Path) -> dict | None:
    """The last checkpoint's step and loss history, or None when there is no readable one."""
    state = Path(run_dir) / "checkpoint" / "state.json"
    try:
        saved = json.loads(state.read_text())
        int(saved["step"])
    except (OSError, ValueError, KeyError, TypeError):  # JSONDecodeError is a ValueError
        return None
    return saved


def unfinished_run(run_dir: Path) -> int | None:
    """The step an interrupted run stopped at (its data is prepared and a checkpoint exists)."""
    saved = checkpoint_state(run_dir)
    if saved is None or not (Path(run_dir) / "train.jsonl").exists():
        return None
    return int(saved["step"])


def run_training(
    run_dir: Path,
    ws: Workspace,
    config: TrainConfig,
    progress: Callable[[TrainProgress], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
    on_event: Callable[[dict], None] | None = None,
) -> TrainResult:
    """Train in a child process (see finetune.process); raises TrainingFailed with the reason."""
    registry = ModelRegistry(ws.models_dir)
    spec = registry.get(config.base_model)
    gguf = registry.resolve_path(spec)
    config.prompt_style = spec.prompt_style  # train on the prompts the model will be asked with
    return train_in_subprocess(run_dir, gguf, config, progress, should_stop, on_event)


def start_adapter(ws: Workspace, name_or_path: str, base: str) -> str:
    """The adapter .gguf a fine-tune continues from: a model version's adapter, or a file.

    Continuing from the current version keeps what it learnt (the bundled Spider adapter's
    SQL habits) instead of re-learning it from the bare base model."""
    registry = ModelRegistry(ws.models_dir)
    if Path(name_or_path).suffix == ".gguf":
        path = Path(name_or_path)
    else:
        from engine.llm.registry import adapter_path

        spec = registry.get(name_or_path)
        if not spec.adapter:
            raise ValueError(f"Model {spec.name} has no LoRA adapter to continue from; pick a fine-tuned version.")
        if spec.base != base:
            raise ValueError(f"{spec.name}'s adapter belongs to {spec.base}, not {base}; train with --base {spec.base}.")
        path = adapter_path(spec)
    if not path.is_file():
        raise ValueError(f"Adapter file {path} does not exist.")
    return str(path)


def export_and_register(run_dir: Path, ws: Workspace, base: str, metrics: dict | None = None, name: str | None = None) -> ModelSpec:
    registry = ModelRegistry(ws.models_dir)
    gguf = registry.resolve_path(registry.get(base))
    arch, n_head, n_kv = model_heads(gguf)
    adapter = export_lora_gguf(Path(run_dir) / "checkpoint", Path(run_dir) / "adapter.gguf", arch, n_head, n_kv)
    data = json.loads((Path(run_dir) / "data.json").read_text()) if (Path(run_dir) / "data.json").exists() else {}
    return register_version(ws, adapter, base, metrics or {}, data, name)
