"""Accuracy levers: value linking, execution-guided selection, grammar-constrained decoding."""

import pytest

from engine.pipeline import AskOptions, ask
from engine.session import open_session
from engine.sql.grammar import schema_grammar
from tests.engine.test_pipeline import ScriptedModel


def test_value_linking_names_the_column_and_stored_spelling(chinook_url, workspace):
    session = open_session(workspace, chinook_url)
    links = session.value_index().link("How many rock tracks are there by ac/dc?")
    hints = {link.hint() for link in links}
    assert "'Rock' is a value of Genre.Name" in hints
    assert "'AC/DC' is a value of Artist.Name" in hints
    model = ScriptedModel([" COUNT(*) FROM Genre"])
    res = ask("How many rock tracks are there?", session, model, AskOptions(mode="rag"))
    assert "'Rock' is a value of Genre.Name" in model.prompts[0]
    assert any(t["name"] == "Genre" for t in res.trace.tables)
    # the index is cached in the workspace for the next session
    assert (workspace.connection_dir(chinook_url) / "values.json").exists()


def test_value_hints_reach_whole_schema_prompts_only_when_asked(chinook_url, workspace):
    session = open_session(workspace, chinook_url)
    question = "How many rock tracks are there?"
    plain, hinted = ScriptedModel([" COUNT(*) FROM Genre"]), ScriptedModel([" COUNT(*) FROM Genre"])
    ask(question, session, plain, AskOptions(mode="zero-shot"))
    res = ask(question, session, hinted, AskOptions(mode="zero-shot", value_hints_whole_schema=True))
    assert "is a value of" not in plain.prompts[0]  # the prompt the adapter was trained on, unchanged
    assert "'Rock' is a value of Genre.Name" in hinted.prompts[0]
    assert "'Rock' is a value of Genre.Name" in res.trace.notes
    off = ScriptedModel([" COUNT(*) FROM Genre"])  # value_linking=off wins over the whole-schema switch
    ask(question, session, off, AskOptions(mode="zero-shot", value_linking=False, value_hints_whole_schema=True))
    assert "is a value of" not in off.prompts[0]


def test_rag_fallback_asks_again_with_retrieval_after_a_failed_whole_schema_answer(chinook_url, workspace):
    session = open_session(workspace, chinook_url)
    failing = ScriptedModel([" nope FROM Album"])
    alone = ask("How many albums?", session, failing, AskOptions(mode="zero-shot", max_repairs=0))
    assert not alone.ok and len(failing.prompts) == 1
    model = ScriptedModel([" nope FROM Album", " COUNT(*) FROM Album"])
    res = ask("How many albums?", session, model, AskOptions(mode="zero-shot", max_repairs=0, rag_fallback=True))
    assert res.ok and res.rows == [[347]]
    assert res.trace.mode == "zero-shot, then rag" and len(res.trace.attempts) == 2
    assert res.trace.attempts[0].error  # the failed whole-schema attempt stays visible in the trace
    whole, retrieved = model.prompts
    system = lambda prompt: prompt.split("<|im_start|>user")[0]  # noqa: E731
    assert len(system(retrieved)) < len(system(whole))  # the second prompt holds the retrieved tables only
    assert any(t["why"] == "retrieved" for t in res.trace.tables)
    refused = ScriptedModel(["```sql\nDELETE FROM Album\n```", " COUNT(*) FROM Album"])
    res = ask("Drop it", session, refused, AskOptions(mode="zero-shot", max_repairs=0, rag_fallback=True))
    assert not res.ok and len(refused.prompts) == 1  # a refusal is the answer: never retried


def test_execution_guided_selection_votes_by_result(chinook_url, workspace):
    session = open_session(workspace, chinook_url)
    # greedy answer is wrong; two sampled candidates agree on another result; one fails
    model = ScriptedModel([" COUNT(*) FROM Artist", " COUNT(*) FROM Album", " count(AlbumId) FROM Album", " nope FROM Album"])
    res = ask("How many albums?", session, model, AskOptions(candidates=4))
    assert res.ok and res.rows == [[347]]
    assert len(res.trace.attempts) == 4


def test_selection_prefers_candidates_lacking_nothing_over_a_larger_vote(chinook_url, workspace):
    session = open_session(workspace, chinook_url)
    empty = " Title FROM Album WHERE Title = 'No such album'"
    # greedy and one sample agree on an empty result; the one that returns rows wins
    model = ScriptedModel([empty, empty, " Title FROM Album", " nope FROM Album"])
    res = ask("List the album titles.", session, model, AskOptions(candidates=4, resample_empty=True))
    assert res.ok and len(res.rows) == 347
    plain = ScriptedModel([empty, empty, " Title FROM Album", " nope FROM Album"])
    res = ask("List the album titles.", session, plain, AskOptions(candidates=4, resample_empty=False))
    assert res.ok and res.rows == []  # without the empty-result check the empty pair outvotes it


