"""Where the Rasa server spends its CPU under load (py-spy on the running server).

Usage:
    .venv/bin/pip install py-spy   # a measuring tool, not a dependency of the bot
    .venv/bin/python bench/profile_server.py [--residents 8] [--seconds 30]
        [--model models/current.tar.gz] [--folded /tmp/rasa.folded]

Starts the bot (embedded profile: SQLite store, action server), drives it with
``--residents`` simulated residents (FAQs and the dates conversation, as
bench_load.py) and samples the Rasa server with ``py-spy record`` meanwhile. Prints,
for each part of the message path, the share of the server's busy samples whose
stack contains it (a part inside another counts in both), and writes the folded
stacks for a closer look (e.g. ``grep answer_gate /tmp/rasa.folded``).
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

from bench_load import run_level
from stack import NO_RATE_LIMIT, ROOT, running_bot

# Part of the message path -> substrings of a frame ("function (file:line)").
PARTS: dict[str, tuple[str, ...]] = {
    "NLU (parse_message)": ("parse_message (",),
    "  SecretRedactor / SecretIntentOverride": ("privacy_guard.py",),
    "  SudachiTokenizer": ("sudachi_tokenizer.py",),
    "  JapaneseDateExtractor": ("date_extractor.py",),
    "  CountVectorsFeaturizer (words, chars)": ("count_vectors_featurizer.py",),
    "  ReadingCountVectorsFeaturizer": ("reading_featurizer.py",),
    "  DIETClassifier": ("diet_classifier.py",),
    "  ResponseSelector": ("response_selector.py",),
    "  AnswerGate": ("answer_gate.py",),
    "  RetrievalPayloadHandler": ("retrieval_payload.py",),
    "policy ensemble (predict_next_action)": ("_predict_next_with_tracker (",),
    "  RulePolicy": ("rule_policy.py",),
    "  MemoizationPolicy": ("memoization.py",),
    "  tracker featurisation (past states)": ("past_states (",),
    "action server calls (remote actions)": ("action.py:", "RemoteAction"),
    "  tracker + domain serialised for them": ("current_state (", "as_dict ("),
    "tracker store": ("tracker_store.py",),
    "channel guard (bot/channels)": ("bot/channels/",),
    "rasa.core.processor (all of a message)": ("handle_message (",),
}


def shares(folded: Path) -> tuple[int, dict[str, float]]:
    """Busy samples in ``folded`` and the share of each part (0..1)."""
    total = 0
    hits: Counter[str] = Counter()
    for line in folded.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        total += int(count)
        for part, needles in PARTS.items():
            if any(needle in stack for needle in needles):
                hits[part] += int(count)
    return total, {part: hits[part] / max(total, 1) for part in PARTS}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--model", default=str(ROOT / "models" / "current.tar.gz"))
    parser.add_argument("--folded", default="/tmp/rasa.folded")
    args = parser.parse_args()
    py_spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    if not Path(py_spy).exists():
        sys.exit("py-spy not found: .venv/bin/pip install py-spy")
    folded = Path(args.folded)

    with (
        tempfile.TemporaryDirectory() as workdir,
        running_bot(Path(args.model).resolve(), Path(workdir), NO_RATE_LIMIT) as bot,
    ):
        bot.send("warm-up", "こんにちは")
        asyncio.run(run_level([bot.rasa_url], 1, 5))  # first calls load lazily
        spy = subprocess.Popen(
            [py_spy, "record", "--pid", str(bot.rasa_pid), "--format", "raw"]
            + ["--duration", str(int(args.seconds)), "--rate", "200"]
            + ["--output", str(folded), "--nonblocking"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        load = asyncio.run(run_level([bot.rasa_url], args.residents, args.seconds))
        spy.wait(timeout=args.seconds + 60)

    total, parts = shares(folded)
    print(
        f"{args.residents} residents, {load['per_second']:.1f} msg/s, p50 "
        f"{load['p50']:.0f} ms; {total} busy samples of the Rasa server"
    )
    for part, share in parts.items():
        print(f"  {part:<42} {share * 100:5.1f}%")


if __name__ == "__main__":
    main()
