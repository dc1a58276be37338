"""One markdown table of EX per set, model and mode from `sqlsage eval --json` result files.

The README's grid is this script's output, so its figures can be re-derived from the JSON:
`python benchmarks/summary.py benchmarks/results/accuracy_*_grid*.json`.
Writes benchmarks/results/summary.json beside the table it prints.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
MODE_ORDER = ("zero-shot", "rag", "ft", "ft+rag")


def _mode_rank(mode: str) -> int:
    return MODE_ORDER.index(mode) if mode in MODE_ORDER else len(MODE_ORDER)


def rows_of(path: Path) -> list[dict]:
    """A row per mode of one result file, with what its figures depend on."""
    data = json.loads(path.read_text())
    set_name = path.stem.removeprefix("accuracy_").split("_")[0]
    out = []
    for mode in data["summary"]:
        s = data["summary"][mode]
        items = data.get("items", {}).get(mode, [])
        kept = [r for r in items if "reconstructed" not in r.get("flags", [])]
        out.append({
            "set": set_name,
            "model": data["model"].split(" (ft:")[0],
            "mode": mode,
            "ex": s["ex"],
            "correct": s["correct"],
            "total": s["total"],
            "ex_without_reconstructed": (sum(r["correct"] for r in kept) / len(kept)) if kept and len(kept) < len(items) else None,
            "p50_s": s["p50_s"],
            "mean_s": s["mean_s"],
            "threads": data.get("threads"),
            "levers": data.get("levers") or {},
            "file": path.name,
        })
    return out


def markdown(rows: list[dict]) -> str:
    lines = ["| set | model | mode | EX | n | EX w/o wta_1 rebuilt rows | p50 s | mean s | threads | file |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for r in rows:
        wo = f"{r['ex_without_reconstructed']:.3f}" if r["ex_without_reconstructed"] is not None else ""
        lines.append(f"| {r['set']} | {r['model']} | {r['mode']} | {r['ex']:.3f} ({r['correct']}/{r['total']}) | {r['total']} "
                     f"| {wo} | {r['p50_s']:.2f} | {r['mean_s']:.2f} | {r['threads'] or ''} | `{r['file']}` |")
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("files", nargs="*", type=Path, help="result files (default: every accuracy_*_grid*.json)")
    ap.add_argument("--out", type=Path, default=RESULTS / "summary.json")
    args = ap.parse_args()
    files = args.files or sorted(RESULTS.glob("accuracy_*_grid*.json"))
    if not files:
        print("error: no result files; run benchmarks/accuracy.py --tag grid first", file=sys.stderr)
        return 2
    rows = [r for f in files for r in rows_of(f)]
    rows.sort(key=lambda r: (r["set"], r["model"], _mode_rank(r["mode"])))
    print(markdown(rows))
    args.out.write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
