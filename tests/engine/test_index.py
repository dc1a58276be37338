import os
import subprocess
import sys
import textwrap

from engine.catalog.reflect import reflect_catalog
from engine.index.entries import ExamplePair, example_entries, table_entries
from engine.index.store import KnowledgeIndex
from engine.retrieval.fk_expand import expand_along_fks
from engine.retrieval.retrieve import RetrievalSettings, retrieve


def test_hybrid_search_and_fk_expansion(chinook_url, tmp_path):
    cat = reflect_catalog(chinook_url)
    idx = KnowledgeIndex(tmp_path / "idx")
    idx.build(table_entries(cat) + example_entries([ExamplePair("How many tracks are there?", "SELECT count(*) FROM Track")]))
    hits = idx.search("albums and their titles", "table", k=3)
    assert hits[0].entry.key == "Album"
    assert idx.search("how many tracks", "example", k=1)[0].entry.payload["sql"].startswith("SELECT count")
    for mode in ("vector", "fts"):
        assert idx.search("album title", "table", k=3, mode=mode)
    got = retrieve("Which artist has the most tracks?", cat, idx, RetrievalSettings(k_tables=2))
    names = {t.name: t.why for t in got.tables}
    # Track and Artist join only through Album: FK expansion must add it
    assert "Album" in names
    assert got.examples and got.seconds < 5


def test_steiner_expansion_adds_bridges():
    g = {"a": {"b"}, "b": {"a", "c"}, "c": {"b", "d"}, "d": {"c"}, "e": set()}
    assert expand_along_fks(g, ["a", "d"]) == ["c", "b"] or set(expand_along_fks(g, ["a", "d"])) == {"b", "c"}
    assert expand_along_fks(g, ["a", "e"]) == []


def test_leakage_guard_excludes_examples(chinook_url, tmp_path):
    from engine.retrieval.retrieve import normalise

    cat = reflect_catalog(chinook_url)
    idx = KnowledgeIndex(tmp_path / "idx")
    pairs = [ExamplePair("How many albums?", "SELECT count(*) FROM Album"), ExamplePair("Count albums", "SELECT count(*) FROM Album")]
    idx.build(table_entries(cat) + example_entries(pairs))
    got = retrieve("How many albums?", cat, idx, RetrievalSettings(), exclude_examples={normalise("How many albums?"), normalise("SELECT count(*) FROM Album")})
    assert got.examples == []


def test_killed_build_leaves_the_last_good_index(chinook_url, tmp_path):
    cat = reflect_catalog(chinook_url)
    root = tmp_path / "idx"
    idx = KnowledgeIndex(root)
    good = idx.build(table_entries(cat))
    # a real subprocess starts a big build and is killed with SIGKILL mid-way
    script = textwrap.dedent(f"""
        import os, signal
        from engine.index.store import KnowledgeIndex, Entry
        idx = KnowledgeIndex({str(root)!r})
        def progress(done, total):
            if done > 256:
                os.kill(os.getpid(), signal.SIGKILL)
        idx.build([Entry("table", f"t{{i}}", f"table number {{i}}") for i in range(2000)], progress=progress)
    """)
    proc = subprocess.run([sys.executable, "-c", script], cwd=os.getcwd(), capture_output=True)
    assert proc.returncode == -9
    assert list((root / "builds").glob("*.partial"))  # the torn build is there…
    idx2 = KnowledgeIndex(root)
    assert idx2.current() == good  # …but CURRENT still names the good one
    assert idx2.search("albums", "table", k=1)[0].entry.key == "Album"
    assert idx2.clean_partial()  # and restart cleanup removes the partial files
    assert not list((root / "builds").glob("*.partial"))


def test_rebuild_embeds_only_what_changed(chinook_url, tmp_path):
    cat = reflect_catalog(chinook_url)
    idx = KnowledgeIndex(tmp_path / "idx")
    entries = table_entries(cat)
    first = idx.build(entries)
    assert idx.last_build == {"embedded": len(entries), "reused": 0}
    pair = ExamplePair("How many genres are there?", "SELECT count(*) FROM Genre")
    second = idx.build(entries + example_entries([pair]))
    assert second != first and idx.last_build == {"embedded": 1, "reused": len(entries)}
    # reused vectors are the ones a fresh embedding gives: search ranks the same
    fresh = KnowledgeIndex(tmp_path / "fresh")
    fresh.build(entries + example_entries([pair]))
    for q in ("albums and their titles", "customer invoices by country", "how many genres"):
        for kind in ("table", "example"):
            assert [h.entry.key for h in idx.search(q, kind, k=3, mode="vector")] == [h.entry.key for h in fresh.search(q, kind, k=3, mode="vector")]
