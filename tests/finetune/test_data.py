import json

from engine.catalog.spider_tables import load_spider_tables
from engine.prompt.builder import PromptParts, build_prompt
from engine.prompt.schema_text import schema_text
from finetune.data import TrainPair, dedupe, load_examples, pairs_from_spider, render, split, validate_pairs
from finetune.synthetic import synthetic_pairs
from tests.conftest import CHINOOK, SHARED, need_shared


def test_spider_pairs_validate_against_their_schemas():
    need_shared("spider", "train_spider.json")
    cats = load_spider_tables(SHARED / "spider/tables.json")
    pairs = pairs_from_spider(SHARED / "spider/train_spider.json", exclude_dbs={"chinook_1", "sakila_1"})
    assert not any(p.db_id in ("chinook_1", "sakila_1") for p in pairs)
    good, bad = validate_pairs(pairs, cats)
    assert len(good) > 0.99 * len(pairs)
    assert all("does not exist" in why or "parse" in why for _, why in bad)


def test_invalid_pairs_are_listed_not_used():
    from engine.catalog.reflect import reflect_catalog

    cat = reflect_catalog(f"sqlite:///{CHINOOK}", samples=False)
    pairs = [TrainPair("ok", "SELECT Name FROM Artist", "c"), TrainPair("bad col", "SELECT Nme FROM Artist", "c"),
             TrainPair("write", "DELETE FROM Artist", "c"), TrainPair("no db", "SELECT 1", "other")]
    good, bad = validate_pairs(pairs, {"c": cat})
    assert [p.question for p in good] == ["ok"]
    assert len(bad) == 3


def test_split_is_seeded_and_disjoint():
    pairs = [TrainPair(f"q{i}", f"SELECT {i}", "d") for i in range(100)]
    a_train, a_eval = split(pairs, 0.2, seed=1)
    b_train, b_eval = split(pairs, 0.2, seed=1)
    assert a_eval == b_eval and len(a_eval) == 20
    assert not {p.sql for p in a_train} & {p.sql for p in a_eval}
    assert len(dedupe(pairs + pairs)) == 100


def test_training_prompt_is_byte_identical_to_inference():
    from engine.catalog.reflect import reflect_catalog

    cat = reflect_catalog(f"sqlite:///{CHINOOK}", samples=False)
    ex = render([TrainPair("How many albums?", "SELECT count(*) FROM Album", "c")], {"c": cat})[0]
    inference = build_prompt(PromptParts(dialect="sqlite", schema=schema_text(cat, None, "compact", False), question="How many albums?"), "chatml")
    assert ex.prompt == inference.text
    assert ex.completion == " COUNT(*) FROM Album<|im_end|>"


def test_synthetic_pairs_are_valid_sql_over_the_schema():
    from engine.catalog.reflect import reflect_catalog
    from engine.execute.runner import Database

    cat = reflect_catalog(f"sqlite:///{CHINOOK}")
    pairs = synthetic_pairs(cat, 60, seed=3)
    assert len(pairs) == 60 and len({q for q, _ in pairs}) > 40
    db = Database(f"sqlite:///{CHINOOK}")
    kinds = set()
    for _q, sql in pairs:
        db.run(sql, row_cap=5)
        kinds.update(k for k in ("JOIN", "GROUP BY", "WHERE", "ORDER BY", "COUNT", "AVG") if k in sql)
    assert {"JOIN", "GROUP BY", "WHERE", "ORDER BY"} <= kinds


def test_prepared_run_dir(tiny_run):
    ws, run = tiny_run
    data = json.loads((run / "data.json").read_text())
    assert data["train"] == len(load_examples(run / "train.jsonl"))
    assert 1 <= data["eval"] <= 6
    assert data["eval"] == len(load_examples(run / "eval.jsonl"))


def test_every_prompt_style_is_rendered_for_the_base_chosen_later(tiny_run):
    """The wizard prepares data before the base model is picked: Gemma (plain) must not train on chat prompts."""
    from finetune.data import examples_file

    _, run = tiny_run
    chat, plain = load_examples(examples_file(run, "train", "chatml")), load_examples(examples_file(run, "train", "plain"))
    assert [e.sql for e in chat] == [e.sql for e in plain]
    assert "<|im_start|>" in chat[0].prompt and "<|im_start|>" not in plain[0].prompt
    assert len(load_examples(examples_file(run, "eval", "plain"))) == len(load_examples(run / "eval.jsonl"))


def test_bird_pairs_bring_their_evidence_as_the_prompts_notes():
    """BIRD trains the use of notes (the asker's definitions), which inference fills from docs and instructions."""
    need_shared("bird_minidev", "mini_dev_sqlite.json")
    cats = load_spider_tables(SHARED / "bird_minidev/dev_tables.json")
    pairs = pairs_from_spider(SHARED / "bird_minidev/mini_dev_sqlite.json", exclude_dbs={"formula_1"})
    assert pairs and all(p.sql.strip() for p in pairs)
    good, _ = validate_pairs(pairs, cats)
    assert len(good) > 0.95 * len(pairs)
    with_note = next(p for p in good if p.notes)
    ex = render([with_note], cats)[0]
    assert f"Notes:\n- {with_note.notes[0]}" in ex.prompt
    assert ex.prompt.index("Notes:") < ex.prompt.rindex(with_note.question)
    # BIRD names SQLite's own types; they reach the schema text instead of all reading TEXT
    types = {c.type for t in cats["card_games"].tables for c in t.columns}
    assert {"INTEGER", "REAL", "TEXT"} <= types


def test_two_schemas_under_one_name_are_refused_unless_excluded(tmp_path):
    """Spider train and BIRD both have a formula_1 with different columns: never validate one's pairs on the other."""
    import pytest

    from engine.workspace import Workspace
    from finetune.workflow import DataSources, prepare

    need_shared("bird_minidev", "dev_tables.json")
    bird = json.loads((SHARED / "bird_minidev/mini_dev_sqlite.json").read_text())
    pairs = tmp_path / "pairs.json"
    pairs.write_text(json.dumps([r for r in bird if r["db_id"] == "superhero"][:8]))
    tables = [SHARED / "bird_minidev/dev_tables.json", SHARED / "spider/tables.json"]
    with pytest.raises(ValueError, match="formula_1"):
        prepare(tmp_path / "run", Workspace(tmp_path / "ws"), DataSources(spider_json=[pairs], spider_tables=tables))
    info = prepare(tmp_path / "run", Workspace(tmp_path / "ws"), DataSources(spider_json=[pairs], spider_tables=tables, exclude_dbs={"formula_1"}, max_eval=2))
    assert info.train + info.eval == 8
    assert "Notes:" in (tmp_path / "run/train.jsonl").read_text()
