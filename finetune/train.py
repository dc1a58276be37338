"""LoRA training of the SQL model: PEFT on the CPU, Unsloth when a CUDA GPU is present.

One recipe for both backends. The run directory holds everything needed to resume:
a checkpoint is written to a temp dir and renamed into place, so a killed run resumes
from its last complete checkpoint and never from a torn one.
"""

from __future__ import annotations

import json
import math
import os
import random
import shutil
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from finetune.data import TrainExample, examples_file, load_examples
from finetune.tokens import LlamaTokens

TARGETS = ("q_proj", "k_proj", "v_proj", "o_proj")
MLP_TARGETS = ("gate_proj", "up_proj", "down_proj")
TARGET_SETS = {"attention": TARGETS, "all-linear": TARGETS + MLP_TARGETS}


@dataclass
class TrainConfig:
    base_model: str = "smollm2-135m"
    rank: int = 16
    alpha: int = 32
    dropout: float = 0.0
    learning_rate: float = 3e-4
    epochs: float = 1.0
    max_steps: int | None = None
    max_length: int = 640
    grad_accum: int = 4
    seed: int = 13
    checkpoint_every: int = 25
    targets: tuple[str, ...] = TARGETS
    threads: int = 2
    backend: str = "auto"  # auto | peft | unsloth
    eval_every: int = 50  # steps between held-out loss measurements (0: never)
    eval_samples: int = 16  # held-out examples per measurement: ~0.4 s each on 2 cores
    init_adapter: str | None = None  # a GGUF LoRA to start from (its rank and alpha win; targets are widened)
    prompt_style: str = "chatml"  # which rendering of the prepared data to train on: the base model's


PRESETS = {
    "quick": {"rank": 8, "alpha": 16, "epochs": 1.0, "max_steps": 60},
    "balanced": {"rank": 16, "alpha": 32, "epochs": 1.0, "max_steps": None},
    "thorough": {"rank": 32, "alpha": 64, "epochs": 2.0, "max_steps": None},
}


@dataclass
class TrainProgress:
    step: int
    total_steps: int
    loss: float
    seconds: float
    eta_seconds: float
    eval_loss: float | None = None
    rss_mb: float = 0.0
    cpu_percent: float = 0.0  # of all cores, over the last step


@dataclass
class TrainResult:
    run_dir: Path
    steps: int
    final_loss: float
    seconds: float
    backend: str
    stopped: bool = False
    history: list[dict] = field(default_factory=list)


def detect_backend(requested: str = "auto") -> str:
    """'unsloth' on a CUDA GPU with unsloth installed, else 'peft' (measured faster on CPU:
    see benchmarks/README.md). An explicit request is honoured, or refused with the fix."""
    import importlib.util

    have_unsloth = importlib.util.find_spec("unsloth") is not None
    if requested == "unsloth":
        if not have_unsloth:
            raise RuntimeError("The Unsloth backend is not installed: pip install -e '.[gpu]' (see README, Fine-tuning).")
        return "unsloth"
    if requested == "peft":
        return "peft"
    try:
        import torch

        if torch.cuda.is_available() and have_unsloth:
            return "unsloth"
    except ImportError:
        pass
    return "peft"


def load_base(gguf_path: Path, backend: str = "peft"):
    """transformers reads the GGUF's weights directly (dequantized to fp32 for CPU training).

    Only the weights: the token ids come from llama.cpp (finetune/tokens.py)."""
    import torch
    from transformers import AutoModelForCausalLM

    gguf_path = Path(gguf_path)
    if backend == "unsloth":
        from finetune.unsloth_backend import load_unsloth

        return load_unsloth(gguf_path)[0]
    return AutoModelForCausalLM.from_pretrained(str(gguf_path.parent), gguf_file=gguf_path.name, torch_dtype=torch.float32)


def _attach_lora(base, config: TrainConfig, backend: str):
    if backend == "unsloth":
        from finetune.unsloth_backend import attach_lora

        return attach_lora(base, config)
    from peft import LoraConfig, get_peft_model

    lcfg = LoraConfig(r=config.rank, lora_alpha=config.alpha, lora_dropout=config.dropout, target_modules=list(config.targets), task_type="CAUSAL_LM")
    return get_peft_model(base, lcfg)


