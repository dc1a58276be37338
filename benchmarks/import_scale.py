"""Time and peak memory of importing large schemas: Spider's 876 tables and a synthetic 5,000-table DDL.

Writes benchmarks/results/import_scale.json.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TABLES_JSON = ROOT.parent / "shared" / "datasets" / "spider" / "tables.json"


def run(args: list[str]) -> dict:
    t = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "engine.cli", "import", *args], capture_output=True, text=True, cwd=ROOT)
    secs = time.perf_counter() - t
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    if out.returncode:
        raise SystemExit(out.stderr)
    lines = out.stdout.splitlines()
    index = next((x.strip() for x in lines if x.strip().startswith("index:")), "")
    return {"seconds": round(secs, 2), "peak_rss_mb_children_so_far": round(peak_mb), "summary": lines[0], "index": index}


def main() -> int:
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        ws = str(Path(tmp) / "ws")
        if TABLES_JSON.exists():
            results["spider_tables_json_876"] = run(["--ddl", str(TABLES_JSON), "--name", "spider", "--workspace", ws])
        ddl = Path(tmp) / "big.sql"
        ddl.write_text("\n".join(
            f"CREATE TABLE t{i} (id INT PRIMARY KEY, parent_id INT REFERENCES t{max(i - 1, 0)}(id), name_{i} TEXT, amount NUMERIC(10,2), created_at TIMESTAMP);"
            for i in range(5000)))
        results["synthetic_ddl_5000"] = run(["--ddl", str(ddl), "--name", "big", "--workspace", ws])
        # re-import: unchanged, then with one table changed; only changed entries are embedded again
        results["reimport_5000_unchanged"] = run(["--ddl", str(ddl), "--name", "big", "--workspace", ws])
        ddl.write_text(ddl.read_text().replace("name_7 TEXT", "name_7 TEXT, note_7 TEXT"))
        results["reimport_5000_one_table_changed"] = run(["--ddl", str(ddl), "--name", "big", "--workspace", ws])
        full = results["synthetic_ddl_5000"]["seconds"]
        results["reimport_speedup"] = round(full / results["reimport_5000_one_table_changed"]["seconds"], 2)
    results["date"] = time.strftime("%Y-%m-%d")
    (ROOT / "benchmarks" / "results" / "import_scale.json").write_text(json.dumps(results, indent=1))
    results["note"] = " ".join(sys.argv[1:])  # e.g. what else was running
    for k, v in results.items():
        print(k, v)
    return 0


if __name__ == "__main__":
    sys.exit(main())
