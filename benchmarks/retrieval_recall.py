"""Recall@k of table retrieval over ALL Spider schemas as one catalog (876 tables, 166 databases).

For each Spider dev question: retrieve k tables, measure the share of the gold SQL's tables
found (recall), for vector-only, full-text-only, hybrid, and hybrid + FK expansion.
Prints a table and writes benchmarks/results/retrieval_recall.json.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import sqlglot
from sqlglot import exp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from engine.catalog.model import ForeignKey, SchemaCatalog, Table  # noqa: E402
from engine.catalog.spider_tables import load_spider_tables  # noqa: E402
from engine.index.entries import table_entries  # noqa: E402
from engine.index.store import KnowledgeIndex  # noqa: E402
from engine.retrieval.fk_expand import expand_along_fks  # noqa: E402

SPIDER = ROOT.parent / "shared" / "datasets" / "spider"
KS = (1, 3, 5, 10)


def merged_catalog() -> SchemaCatalog:
    """One catalog; table names prefixed by db_id so every database's tables stay distinct."""
    tables = []
    for db_id, cat in load_spider_tables(SPIDER / "tables.json").items():
        for t in cat.tables:
            tables.append(Table(f"{db_id}__{t.name}", t.columns, [ForeignKey(fk.columns, f"{db_id}__{fk.ref_table}", fk.ref_columns) for fk in t.foreign_keys], t.comment))
    return SchemaCatalog("spider_all", "sqlite", tables)


def gold_tables(sql: str, db_id: str) -> set[str]:
    try:
        tree = sqlglot.parse_one(sql, read="sqlite")
    except Exception:
        return set()
    ctes = {c.alias_or_name.lower() for c in tree.find_all(exp.CTE)}
    return {f"{db_id}__{t.name}".lower() for t in tree.find_all(exp.Table) if t.name.lower() not in ctes}


def main() -> int:
    if not SPIDER.exists():
        print("../shared/datasets/spider is absent; nothing to measure")
        return 1
    cat = merged_catalog()
    dev = json.loads((SPIDER / "dev.json").read_text())
    graph = cat.neighbours()
    with tempfile.TemporaryDirectory() as tmp:
        idx = KnowledgeIndex(Path(tmp) / "idx")
        t0 = time.perf_counter()
        idx.build(table_entries(cat))
        build_s = time.perf_counter() - t0
        modes = {"vector": "vector", "fts": "fts", "hybrid": "hybrid", "hybrid+fk": "hybrid"}
        results = {}
        for label, mode in modes.items():
            recalls = {k: [] for k in KS}
            lat = []
            for item in dev:
                gold = gold_tables(item["query"], item["db_id"])
                if not gold:
                    continue
                vec = idx.embedder.embed([item["question"]])[0] if mode != "fts" else None
                t = time.perf_counter()
                hits = idx.search(item["question"], "table", k=max(KS), mode=mode, vector=vec)
                lat.append(time.perf_counter() - t)
                names = [h.entry.key.lower() for h in hits]
                for k in KS:
                    got = names[:k]
                    if label == "hybrid+fk":
                        got = got + expand_along_fks(graph, got)
                    recalls[k].append(len(gold & set(got)) / len(gold))
            results[label] = {
                **{f"recall@{k}": round(statistics.fmean(v), 4) for k, v in recalls.items()},
                "p50_ms": round(statistics.median(lat) * 1000, 2),
                "p95_ms": round(sorted(lat)[int(len(lat) * 0.95)] * 1000, 2),
                "questions": len(lat),
            }
    out = {"tables": len(cat.tables), "databases": 166, "index_build_s": round(build_s, 2), "results": results,
           "date": time.strftime("%Y-%m-%d"), "machine": "2 cores, 24 GiB, no GPU"}
    (ROOT / "benchmarks" / "results").mkdir(parents=True, exist_ok=True)
    (ROOT / "benchmarks" / "results" / "retrieval_recall.json").write_text(json.dumps(out, indent=1))
    print(f"{len(cat.tables)} tables indexed in {build_s:.1f} s (embedding latency excluded from search timings)")
    print(f"{'mode':<12}" + "".join(f"{f'R@{k}':>9}" for k in KS) + f"{'p50 ms':>9}{'p95 ms':>9}")
    for label, r in results.items():
        print(f"{label:<12}" + "".join(f"{r[f'recall@{k}']:>9.3f}" for k in KS) + f"{r['p50_ms']:>9.1f}{r['p95_ms']:>9.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
