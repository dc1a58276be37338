import json

import pytest

from engine.eval.datasets import DatasetError, load_dataset, spider_flags, split_gold
from tests.conftest import SHARED, need_shared


def test_spider_json(tmp_path):
    p = tmp_path / "d.json"
    p.write_text(json.dumps([{"db_id": "x", "question": "q?", "query": "SELECT 1"}]))
    items = load_dataset(p)
    assert items[0].gold == ["SELECT 1"] and items[0].db_id == "x"


def test_defog_csv_splits_alternatives(tmp_path):
    p = tmp_path / "d.csv"
    p.write_text('question,query,db_name,query_category,instructions\n"q?","SELECT a FROM t;SELECT \'x;y\' FROM t;",db,group_by,\n')
    items = load_dataset(p)
    assert items[0].gold == ["SELECT a FROM t", "SELECT 'x;y' FROM t"]
    assert items[0].category == "group_by"


@pytest.mark.parametrize(
    "content,name,message",
    [
        ("{not json", "a.json", "not valid JSON"),
        ('{"a": 1}', "b.json", "JSON list"),
        ('[{"question": "q"}]', "c.json", "lacks"),
        ("x,y\n1,2\n", "d.csv", "expected defog"),
        ("whatever", "e.txt", "unknown dataset format"),
    ],
)
def test_bad_dataset_files_give_clear_errors(tmp_path, content, name, message):
    p = tmp_path / name
    p.write_text(content)
    with pytest.raises(DatasetError, match=message):
        load_dataset(p)


def test_missing_file():
    with pytest.raises(DatasetError, match="not found"):
        load_dataset(SHARED / "nope.json")


def test_shared_sets_parse():
    need_shared("spider", "dev.json")
    dev = load_dataset(SHARED / "spider/dev.json")
    spider_flags(dev, SHARED / "spider/dev_databases.json")
    assert len(dev) == 1034 and sum("reconstructed" in i.flags for i in dev) == 8
    defog = load_dataset(SHARED / "defog/questions_gen_postgres.csv")
    assert len(defog) == 210 and all(i.gold for i in defog)
    assert split_gold("SELECT 1;") == ["SELECT 1"]


def test_defog_brace_alternatives_expand():
    got = split_gold("SELECT {a.name,a.id} FROM a;")
    assert got == ["SELECT a.name FROM a", "SELECT a.id FROM a", "SELECT a.name, a.id FROM a"]


def test_empty_braces_repeat_the_previous_choice():
    got = split_gold("SELECT {a, b}, sum(x) FROM t GROUP BY {}")
    assert got == ["SELECT a, sum(x) FROM t GROUP BY a", "SELECT b, sum(x) FROM t GROUP BY b", "SELECT a, b, sum(x) FROM t GROUP BY a, b"]