def completion_loss(model, ids: list[int], labels: list[int]):
    """Mean cross-entropy over the completion (the SQL), with the LM head run on its positions only.

    The prompt is most of each example and its labels are ignored anyway; projecting every
    prompt position onto the vocabulary (262k rows for Gemma 3) was most of a step's time.
    Same value as transformers' own loss with the prompt masked to -100."""
    import torch

    first = next(i for i, t in enumerate(labels) if t != -100)
    keep = len(ids) - first + 1  # the position before the first completion token predicts it
    # [-keep:] also holds for a forward that ignores logits_to_keep (a patched one, e.g. Unsloth's)
    logits = model(input_ids=torch.tensor([ids]), logits_to_keep=keep).logits[0, -keep:-1]
    return torch.nn.functional.cross_entropy(logits.float(), torch.tensor(ids[first:]))


def held_out_loss(model, encoded: list[tuple[list[int], list[int]]]) -> float | None:
    """Mean loss on held-out examples: the curve that shows over-fitting, which training loss hides."""
    import torch

    if not encoded:
        return None
    was_training = model.training
    model.eval()
    total = 0.0
    with torch.no_grad():
        for ids, labels in encoded:
            total += float(completion_loss(model, ids, labels))
    if was_training:
        model.train()
    return total / len(encoded)


def _rss_mb() -> float:
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _cpu_seconds() -> float:
    t = os.times()
    return t.user + t.system


def _encode(tok: LlamaTokens, ex: TrainExample, max_length: int) -> tuple[list[int], list[int]] | None:
    p, c = tok.prompt(ex.prompt), tok.completion(ex.completion)
    if not c or len(p) + len(c) > max_length:
        return None  # nothing to learn, or a truncated schema that would teach the model to invent tables
    return p + c, [-100] * len(p) + c


def _encode_all(tok: LlamaTokens, examples: list[TrainExample], max_length: int) -> list[tuple[list[int], list[int]]]:
    return [e for e in (_encode(tok, ex, max_length) for ex in examples) if e is not None]


