#!/usr/bin/env bash
# Train each NLU pipeline (config.yml and bench/pipelines/*.yml) on data/ and evaluate
# it on the held-out set tests/nlu/heldout.yml. Prints one JSON line per pipeline.
# Usage: bench/compare_pipelines.sh [config ...]   (about 4 minutes per pipeline)
set -euo pipefail
cd "$(dirname "$0")/.."
export RASA_TELEMETRY_ENABLED=false TF_CPP_MIN_LOG_LEVEL=3
out=$(mktemp -d)
configs=("$@")
[[ ${#configs[@]} -gt 0 ]] || configs=(config.yml bench/pipelines/*.yml)
for config in "${configs[@]}"; do
    name=$(basename "$config" .yml)
    started=$(date +%s)
    .venv/bin/rasa train nlu --quiet --config "$config" --out "$out" --fixed-model-name "$name" >/dev/null 2>&1
    seconds=$(( $(date +%s) - started ))
    for set in heldout blind; do
        result=$(.venv/bin/python bench/eval_nlu.py "$out/$name.tar.gz" --data "tests/nlu/$set.yml" --json 2>/dev/null | tail -1)
        echo "{\"pipeline\": \"$name\", \"set\": \"$set\", \"train_seconds\": $seconds, ${result#\{}"
    done
done
rm -rf "$out"