def test_selection_falls_back_to_repair_when_nothing_runs(chinook_url, workspace):
    session = open_session(workspace, chinook_url)
    model = ScriptedModel([" x FROM y", " z FROM y", " COUNT(*) FROM Album"])
    res = ask("How many albums?", session, model, AskOptions(candidates=2, max_repairs=0))
    assert res.ok and res.rows == [[347]]


def test_grammar_only_allows_catalog_identifiers(chinook_url, workspace, smol_model):
    import sqlglot
    from sqlglot import exp

    from engine.llm.base import GenerationSettings

    session = open_session(workspace, chinook_url)
    g = schema_grammar(session.catalog, ["Album", "Artist"])
    assert '"Album"' in g and '"Track"' not in g
    prompt = "<|im_start|>user\nList every artist's name<|im_end|>\n<|im_start|>assistant\nSELECT"
    out = smol_model.complete(prompt, GenerationSettings(max_tokens=60, grammar=g))
    tree = sqlglot.parse_one("SELECT" + out, read="sqlite")  # always parses
    assert {t.name for t in tree.find_all(exp.Table)} <= {"Album", "Artist"}
    allowed = {c.name for t in ("Album", "Artist") for c in session.catalog.table(t).columns}
    assert {c.name for c in tree.find_all(exp.Column) if c.name != "*"} <= allowed | {a.alias for a in tree.find_all(exp.Alias)}


def test_skeleton_check_samples_alternatives_when_the_answer_lacks_a_count(chinook_url, workspace):
    session = open_session(workspace, chinook_url)
    # runs, but "how many" has no COUNT; of the samples one fails, two count the albums, one does not count
    model = ScriptedModel([" AlbumId FROM Album", " nope FROM Album", " COUNT(*) FROM Album", " Title FROM Album", " count(AlbumId) FROM Album"])
    res = ask("How many albums are there?", session, model, AskOptions(skeleton_samples=4, max_repairs=0))
    assert res.ok and res.rows == [[347]]
    assert len(res.trace.attempts) == 5
    assert any("lacked COUNT(…) (count)" in n and "2 of 4" in n for n in res.trace.notes)


def test_skeleton_check_leaves_a_fitting_answer_alone_and_keeps_it_when_nothing_fits(chinook_url, workspace):
    session = open_session(workspace, chinook_url)
    fitting = ScriptedModel([" COUNT(*) FROM Album"])
    res = ask("How many albums are there?", session, fitting, AskOptions(skeleton_samples=4))
    assert res.ok and len(fitting.prompts) == 1  # nothing missing: no extra generation
    model = ScriptedModel([" Title FROM Album ORDER BY Title", " Title FROM Album", " nope"])
    res = ask("Which album has the longest title?", session, model, AskOptions(skeleton_samples=2, max_repairs=0))
    assert res.ok and res.sql.startswith("SELECT Title FROM Album ORDER BY Title")  # the first answer stays
    assert any("none of 2 sampled alternatives" in n for n in res.trace.notes)


# Chinook questions whose greedy answer from the shipped adapter ran but lacked the part its
# words ask for (from `sqlsage eval` on the 84 Chinook questions, 2026-12-01)
LACKING = [
    "What is the least common media type in all tracks?",
    "What are the phone numbers for each employee?",
]


def test_skeleton_check_with_the_real_fine_tuned_model(chinook_url, workspace, tmp_path):
    from engine.llm.loader import load_model
    from engine.llm.registry import ModelRegistry
    from engine.sql.skeleton import missing_parts

    model = load_model(ModelRegistry(tmp_path / "models"), "smollm2-135m-sql")
    session = open_session(workspace, chinook_url)
    for question in LACKING:
        plain = ask(question, session, model, AskOptions(mode="zero-shot", max_repairs=1))
        if plain.ok and missing_parts(question, plain.trace.attempts[-1].sql):
            break
    else:
        pytest.fail("no pinned question's greedy answer lacks a part any more (new adapter?): pick new ones from an eval run")
    res = ask(question, session, model, AskOptions(mode="zero-shot", max_repairs=1, skeleton_samples=3))
    first = len(plain.trace.attempts)
    assert res.trace.attempts[first - 1].sql == plain.trace.attempts[-1].sql  # greedy: the same first answer
    assert len(res.trace.attempts) == first + 3  # three real samples at temperature > 0
    assert {a.sql for a in res.trace.attempts[first:]} - {plain.trace.attempts[-1].sql}  # sampling gave other SQL
    note = next(n for n in res.trace.notes if "sampled alternative" in n)
    if res.sql != plain.sql:
        assert "chose a sampled alternative that has it" in note
    else:
        assert "none of 3 sampled alternatives" in note or "chose" in note


