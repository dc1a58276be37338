#!/usr/bin/env bash
# Unsloth's CPU fallback in the project's .venv, without its CUDA-only dependencies.
#
# Why not `pip install unsloth`: it resolves to a release without the CPU fallback and pulls
# a multi-GB CUDA torch, triton, xformers, bitsandbytes and diffusers. unsloth/unsloth_zoo
# 2026.10.9 import on a CPU-only machine ("no GPU found, training on CPU"); they need
# transformers <= 5.17.0. torch stays pinned to the 2.13.0 CPU build by a constraint file.
# On a CUDA machine use the `gpu` extra instead: pip install -e ".[gpu]".
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
CONSTRAINTS=$(mktemp)
trap 'rm -f "$CONSTRAINTS"' EXIT
echo "torch==2.13.0" > "$CONSTRAINTS"
$PY -m pip install -q -c "$CONSTRAINTS" \
  "transformers==5.17.0" "peft>=0.18" "accelerate>=0.34.1" "trl>=0.18.2,<=1.15.0" "datasets>=3.4.1,<4" \
  "torchao>=0.13" tyro sentencepiece einops hf_transfer msgspec protobuf pillow regex psutil
$PY -m pip install -q --no-deps "unsloth==2026.10.9" "unsloth_zoo==2026.10.9"
UNSLOTH_SKIP_TORCHVISION_CHECK=1 $PY -c "import unsloth; print('unsloth', unsloth.__version__, 'ready (CPU fallback)')" 2>&1 | tail -1
