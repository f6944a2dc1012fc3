#!/usr/bin/env bash
# The prepared GPU run of benchmarks/train_throughput.py (one call, a few minutes).
#
# Needs: python3 with torch (CUDA) and transformers 5.x, and a BERT-uncased tokenizer folder
# (only for padding). On a machine without the Hub, bring both along in $BUNDLE:
#   $BUNDLE/tok/  tokenizer.json, tokenizer_config.json, vocab.txt, special_tokens_map.json
#                 (copied from the offline tier's model folder: the same 30,522-token
#                 vocabulary as distilbert-base-uncased)
#   $BUNDLE/whl/  optional wheels (e.g. transformers==5.24.0, to match the CPU runs)
# Results: $OUT/train_throughput-cuda.json (+ .log, nvidia-smi.txt).
set -uo pipefail
OUT=${OUT:-results/benchmarks}
BUNDLE=${BUNDLE:-.bench_gpu}
PY=${PY:-python3}
DEVICE=${DEVICE:-cuda}
mkdir -p "$OUT"
if compgen -G "$BUNDLE/whl/*.whl" > /dev/null; then
  $PY -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site "$BUNDLE"/whl/*.whl \
    && export PYTHONPATH=/tmp/site${PYTHONPATH:+:$PYTHONPATH} || exit 1
fi
if command -v nvidia-smi > /dev/null; then
  nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm,power.limit --format=csv | tee "$OUT/nvidia-smi.txt"
fi
PYTHONUNBUFFERED=1 timeout "${LIMIT:-380}" $PY -m benchmarks.train_throughput --device "$DEVICE" \
  --samples "${SAMPLES:-8192}" --compile --tokenizer "$BUNDLE/tok" --output "$OUT" ${EXTRA:-} 2>&1 \
  | tee "$OUT/train_throughput-$DEVICE.log"