def test_an_empty_result_is_resampled_when_the_lever_is_on(chinook_url, workspace):
    session = open_session(workspace, chinook_url)
    # runs but finds nothing (a made-up value); of the samples one is empty too, two find the artist
    outputs = [" Name FROM Artist WHERE Name = 'Acdc'", " Name FROM Artist WHERE Name = 'ACDC'",
               " Name FROM Artist WHERE Name LIKE '%AC/DC%'", " Name FROM Artist WHERE Name = 'AC/DC'"]
    res = ask("Which artist is AC/DC?", session, ScriptedModel(outputs), AskOptions(skeleton_samples=3, resample_empty=True, max_repairs=0))
    assert res.ok and res.rows == [["AC/DC"]]
    assert any("any rows (the result was empty)" in n and "2 of 3" in n for n in res.trace.notes)
    # off (the eval default): the empty answer stands and nothing else is generated
    model = ScriptedModel(outputs[:1])
    res = ask("Which artist is AC/DC?", session, model, AskOptions(skeleton_samples=3, max_repairs=0))
    assert res.ok and res.rows == [] and len(model.prompts) == 1


def test_an_all_null_aggregate_counts_as_empty_and_an_empty_answer_stays_when_nothing_better_runs(chinook_url, workspace):
    session = open_session(workspace, chinook_url)
    outputs = [" AVG(Milliseconds) FROM Track WHERE Name = 'zzz'", " AVG(Milliseconds) FROM Track WHERE Name = 'yyy'", " nope"]
    res = ask("What is the average length of the track zzz?", session, ScriptedModel(outputs), AskOptions(skeleton_samples=2, resample_empty=True, max_repairs=0))
    assert res.ok and res.rows == [[None]] and "zzz" in res.sql  # the first answer stays
    assert any("none of 2 sampled alternatives" in n for n in res.trace.notes)


def test_a_failed_answer_gets_sampled_alternatives_and_one_that_runs_wins(chinook_url, workspace):
    session = open_session(workspace, chinook_url)
    # greedy fails; of three samples one fails, two run, and the one with a COUNT fits "how many"
    outputs = [" nope FROM Album", " nada FROM Album", " Title FROM Album LIMIT 1", " COUNT(*) FROM Album"]
    res = ask("How many albums are there?", session, ScriptedModel(outputs), AskOptions(mode="zero-shot", max_repairs=0, failure_samples=3))
    assert res.ok and res.rows == [[347]]
    assert any("chose a sampled alternative that runs (2 of 3 did)" in n for n in res.trace.notes)
    nothing = ScriptedModel([" nope FROM Album", " nada FROM Album", " zilch FROM Album"])
    res = ask("How many albums are there?", session, nothing, AskOptions(mode="zero-shot", max_repairs=0, failure_samples=2))
    assert not res.ok and "nope" in res.sql and any("none of 2 sampled alternatives ran" in n for n in res.trace.notes)
    refused = ScriptedModel(["```sql\nDELETE FROM Album\n```", " COUNT(*) FROM Album"])
    res = ask("Drop it", session, refused, AskOptions(mode="zero-shot", max_repairs=0, failure_samples=2))
    assert not res.ok and len(refused.prompts) == 1  # a refusal is never resampled


def test_failure_samples_with_the_real_fine_tuned_model(chinook_url, workspace, tmp_path):
    from engine.llm.loader import load_model
    from engine.llm.registry import ModelRegistry

    model = load_model(ModelRegistry(tmp_path / "models"), "smollm2-135m-sql")
    session = open_session(workspace, chinook_url)
    question = "Which artists have released albums in the Rock genre and what are their birthdays?"  # no birthday column
    res = ask(question, session, model, AskOptions(mode="zero-shot", max_repairs=0, column_linking=False, failure_samples=3))
    if not res.trace.attempts[0].error:
        pytest.skip("the greedy answer runs now (new adapter?): pick a question whose answer fails")
    assert len(res.trace.attempts) == 4  # the failed greedy answer, then three real samples
    assert len({a.sql for a in res.trace.attempts}) > 1  # sampling at temperature > 0 gave other SQL
    assert any("sampled alternative" in n for n in res.trace.notes)
    assert res.ok == any(not a.error for a in res.trace.attempts[1:])  # a sample that ran was taken


def test_an_answer_that_never_reads_a_column_the_question_names_is_resampled(chinook_url, workspace):
    session = open_session(workspace, chinook_url)
    question = "What are the composer and unit price of the track named Balls to the Wall?"
    # greedy shows Milliseconds where the question spells "unit price"; two of three samples read UnitPrice
    outputs = [" Composer, Milliseconds FROM Track WHERE Name = 'Balls to the Wall'",
               " Composer, UnitPrice FROM Track WHERE Name = 'Balls to the Wall'",
               " Composer FROM Track WHERE Name = 'Balls to the Wall'",
               " Composer, UnitPrice FROM Track WHERE Name = 'Balls to the Wall'"]
    res = ask(question, session, ScriptedModel(outputs), AskOptions(skeleton_samples=3, resample_unread=True, max_repairs=0))
    assert res.ok and res.rows[0][1] == 0.99 and "UnitPrice" in res.sql
    assert any("the column unitprice the question names" in n and "2 of 3" in n for n in res.trace.notes)
    # off (the eval default): the first answer stands and nothing else is generated
    model = ScriptedModel(outputs[:1])
    res = ask(question, session, model, AskOptions(skeleton_samples=3, max_repairs=0))
    assert "Milliseconds" in res.sql and len(model.prompts) == 1
