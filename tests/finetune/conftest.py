import shutil
from pathlib import Path

import pytest

from finetune.workflow import DataSources, prepare


@pytest.fixture(scope="session")
def tiny_run(tmp_path_factory):
    """A prepared run directory: synthetic pairs over Chinook (short prompts, real schema)."""
    from engine.workspace import Workspace
    from tests.conftest import CHINOOK

    root = tmp_path_factory.mktemp("ft")
    ws = Workspace(root / "ws")
    run = root / "run"
    info = prepare(run, ws, DataSources(synthetic_db=f"sqlite:///{CHINOOK}", synthetic_count=40, max_eval=6))
    assert info.train > 10
    return ws, run


def base_gguf(ws, name: str = "smollm2-135m") -> Path:
    """The GGUF file of a bundled base model, as the workspace's registry resolves it."""
    from engine.llm.registry import ModelRegistry

    registry = ModelRegistry(ws.models_dir)
    return registry.resolve_path(registry.get(name))


def fresh_copy(run, dest):
    """The prepared data of a run, without its checkpoints, adapter, lock or log."""
    shutil.copytree(run, dest, ignore=shutil.ignore_patterns("checkpoint*", "adapter*", "train.lock", "train.log"))
    return dest
