"""defog sql-eval's PostgreSQL questions against a real PostgreSQL (a throwaway cluster on loopback).

Loads the 11 defog databases from ../shared/datasets/defog/<db>/<db>.sql, then runs
`sqlsage eval --dataset questions_gen_postgres.csv --db postgresql://…/{db}` and writes
benchmarks/results/accuracy_defog-postgres_<model>[_sampleN].json.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.accuracy import DATA  # noqa: E402
from tests.conftest import start_pg_cluster  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="smollm2-135m")
    ap.add_argument("--mode", default="ft")
    ap.add_argument("--sample", type=int, default=None)
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--threads", type=int, default=None)
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--workspace", default=str(ROOT / ".cache" / "bench-ws"))
    args = ap.parse_args()
    server, stop = start_pg_cluster()
    try:
        dbs = sorted(p.name for p in (DATA / "defog").iterdir() if (p / f"{p.name}.sql").exists())
        for db in dbs:
            server.load_defog(db)
        print(f"loaded {len(dbs)} defog databases into PostgreSQL on port {server.port}", flush=True)
        out = ROOT / "benchmarks" / "results" / f"accuracy_defog-postgres_{args.model}{f'_sample{args.sample}' if args.sample else ''}.json"
        cmd = [sys.executable, "-m", "engine.cli", "eval", "--dataset", str(DATA / "defog/questions_gen_postgres.csv"),
               "--db", server.url("{db}"), "--mode", args.mode, "--model", args.model, "--workspace", args.workspace,
               "--json", str(out), "--examples", str(DATA / "spider/train_spider.json")]
        if args.sample:
            cmd += ["--sample", str(args.sample)]
        if args.limit:
            cmd += ["--limit", str(args.limit)]
        if args.threads:
            cmd += ["--threads", str(args.threads)]
        if args.out:
            cmd[cmd.index("--json") + 1] = str(args.out)
        return subprocess.run(cmd, cwd=ROOT).returncode
    finally:
        stop()


if __name__ == "__main__":
    sys.exit(main())
