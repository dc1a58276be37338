"""The OpenAI-compatible backend against a real llama_cpp.server on loopback."""

import subprocess
import sys
import time
import urllib.request

import pytest

from engine.llm.base import GenerationSettings
from engine.llm.openai_backend import ModelServerProblem, OpenAIModel
from engine.pipeline import ask
from engine.session import open_session
from tests.conftest import free_port


@pytest.fixture(scope="module")
def server(smol_path):
    pytest.importorskip("uvicorn", reason="llama-cpp-python[server] extra not installed")
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "llama_cpp.server", "--model", str(smol_path), "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "2048"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(url + "/v1/models", timeout=1)
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("llama_cpp.server did not start")
        yield url
    finally:
        proc.terminate()
        proc.wait(10)


def test_completion_streams_tokens(server):
    model = OpenAIModel(server)
    seen = []
    text = model.complete("SELECT count(*) FROM", GenerationSettings(max_tokens=8), on_token=seen.append)
    assert text and seen


def test_ask_through_the_server(server, chinook_url, workspace):
    from engine.pipeline import AskOptions
    from engine.sql.grammar import schema_grammar

    session = open_session(workspace, chinook_url)
    res = ask("How many albums are there?", session, OpenAIModel(server), AskOptions(grammar=schema_grammar, max_repairs=0))
    raw = res.trace.attempts[0].raw_output
    assert raw
    # the server honoured the grammar: the completion is SQL over real identifiers that parses
    import sqlglot

    tree = sqlglot.parse_one("SELECT" + raw, read="sqlite")
    assert {t.name for t in tree.find_all(sqlglot.exp.Table)} <= set(session.catalog.table_names())
    # whatever the tiny model got wrong, the error is ours (validation/execution), not the transport
    assert res.ok or "server" not in (res.error or "").lower()


def test_unreachable_server_is_a_clear_error():
    with pytest.raises(ModelServerProblem, match="Cannot reach"):
        OpenAIModel(f"http://127.0.0.1:{free_port()}").complete("x", GenerationSettings(max_tokens=1))
