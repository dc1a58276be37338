"""Seconds per LoRA step, PEFT vs Unsloth (CPU fallback), same recipe and data.

Prepares synthetic Chinook pairs, runs --steps steps with each backend in its worker process,
prints a table and writes benchmarks/results/train_backends.json. The first step is excluded
from the per-step figure (warm-up).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine.workspace import Workspace  # noqa: E402
from finetune.train import TrainConfig  # noqa: E402
from finetune.workflow import DataSources, prepare, run_training  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=6)
    ap.add_argument("--grad-accum", type=int, default=2)
    args = ap.parse_args()
    backends = ["peft"] + (["unsloth"] if importlib.util.find_spec("unsloth") else [])
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        ws = Workspace(Path(tmp) / "ws")
        data = Path(tmp) / "data"
        prepare(data, ws, DataSources(synthetic_db=f"sqlite:///{ROOT / 'assets/chinook.sqlite'}", synthetic_count=60, max_eval=4))
        for backend in backends:
            run = Path(tmp) / backend
            run.mkdir()
            for name in ("train.jsonl", "eval.jsonl"):
                (run / name).write_text((data / name).read_text())
            seen = []
            t0 = time.perf_counter()
            res = run_training(run, ws, TrainConfig(backend=backend, max_steps=args.steps, grad_accum=args.grad_accum, eval_every=0, checkpoint_every=10_000), progress=seen.append)
            wall = time.perf_counter() - t0
            per_step = (seen[-1].seconds - seen[0].seconds) / max(len(seen) - 1, 1)
            rows.append({"backend": res.backend, "steps": res.steps, "examples_per_step": args.grad_accum, "s_per_step": round(per_step, 2),
                         "first_step_s": round(seen[0].seconds, 2), "wall_s_incl_load": round(wall, 1), "peak_rss_mb": round(max(p.rss_mb for p in seen)),
                         "losses": [h["loss"] for h in res.history]})
    print(f"{'backend':<10} {'s/step':>7} {'first step s':>13} {'wall s (incl. load)':>20} {'peak RSS MB':>12}")
    for r in rows:
        print(f"{r['backend']:<10} {r['s_per_step']:>7} {r['first_step_s']:>13} {r['wall_s_incl_load']:>20} {r['peak_rss_mb']:>12}")
    if len(rows) == 2:
        print(f"unsloth / peft time per step: {rows[1]['s_per_step'] / rows[0]['s_per_step']:.2f}x")
    out = ROOT / "benchmarks" / "results" / "train_backends.json"
    out.write_text(json.dumps({"date": time.strftime("%Y-%m-%d"), "rows": rows}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
