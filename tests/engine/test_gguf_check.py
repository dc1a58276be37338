import pytest

from engine.llm.gguf_check import ModelFileProblem, check_gguf


def test_bundled_model_passes(smol_path):
    meta = check_gguf(smol_path)
    assert meta["general.architecture"] == "llama" and meta["tensors"] > 100


def test_truncated_gguf(smol_path, tmp_path):
    bad = tmp_path / "cut.gguf"
    bad.write_bytes(smol_path.read_bytes()[: 20_000_000])
    with pytest.raises(ModelFileProblem, match="damaged|truncated"):
        check_gguf(bad)


def test_not_a_gguf(tmp_path):
    bad = tmp_path / "x.gguf"
    bad.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    with pytest.raises(ModelFileProblem, match="not a GGUF"):
        check_gguf(bad)


def test_too_big_for_memory(smol_path, monkeypatch):
    import engine.llm.gguf_check as g

    monkeypatch.setattr(g, "available_ram_bytes", lambda: 50_000_000)
    with pytest.raises(ModelFileProblem, match="needs about .* GiB of memory"):
        check_gguf(smol_path)


def test_loader_refuses_corrupt_file_before_llama_cpp(tmp_path):
    from engine.llm.llama_backend import LlamaModel

    bad = tmp_path / "corrupt.gguf"
    bad.write_bytes(b"GGUF" + b"\x03\x00\x00\x00" + b"\xff" * 5000)
    with pytest.raises(ModelFileProblem):
        LlamaModel(bad, name="bad", prompt_style="plain")