def train(
    run_dir: Path,
    gguf_path: Path,
    config: TrainConfig,
    progress: Callable[[TrainProgress], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> TrainResult:
    """Train (or resume) the LoRA in run_dir from its prepared examples in the base model's prompt style."""
    backend = detect_backend(config.backend)
    if backend == "unsloth":
        from finetune.unsloth_backend import preload

        preload()  # Unsloth must patch transformers before peft imports it
    import torch
    from peft import PeftModel

    run_dir = Path(run_dir)
    torch.manual_seed(config.seed)
    torch.set_num_threads(config.threads)
    ckpt = run_dir / "checkpoint"
    recover(run_dir)  # a torn save from a killed run
    resuming = (ckpt / "state.json").exists()
    start_from = _read_init_adapter(gguf_path, config) if config.init_adapter and not resuming else None
    (run_dir / "config.json").write_text(json.dumps(asdict(config), indent=1))
    train_file = examples_file(run_dir, "train", config.prompt_style)
    if not train_file.exists():
        raise ValueError(f"{train_file.name} is missing: the data was prepared by an older sqlsage; prepare it again for a {config.prompt_style}-prompted base model.")
    examples = load_examples(train_file)
    base = load_base(gguf_path, backend)
    tok = LlamaTokens(gguf_path)  # the ids llama.cpp will feed the model at inference
    state = {"step": 0, "history": []}
    if resuming:
        model = PeftModel.from_pretrained(base, str(ckpt), is_trainable=True)
        state = json.loads((ckpt / "state.json").read_text())
    else:
        model = _attach_lora(base, config, backend)
        if start_from is not None:
            from finetune.import_adapter import load_into_peft

            load_into_peft(model, start_from)
    model.train()
    held_out: list[tuple[list[int], list[int]]] = []
    eval_file = examples_file(run_dir, "eval", config.prompt_style)
    if config.eval_every and eval_file.exists():
        held_out = _encode_all(tok, load_examples(eval_file), config.max_length)[: config.eval_samples]

    encoded = _encode_all(tok, examples, config.max_length)
    tok.close()
    if not encoded:
        raise ValueError("No training example fits in max_length; raise it or use smaller schemas.")
    order = list(range(len(encoded)))
    random.Random(config.seed).shuffle(order)
    per_epoch = math.ceil(len(encoded) / config.grad_accum)
    total = config.max_steps or max(1, int(per_epoch * config.epochs))
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=config.learning_rate, weight_decay=0.0)
    if (ckpt / "optimizer.pt").exists():
        opt.load_state_dict(torch.load(ckpt / "optimizer.pt", weights_only=True))
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / 10) * max(0.05, 1 - s / total))
    for _ in range(state["step"]):
        sched.step()

    start = time.perf_counter()
    done_at_start = state["step"]
    step = state["step"]
    stopped = False
    loss_value = float("nan")
    while step < total:
        if should_stop and should_stop():
            stopped = True
            break
        opt.zero_grad()
        loss_sum = 0.0
        cpu0, wall0 = _cpu_seconds(), time.perf_counter()
        # one example per forward: measured 1.4 s/example here, vs 3.2 s/example for a padded batch of 4
        for micro in range(config.grad_accum):
            ids, labels = encoded[order[(step * config.grad_accum + micro) % len(order)]]
            loss = completion_loss(model, ids, labels)
            (loss / config.grad_accum).backward()
            loss_sum += float(loss.detach())
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        sched.step()
        step += 1
        loss_value = loss_sum / config.grad_accum
        state["step"] = step
        point = {"step": step, "loss": round(loss_value, 4)}
        eval_loss = None
        if held_out and (step % config.eval_every == 0 or step == total):
            eval_loss = held_out_loss(model, held_out)
            point["eval_loss"] = round(eval_loss, 4)
        state["history"].append(point)
        elapsed = time.perf_counter() - start
        rate = elapsed / max(step - done_at_start, 1)
        if progress:
            cpu = 100 * (_cpu_seconds() - cpu0) / max(time.perf_counter() - wall0, 1e-6) / (os.cpu_count() or 1)
            progress(TrainProgress(step, total, loss_value, elapsed, rate * (total - step), eval_loss, _rss_mb(), round(cpu, 1)))
        if step % config.checkpoint_every == 0 or step == total:
            save_checkpoint(run_dir, model, opt, state)
    if stopped and step > done_at_start:
        save_checkpoint(run_dir, model, opt, state)
    return TrainResult(run_dir, step, loss_value, time.perf_counter() - start, backend, stopped, state["history"])


def _read_init_adapter(gguf_path: Path, config: TrainConfig):
    """Read the adapter to start from before loading the model, so a bad file fails fast.

    Rank and alpha must be the adapter's, whatever the preset said. Targets are the adapter's
    plus any others the config asks for: those start at zero effect (B = 0), so a continued run
    can widen an attention-only adapter to the MLP without losing what it learnt."""
    from finetune.export import model_heads
    from finetune.import_adapter import read_lora_gguf

    lora = read_lora_gguf(Path(config.init_adapter), *model_heads(gguf_path))
    config.rank, config.alpha = lora.rank, int(lora.alpha)
    config.targets = tuple(lora.targets) + tuple(t for t in config.targets if t not in lora.targets)
    return lora


def save_checkpoint(run_dir: Path, model, opt, state: dict) -> None:
    import torch

    tmp = run_dir / "checkpoint.partial"
    shutil.rmtree(tmp, ignore_errors=True)
    model.save_pretrained(str(tmp))
    torch.save(opt.state_dict(), tmp / "optimizer.pt")
    (tmp / "state.json").write_text(json.dumps(state))
    final = run_dir / "checkpoint"
    old = run_dir / "checkpoint.old"
    shutil.rmtree(old, ignore_errors=True)
    if final.exists():
        os.replace(final, old)
    os.replace(tmp, final)
    shutil.rmtree(old, ignore_errors=True)


def recover(run_dir: Path) -> None:
    """After a crash between the two renames: checkpoint.old is the last good one."""
    run_dir = Path(run_dir)
    if not (run_dir / "checkpoint").exists() and (run_dir / "checkpoint.old").exists():
        os.replace(run_dir / "checkpoint.old", run_dir / "checkpoint")
    shutil.rmtree(run_dir / "checkpoint.partial", ignore_errors=True)
