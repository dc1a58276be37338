"""Keep the answer the models find more likely: a selector between two models' final answers, replayed.

    python benchmarks/likelihood_replay.py PRIMARY.json FALLBACK.json [--dataset spider-dev] [--limit N] [--json OUT]

PRIMARY and FALLBACK are two recorded evaluations of the same questions (SmolLM2's and Gemma's
answers). Each answer is scored through today's checks (`GoldChecker`). Where the two answers
disagree, each model scores both answers: the mean log-probability of the answer's tokens after
the first prompt `ask` gives that model (`pipeline.first_prompt`), the answer prefix `SELECT`
included in the prompt. The selectors compared:

- today: `fallback_when_lacking` (`asks_fallback` / `keeps_fallback`), as `fallback_replay.py`;
- today, likelihood: the same questions go to the second model, but the kept answer is the one
  with the higher summed score of the two models (an answer without rows never beats one with rows);
- always, likelihood: both models on every question; different results → the higher score;
- the same with one model's score only, and the oracle (either answer right).

Prints a table, writes JSON. The scorers load each model apart from `ask`'s (logits for every
position), so nothing here changes what `ask` does.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.fallback_replay import replay_pair  # noqa: E402
from benchmarks.gold_check import GoldChecker  # noqa: E402
from benchmarks.replay import guess_set  # noqa: E402
from engine.llm.registry import ModelRegistry, adapter_path  # noqa: E402
from engine.pipeline import first_prompt, result_key  # noqa: E402
from engine.prompt.builder import ANSWER_PREFIX, completion_end  # noqa: E402
from engine.settings import AskSettings  # noqa: E402
from engine.workspace import Workspace  # noqa: E402


class Scorer:
    """One registry model loaded with logits for every position: the log-probability of a completion."""

    def __init__(self, registry: ModelRegistry, name: str, n_ctx: int = 4096):
        from llama_cpp import Llama

        spec = registry.get(name)
        base = registry.get(spec.base) if spec.adapter else spec
        lora = adapter_path(spec) if spec.adapter else None
        self.name, self.style = spec.name, spec.prompt_style
        self.end = completion_end(self.style)
        self.llm = Llama(model_path=str(registry.resolve_path(base)), lora_path=str(lora) if lora else None,
                         n_ctx=n_ctx, n_threads=2, n_threads_batch=2, n_batch=512, logits_all=True, verbose=False)
        self._prompt: list[int] = []

    def mean_logprob(self, prompt: str, sql: str) -> float:
        """Mean log-probability of the answer's tokens (after the prompt's `SELECT`, end marker included)."""
        body = sql.strip()
        if body.upper().startswith(ANSWER_PREFIX):
            body = body[len(ANSWER_PREFIX):]
        p = self.llm.tokenize(prompt.encode(), add_bos=True, special=True)
        c = self.llm.tokenize((body + self.end).encode(), add_bos=False, special=True)
        if len(p) + len(c) > self.llm.n_ctx():
            return float("-inf")
        if p != self._prompt:
            # the prompt without logits (a 262k vocabulary × every prompt token is most of the cost);
            # its last token is evaluated with the answer, for the logits that predict the answer's first token
            self.llm.reset()
            self.llm._logits_all = False
            self.llm.eval(p[:-1])
            self.llm._logits_all = True
            self._prompt = p
        self.llm.n_tokens = len(p) - 1  # keep the prompt's KV cache, drop the last answer's
        self.llm.eval(p[-1:] + c)
        logits = np.asarray(self.llm.scores[len(p) - 1: len(p) + len(c) - 1], dtype=np.float64)
        top = logits.max(axis=1, keepdims=True)
        logz = np.log(np.exp(logits - top).sum(axis=1)) + top[:, 0]
        return float(np.mean(logits[np.arange(len(c)), c] - logz))


@dataclass
class Pair:
    index: int
    a_right: bool
    b_right: bool
    a_empty: bool
    b_empty: bool
    same: bool  # both ran and returned the same result
    asked: bool  # today's rule asks the second model
    kept_today: bool  # today's rule keeps the second model's answer
    scores: dict  # model name -> (score of a, score of b), only where the answers differ


def pairs(primary: Path, fallback: Path, set_name: str, workspace: Path, scorers: list[Scorer], limit: int | None) -> list[Pair]:
    first, second = json.loads(primary.read_text()), json.loads(fallback.read_text())
    by_index = {r["index"]: r for r in second["items"][second["modes"][-1]]}
    checker = GoldChecker(set_name, workspace)
    opts = AskSettings().options()
    out = []
    for n, rec in enumerate(first["items"][first["modes"][-1]]):
        if limit is not None and n >= limit:
            break
        it = checker.items[rec["index"]]
        r = replay_pair(checker, it, rec["sql"], by_index[rec["index"]]["sql"], when_lacking=True)
        a, b = r.a, r.b
        same = not r.empty_a and not r.empty_b and result_key(a.rows) == result_key(b.rows)
        scores = {}
        if not same and not r.empty_a and not r.empty_b:
            for s in scorers:
                prompt = first_prompt(it.question, checker.session(it), opts, s.style).prompt.text
                scores[s.name] = (s.mean_logprob(prompt, a.sql), s.mean_logprob(prompt, b.sql))
        out.append(Pair(it.index, a.correct, b.correct, r.empty_a, r.empty_b, same, r.asked, r.used, scores))
        if (n + 1) % 25 == 0:
            print(f"… {n + 1} questions", file=sys.stderr)
    checker.close()
    return out


def prefers_b(p: Pair, models: list[str]) -> bool:
    """The second answer wins on likelihood: summed over `models` of (score of b − score of a)."""
    return sum(p.scores[m][1] - p.scores[m][0] for m in models) > 0


def select(p: Pair, rule: str, models: list[str]) -> bool:
    """Whether the kept answer is right under `rule`."""
    if rule == "today":
        return p.b_right if p.kept_today else p.a_right
    if rule == "oracle":
        return p.a_right or p.b_right
    if rule == "today, likelihood" and not p.asked:
        return p.a_right
    # the second model answered: one without rows never beats one with rows
    if p.a_empty or p.b_empty:
        return p.a_right if p.b_empty else p.b_right
    if p.same:
        return p.a_right
    return p.b_right if prefers_b(p, models) else p.a_right


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("primary", type=Path)
    ap.add_argument("fallback", type=Path)
    ap.add_argument("--dataset")
    ap.add_argument("--workspace", type=Path, default=ROOT / ".cache" / "bench-ws")
    ap.add_argument("--models", nargs="+", default=["smollm2-135m-sql", "gemma3-270m-sql"])
    ap.add_argument("--limit", type=int, help="only the first N questions")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    registry = ModelRegistry(Workspace(args.workspace).models_dir)
    scorers = [Scorer(registry, m) for m in args.models]
    rows = pairs(args.primary, args.fallback, args.dataset or guess_set(args.primary), args.workspace, scorers, args.limit)
    names = [s.name for s in scorers]
    table = {"today": select_count(rows, "today", names), "oracle": select_count(rows, "oracle", names)}
    for rule in ("today, likelihood", "always, likelihood"):
        table[f"{rule} ({' + '.join(names)})"] = select_count(rows, rule, names)
        if len(names) > 1:
            for m in names:
                table[f"{rule} ({m})"] = select_count(rows, rule, [m])
    differ = sum(1 for r in rows if r.scores)
    print(f"{len(rows)} questions; both answers ran with different results on {differ}")
    for k, v in table.items():
        print(f"{k:<58}{v:>5}")
    out = args.json or ROOT / "benchmarks" / "results" / f"likelihood_{args.primary.stem.removeprefix('accuracy_')}.json"
    out.write_text(json.dumps({"primary": args.primary.name, "fallback": args.fallback.name, "models": names, "total": len(rows),
                               "differ": differ, "table": table, "pairs": [r.__dict__ for r in rows]}, indent=1))
    return 0


def select_count(rows: list[Pair], rule: str, models: list[str]) -> int:
    return sum(select(r, rule, models) for r in rows)


if __name__ == "__main__":
    raise SystemExit(main())
