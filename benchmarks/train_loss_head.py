"""Seconds per training example (forward + backward): the LM head over every position vs the SQL's only.

For each bundled base model: the same examples (synthetic Chinook pairs in the model's prompt
style, token ids from llama.cpp), one LoRA (r=16, q/k/v/o), the loss computed both ways —
transformers' own with the prompt masked to -100, and `finetune.train.completion_loss`. Prints
a table, checks the two losses agree, writes benchmarks/results/train_loss_head.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine.llm.registry import ModelRegistry  # noqa: E402
from engine.workspace import Workspace  # noqa: E402
from finetune.data import examples_file, load_examples  # noqa: E402
from finetune.tokens import LlamaTokens  # noqa: E402
from finetune.train import TrainConfig, _attach_lora, _encode_all, completion_loss, load_base  # noqa: E402
from finetune.workflow import DataSources, prepare  # noqa: E402

BASES = {"smollm2-135m": "chatml", "gemma3-270m": "plain"}


def per_example(model, encoded, full: bool) -> tuple[float, list[float]]:
    import torch

    losses, t0 = [], time.perf_counter()
    for ids, labels in encoded:
        if full:
            loss = model(input_ids=torch.tensor([ids]), labels=torch.tensor([labels])).loss
        else:
            loss = completion_loss(model, ids, labels)
        loss.backward()
        losses.append(float(loss.detach()))
    model.zero_grad()
    return (time.perf_counter() - t0) / len(encoded), losses


def main() -> int:
    import torch

    ap = argparse.ArgumentParser()
    ap.add_argument("--examples", type=int, default=8)
    args = ap.parse_args()
    torch.set_num_threads(2)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        ws = Workspace(Path(tmp) / "ws")
        data = Path(tmp) / "data"
        prepare(data, ws, DataSources(synthetic_db=f"sqlite:///{ROOT / 'assets/chinook.sqlite'}", synthetic_count=40, max_eval=4))
        reg = ModelRegistry(ws.models_dir)
        for name, style in BASES.items():
            gguf = reg.resolve_path(reg.get(name))
            if not gguf.exists():
                print(f"{name}: not installed, skipped")
                continue
            encoded = _encode_all(LlamaTokens(gguf), load_examples(examples_file(data, "train", style))[: args.examples], 640)
            model = _attach_lora(load_base(gguf), TrainConfig(), "peft")
            per_example(model, encoded[:1], False)  # warm-up
            full_s, full_l = per_example(model, encoded, True)
            sql_s, sql_l = per_example(model, encoded, False)
            agree = max(abs(a - b) / max(abs(a), 1e-9) for a, b in zip(full_l, sql_l, strict=True))
            rows.append({"model": name, "examples": len(encoded), "mean_tokens": round(sum(len(i) for i, _ in encoded) / len(encoded)),
                         "full_head_s": round(full_s, 3), "sql_only_s": round(sql_s, 3), "speedup": round(full_s / sql_s, 2),
                         "max_rel_loss_diff": agree})
    print(f"{'model':<14} {'examples':>8} {'tokens':>7} {'full head s':>12} {'SQL only s':>11} {'speed-up':>9} {'loss diff':>10}")
    for r in rows:
        print(f"{r['model']:<14} {r['examples']:>8} {r['mean_tokens']:>7} {r['full_head_s']:>12} {r['sql_only_s']:>11} {r['speedup']:>8}x {r['max_rel_loss_diff']:>10.1e}")
    out = ROOT / "benchmarks" / "results" / "train_loss_head.json"
    out.write_text(json.dumps({"date": time.strftime("%Y-%m-%d"), "threads": 2, "rows": rows}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
