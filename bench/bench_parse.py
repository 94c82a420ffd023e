"""Parse time and memory of trained models, side by side, in alternating rounds.

Usage:
    .venv/bin/python bench/bench_parse.py MODEL [MODEL ...] [--rounds 3]

Each round loads each model in a fresh process, parses every message of the
evaluation sets once, and reports the parse time (p50, p95) and the process's
resident memory after loading and after parsing. Rounds alternate the models, so a
busy machine slows them alike; the figures printed are the medians over rounds.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SETS = ["heldout.yml", "open_inscope.yml", "open_oos.yml"]

CHILD = """
import asyncio, json, sys, time
sys.path.insert(0, {here!r})
from eval_nlu import load_agent, load_examples
from stack import rss_mib
from pathlib import Path
import os
model, sets = sys.argv[1], sys.argv[2:]
agent = load_agent(model)
texts = [t for s in sets for t, _ in load_examples(Path(s))]
async def run():
    await agent.parse_message("ウォームアップ")
    loaded = rss_mib(os.getpid())
    times = []
    for text in texts:
        started = time.perf_counter()
        await agent.parse_message(text)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    print(json.dumps({{"p50": times[len(times) // 2], "p95": times[int(len(times) * 0.95)],
                      "rss_loaded": loaded, "rss_after": rss_mib(os.getpid()),
                      "messages": len(times)}}))
asyncio.run(run())
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("models", nargs="+")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    sets = [str(HERE.parent / "tests" / "nlu" / s) for s in SETS]
    results: dict[str, list[dict[str, float]]] = {m: [] for m in args.models}
    for _ in range(args.rounds):
        for model in args.models:
            out = (
                subprocess.run(
                    [sys.executable, "-c", CHILD.format(here=str(HERE)), model, *sets],
                    capture_output=True,
                    text=True,
                    check=True,
                )
                .stdout.strip()
                .splitlines()[-1]
            )
            results[model].append(json.loads(out))
    print("| model | messages | parse p50 | parse p95 | RSS loaded | RSS after |")
    print("|---|---|---|---|---|---|")
    for model, runs in results.items():
        med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
        print(
            f"| {Path(model).name} | {med['messages']:.0f} | {med['p50']:.1f} ms | "
            f"{med['p95']:.1f} ms | {med['rss_loaded']:.0f} MiB | "
            f"{med['rss_after']:.0f} MiB |"
        )


if __name__ == "__main__":
    main()
