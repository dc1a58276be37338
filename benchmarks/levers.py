"""Each accuracy lever alone and together, on the same questions, with `sqlsage eval --lever`.

For every set (Chinook's 84 Spider questions, a fixed-seed Spider dev sample, a fixed-seed defog
SQLite sample) and every configuration, runs the fine-tuned model in `ft` (whole schema, the
default for small databases) and `ft+rag` (retrieval) modes and records EX and p50 latency.
Writes benchmarks/results/levers.json (merged with earlier runs) and prints a table.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.accuracy import DATA, SETS  # noqa: E402

CONFIGS = {
    "baseline": [],
    "grammar": ["grammar=on"],
    "candidates=3": ["candidates=3"],
    "schema samples": ["schema_samples=on"],
    "ddl schema": ["schema_style=ddl"],
    "no value linking": ["value_linking=off"],
    "value hints in ft": ["value_hints_whole_schema=on"],
    "rag fallback": ["rag_fallback=on"],
    "skeleton check": ["skeleton_samples=4"],
    "empty resampling": ["skeleton_samples=4", "resample_empty=on"],
    "no table linking": ["table_linking=off"],
    "failure samples": ["failure_samples=4"],
    "0 examples": ["k_examples=0"],
    "1 example": ["k_examples=1"],
    "column linking": ["column_linking=on"],
    "no column linking": ["column_linking=off"],
    "all": ["grammar=on", "candidates=3", "schema_samples=on", "column_linking=on"],
    "linking + samples": ["column_linking=on", "schema_samples=on"],
    "all but grammar": ["candidates=3", "schema_samples=on", "column_linking=on"],
}
# levers that only change the retrieval prompt: `ft` (whole schema) would repeat the baseline
RAG_ONLY = {"no value linking", "0 examples", "1 example"}
# levers that only change the whole-schema prompt: `ft+rag` would repeat the baseline
FT_ONLY = {"value hints in ft", "rag fallback"}
SAMPLES = {"chinook": None, "spider-dev": 100, "defog-sqlite": 60}
OUT = ROOT / "benchmarks" / "results" / "levers.json"


def run(set_name: str, levers: list[str], args, modes: str = "ft,ft+rag") -> dict:
    with tempfile.NamedTemporaryFile(suffix=".json") as tmp:
        cmd = [sys.executable, "-m", "engine.cli", "eval", *SETS[set_name], "--mode", modes, "--model", args.model,
               "--workspace", args.workspace, "--json", tmp.name, "--examples", str(DATA / "spider/train_spider.json")]
        sample = SAMPLES[set_name]
        if sample:
            cmd += ["--sample", str(sample)]
        if args.limit:
            cmd += ["--limit", str(args.limit)]
        if args.threads:
            cmd += ["--threads", str(args.threads)]
        for lever in [*args.base_lever, *levers]:
            cmd += ["--lever", lever]
        subprocess.run(cmd, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
        return json.loads(Path(tmp.name).read_text())["summary"]


def table(results: dict) -> str:
    lines = [f"{'set':<14}{'config':<18}{'ft EX':>8}{'ft p50':>8}{'ft+rag EX':>11}{'ft+rag p50':>11}  n"]
    for set_name, configs in results.items():
        for config, summary in configs.items():
            cells = []
            for mode, w in (("ft", 8), ("ft+rag", 11)):
                m = summary.get(mode)
                cells.append(f"{m['ex']:>{w}.3f}{m['p50_s']:>{w}.2f}" if m else f"{'—':>{w}}{'—':>{w}}")
            n = (summary.get("ft") or summary["ft+rag"])["total"]
            lines.append(f"{set_name:<14}{config:<18}{''.join(cells)}  {n}")
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sets", nargs="+", default=list(SAMPLES))
    ap.add_argument("--configs", nargs="+", default=list(CONFIGS))
    ap.add_argument("--model", default="smollm2-135m")
    ap.add_argument("--base-lever", action="append", default=[], metavar="KEY=VALUE",
                    help="added to every configuration, e.g. column_linking=off to measure against an older default")
    ap.add_argument("--limit", type=int, default=None, help="a slice, to check the script")
    ap.add_argument("--threads", type=int, default=None, help="model threads (1 lets two runs share 2 cores)")
    ap.add_argument("--workspace", default=str(ROOT / ".cache" / "bench-ws"))
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    results = json.loads(args.out.read_text()) if args.out.exists() and not args.limit else {}
    for config in args.configs:  # config-major: a stopped run still has whole rows
        for set_name in args.sets:
            modes = "ft+rag" if config in RAG_ONLY else "ft" if config in FT_ONLY else "ft,ft+rag"
            summary = run(set_name, CONFIGS[config], args, modes)
            if args.base_lever:
                summary["base_levers"] = args.base_lever
            results.setdefault(set_name, {})[config] = summary
            print(f"{set_name:<14}{config:<18} " + "  ".join(f"{m} {v['ex']:.3f}" for m, v in summary.items() if m != "base_levers"), flush=True)
            if not args.limit:
                args.out.write_text(json.dumps(results, indent=1))
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
