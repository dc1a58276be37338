"""The harness end to end on small real slices: SQLite, defog SQLite and PostgreSQL."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from engine.eval.datasets import load_dataset
from engine.eval.defog_sqlite import build_sqlite
from engine.execute.runner import Database
from tests.conftest import CHINOOK, SHARED, need_shared

EX_LINE = re.compile(r"^EX: \d\.\d{3} \(\d+/\d+\)$")


def failing_golds(items, dbs) -> list[int]:
    """Indices of items none of whose gold queries executes."""
    failing = []
    for it in items:
        for g in it.gold:
            try:
                dbs[it.db_id].run(g, row_cap=None)
                break
            except Exception:
                continue
        else:
            failing.append(it.index)
    return failing


def run_eval(*args, timeout=900):
    out = subprocess.run([sys.executable, "-m", "engine.cli", "eval", *args], capture_output=True, text=True, timeout=timeout)
    assert out.returncode == 0, out.stderr[-2000:]
    return out


def test_eval_all_modes_on_chinook_slice(tmp_path):
    need_shared("chinook", "spider_chinook_questions.json")
    out = run_eval(
        "--dataset", str(SHARED / "chinook/spider_chinook_questions.json"), "--db", f"sqlite:///{CHINOOK}",
        "--mode", "all", "--limit", "3", "--workspace", str(tmp_path / "ws"), "--json", str(tmp_path / "r.json"),
        "--examples", str(SHARED / "spider/train_spider.json"),
    )
    lines = out.stdout.strip().splitlines()
    assert EX_LINE.match(lines[-1]), lines[-1]
    assert "zero-shot" in out.stdout and "rag" in out.stdout
    removed = int(re.search(r"leakage guard: .*\((\d+) pairs removed", out.stdout).group(1))
    # every question of the file, not only the 3 evaluated: a paraphrase of an evaluated question
    # (Spider pairs them, with the same gold SQL) must not come back as an example either; a
    # sharded or sampled run used to guard only its own slice
    assert removed >= 84
    data = json.loads((tmp_path / "r.json").read_text())
    assert len(data["items"]["rag"]) == 3
    # no evaluated question came back as an example
    questions = {i["question"] for i in data["items"]["rag"]}
    assert data["leakage_guard"]["excluded_examples"] == removed and questions


def test_eval_spider_dev_slice_with_db_dir(tmp_path):
    need_shared("spider", "dev.json")
    out = run_eval(
        "--dataset", str(SHARED / "spider/dev.json"), "--db-dir", str(SHARED / "spider/database"),
        "--mode", "zero-shot", "--limit", "2", "--workspace", str(tmp_path / "ws"), "--threads", "1",
        "--json", str(tmp_path / "r.json"),
    )
    assert EX_LINE.match(out.stdout.strip().splitlines()[-1])
    assert "threads: 1" in out.stdout and json.loads((tmp_path / "r.json").read_text())["threads"] == 1


def test_every_defog_gold_query_executes_on_the_built_sqlite(tmp_path):
    need_shared("defog")
    items = load_dataset(SHARED / "defog/questions_gen_sqlite.csv")
    dbs = {}
    for d in sorted((SHARED / "defog").glob("*/*.sql")):
        out = tmp_path / d.stem / f"{d.stem}.sqlite"
        assert build_sqlite(d, out) == []
        dbs[d.stem] = Database(f"sqlite:///{out}")
    failing = failing_golds(items, dbs)
    assert failing == [], f"gold queries that do not execute on SQLite: {failing}"


def test_eval_defog_sqlite_slice(tmp_path):
    need_shared("defog")
    out = run_eval(
        "--dataset", str(SHARED / "defog/questions_gen_sqlite.csv"), "--db-dir", str(SHARED / "defog"),
        "--mode", "rag", "--limit", "2", "--workspace", str(tmp_path / "ws"),
    )
    assert EX_LINE.match(out.stdout.strip().splitlines()[-1])


def test_the_docs_lever_imports_each_databases_docs_into_a_workspace_of_its_own(tmp_path):
    need_shared("defog")
    import csv

    from engine.catalog.model import SchemaCatalog
    from engine.workspace import Workspace

    rows = [r for r in csv.DictReader((SHARED / "defog/questions_gen_sqlite.csv").open()) if r["db_name"] == "broker"][:1]
    one = tmp_path / "broker_one.csv"
    with one.open("w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    ws, out_json = tmp_path / "ws", tmp_path / "r.json"
    common = ["--dataset", str(one), "--db-dir", str(SHARED / "defog"), "--mode", "rag", "--workspace", str(ws)]
    run_eval(*common, "--lever", "docs=on", "--json", str(out_json))
    assert json.loads(out_json.read_text())["levers"] == {"docs": True}
    with_docs = Workspace(ws / "eval-with-docs")
    url = f"sqlite:///{(ws / 'eval-dbs/broker/broker.sqlite').resolve()}"
    cat = SchemaCatalog.load(with_docs.catalog_path(url))
    assert "sbTicker can be joined to sbDailyPrice on sbTickerId" in cat.notes  # the glossary, one note per bullet
    assert not Workspace(ws).catalog_path(url).exists()  # runs without the lever never see the docs
    bad = subprocess.run([sys.executable, "-m", "engine.cli", "eval", "--dataset", str(one), "--db", f"sqlite:///{tmp_path / 'x.sqlite'}",
                          "--mode", "rag", "--workspace", str(ws), "--lever", "docs=on"], capture_output=True, text=True, timeout=300)
    assert bad.returncode == 2 and "--db-dir" in bad.stderr


@pytest.mark.postgres
def test_eval_defog_on_postgres(pg, tmp_path):
    need_shared("defog")
    pg.load_defog("academic")
    out = run_eval(
        "--dataset", str(SHARED / "defog/questions_gen_postgres.csv"), "--db", pg.url("{db}"),
        "--mode", "zero-shot", "--limit", "2", "--workspace", str(tmp_path / "ws"),
    )
    assert EX_LINE.match(out.stdout.strip().splitlines()[-1])
    assert "gold queries that do not execute" not in out.stdout


def test_bad_dataset_is_a_clear_cli_error(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    out = subprocess.run([sys.executable, "-m", "engine.cli", "eval", "--dataset", str(bad), "--db", f"sqlite:///{CHINOOK}", "--workspace", str(tmp_path)], capture_output=True, text=True)
    assert out.returncode == 2 and "not valid JSON" in out.stderr


@pytest.mark.postgres
def test_every_defog_gold_query_executes_on_postgres(pg):
    need_shared("defog")
    items = load_dataset(SHARED / "defog/questions_gen_postgres.csv")
    dbs = {name: Database(pg.load_defog(name)) for name in sorted({i.db_id for i in items})}
    failing = failing_golds(items, dbs)
    assert failing == [], f"gold queries that do not execute on PostgreSQL: {failing}"


def test_a_shard_is_a_contiguous_slice_and_partial_results_are_written_as_the_run_goes(tmp_path):
    need_shared("chinook", "spider_chinook_questions.json")
    common = ["--dataset", str(SHARED / "chinook/spider_chinook_questions.json"), "--db", f"sqlite:///{CHINOOK}",
              "--mode", "zero-shot", "--limit", "5", "--workspace", str(tmp_path / "ws")]
    run_eval(*common, "--shard", "2/2", "--json", str(tmp_path / "s2.json"))
    run_eval(*common, "--shard", "1/2", "--json", str(tmp_path / "s1.json"))
    s1, s2 = (json.loads((tmp_path / f).read_text()) for f in ("s1.json", "s2.json"))
    assert [i["index"] for i in s1["items"]["zero-shot"]] == [0, 1, 2] and [i["index"] for i in s2["items"]["zero-shot"]] == [3, 4]
    assert "partial" not in s1
    merged = subprocess.run([sys.executable, "benchmarks/merge_eval.py", str(tmp_path / "all.json"), str(tmp_path / "s1.json"), str(tmp_path / "s2.json")],
                            capture_output=True, text=True, cwd=Path(__file__).resolve().parents[3])
    assert merged.returncode == 0, merged.stderr
    data = json.loads((tmp_path / "all.json").read_text())
    assert data["summary"]["zero-shot"]["total"] == 5 and data["shards"] == 2
    bad = subprocess.run([sys.executable, "-m", "engine.cli", "eval", *common, "--shard", "3/2"], capture_output=True, text=True)
    assert bad.returncode == 2 and "expected K/N" in bad.stderr


def test_checkpoints_hand_over_the_report_so_far(tmp_path):
    need_shared("chinook", "spider_chinook_questions.json")
    from engine.eval.harness import evaluate
    from engine.workspace import Workspace

    items = load_dataset(SHARED / "chinook/spider_chinook_questions.json")[:3]
    seen = []
    report = evaluate(items, lambda _db: f"sqlite:///{CHINOOK}", Workspace(tmp_path / "ws"), ["zero-shot"], "smollm2-135m",
                      checkpoint=lambda r: seen.append((r.partial, len(r.results["zero-shot"]), r.to_dict().get("partial"))), checkpoint_every=1)
    assert seen == [(True, 1, True), (True, 2, True)]  # the last answer goes into the final report, not a checkpoint
    assert not report.partial and len(report.results["zero-shot"]) == 3


def test_resume_takes_a_killed_runs_answers_and_asks_only_the_rest(tmp_path):
    need_shared("chinook", "spider_chinook_questions.json")
    out_file = tmp_path / "r.json"
    common = ["--dataset", str(SHARED / "chinook/spider_chinook_questions.json"), "--db", f"sqlite:///{CHINOOK}",
              "--mode", "zero-shot", "--limit", "3", "--workspace", str(tmp_path / "ws"), "--threads", "1", "--json", str(out_file)]
    run_eval(*common)
    data = json.loads(out_file.read_text())
    asked = [i["sql"] for i in data["items"]["zero-shot"]]
    first = data["items"]["zero-shot"][0]
    first["sql"] = "SELECT 'kept from the killed run'"  # marks the answer that must not be asked again
    data["items"]["zero-shot"] = [first]
    data["partial"] = True
    out_file.write_text(json.dumps(data))
    out = run_eval(*common, "--resume")
    assert "resuming: 1 answers taken" in out.stderr
    again = json.loads(out_file.read_text())
    assert [i["index"] for i in again["items"]["zero-shot"]] == [0, 1, 2] and "partial" not in again
    assert again["items"]["zero-shot"][0]["sql"] == "SELECT 'kept from the killed run'"
    assert [i["sql"] for i in again["items"]["zero-shot"][1:]] == asked[1:]  # asked again: greedy gives the same SQL
    other = subprocess.run([sys.executable, "-m", "engine.cli", "eval", *common, "--resume", "--lever", "candidates=3"], capture_output=True, text=True)
    assert other.returncode == 2 and "was measured with" in other.stderr


def test_as_ask_measures_with_the_saved_settings_as_levers(tmp_path):
    need_shared("chinook", "spider_chinook_questions.json")
    from engine.settings import AskSettings, save_settings
    from engine.workspace import Workspace

    save_settings(Workspace(tmp_path / "ws"), AskSettings(failure_samples=2, rag_fallback=False, fallback_model="smollm2-135m"))
    run_eval("--dataset", str(SHARED / "chinook/spider_chinook_questions.json"), "--db", f"sqlite:///{CHINOOK}",
             "--mode", "ft", "--limit", "1", "--workspace", str(tmp_path / "ws"), "--threads", "1",
             "--as-ask", "--lever", "skeleton_samples=0", "--json", str(tmp_path / "r.json"))
    levers = json.loads((tmp_path / "r.json").read_text())["levers"]
    assert levers["mode"] == "auto" and levers["failure_samples"] == 2 and levers["rag_fallback"] is False
    assert levers["skeleton_samples"] == 0  # an explicit --lever wins over the settings
    assert levers["fallback_model"] == "smollm2-135m"  # recorded by name, loaded beside the answering model
    assert levers["fallback_when_lacking"] is True  # the default setting, read off the options it makes


def test_questions_whose_gold_finds_nothing_are_flagged_and_reported_apart(tmp_path):
    data = tmp_path / "two.json"
    data.write_text(json.dumps([
        {"db_id": "chinook", "question": "Which artists are called Nobody At All?", "query": "SELECT Name FROM Artist WHERE Name = 'Nobody At All'"},
        {"db_id": "chinook", "question": "How many artists are there?", "query": "SELECT count(*) FROM Artist"},
    ]))
    out = run_eval("--dataset", str(data), "--db", f"sqlite:///{CHINOOK}", "--mode", "zero-shot",
                   "--workspace", str(tmp_path / "ws"), "--json", str(tmp_path / "r.json"))
    assert "EX w/o empty golds" in out.stdout and EX_LINE.match(out.stdout.strip().splitlines()[-1])
    items = json.loads((tmp_path / "r.json").read_text())["items"]["zero-shot"]
    assert ["empty_gold" in i["flags"] for i in items] == [True, False]
