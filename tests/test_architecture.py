"""Layering: engine/ and finetune/ never import Qt or app/ (import-linter also checks this in CI)."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def imports(pkg: str) -> set[str]:
    out = set()
    for f in (ROOT / pkg).rglob("*.py"):
        for node in ast.walk(ast.parse(f.read_text())):
            if isinstance(node, ast.Import):
                out.update(a.name.split(".")[0] for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                out.add(node.module.split(".")[0])
    return out


def test_engine_is_headless():
    assert not {"PySide6", "app", "finetune"} & imports("engine")


def test_finetune_is_headless():
    assert not {"PySide6", "app"} & imports("finetune")
