"""Accuracy of a trained model on the held-out set (phrasing the training data never saw).

Usage:
    .venv/bin/python bench/eval_nlu.py [MODEL] [--data tests/nlu/heldout.yml] [--errors]

Leaves out messages that are also training examples word for word, then prints
intent accuracy over all messages, FAQ accuracy (the right answer selected:
intent ``faq`` and the right ``faq/<name>``), per-intent figures, and parse latency.
Exits 0; the floors are enforced by tests/nlu/test_heldout_accuracy.py.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import yaml  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def load_examples(path: Path) -> list[tuple[str, str]]:
    """Return (text, label) pairs; FAQ labels keep their sub-intent (faq/where)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    pairs = []
    for block in data["nlu"]:
        for line in block["examples"].splitlines():
            text = line.strip()
            if text.startswith("- "):
                pairs.append((text[2:].strip(), block["intent"]))
    return pairs


def training_texts(data_dir: Path = ROOT / "data" / "nlu") -> set[str]:
    """Return every training example text (to leave out of an evaluation)."""
    return {text for path in data_dir.glob("*.yml") for text, _ in load_examples(path)}


def unseen(examples: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Return the examples whose text is not a training example word for word.

    Independently written sets share short common phrases (「こんにちは」,
    「昭和60年4月3日」); scoring those would measure memory, not understanding.
    """
    known = training_texts()
    return [(text, label) for text, label in examples if text not in known]


def predicted_label(parse: dict[str, Any]) -> str:
    """Return the label the bot acts on: the intent, or faq/<name> for FAQs."""
    intent = parse["intent"]["name"]
    if intent == "faq":
        selected = parse.get("response_selector", {}).get("faq", {}).get("response", {})
        return selected.get("intent_response_key") or "faq"
    return intent


@dataclass
class Report:
    """Evaluation figures."""

    total: int = 0
    intent_correct: int = 0
    faq_total: int = 0
    faq_correct: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    per_label: dict[str, Counter[str]] = field(
        default_factory=lambda: defaultdict(Counter)
    )
    errors: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def intent_accuracy(self) -> float:
        return self.intent_correct / self.total

    @property
    def faq_accuracy(self) -> float:
        return self.faq_correct / self.faq_total

    def as_dict(self) -> dict[str, Any]:
        lat = sorted(self.latencies_ms)
        return {
            "messages": self.total,
            "intent_accuracy": round(self.intent_accuracy, 4),
            "faq_messages": self.faq_total,
            "faq_accuracy": round(self.faq_accuracy, 4),
            "parse_ms_p50": round(statistics.median(lat), 2),
            "parse_ms_p95": round(lat[int(len(lat) * 0.95) - 1], 2),
        }


async def evaluate(model: str, examples: list[tuple[str, str]]) -> Report:
    import logging

    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    logging.basicConfig(level=logging.WARNING)
    configure_structlog(logging.WARNING)

    agent = Agent.load(model)
    report = Report()
    await agent.parse_message("ウォームアップ")
    for text, label in examples:
        started = time.perf_counter()
        parse = await agent.parse_message(text)
        report.latencies_ms.append((time.perf_counter() - started) * 1000)
        got = predicted_label(parse)
        gold_intent = label.split("/")[0]
        got_intent = got.split("/")[0]
        # nlu_fallback on a message counts as wrong: the bot would not answer it.
        report.total += 1
        report.intent_correct += got_intent == gold_intent
        if gold_intent == "faq":
            report.faq_total += 1
            report.faq_correct += got == label
        report.per_label[label]["total"] += 1
        report.per_label[label]["correct"] += got == label
        if got != label:
            report.errors.append((text, label, got))
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "model", nargs="?", default=str(ROOT / "models" / "current.tar.gz")
    )
    parser.add_argument("--data", default=str(ROOT / "tests" / "nlu" / "heldout.yml"))
    parser.add_argument(
        "--errors", action="store_true", help="list every misclassified message"
    )
    parser.add_argument(
        "--json", action="store_true", help="print the summary as JSON only"
    )
    args = parser.parse_args()

    examples = load_examples(Path(args.data))
    fresh = unseen(examples)
    report = asyncio.run(evaluate(args.model, fresh))
    if not args.json:
        print(
            f"left out {len(examples) - len(fresh)} examples that are also training examples"
        )
    if args.json:
        print(json.dumps(report.as_dict()))
        return
    for key, value in report.as_dict().items():
        print(f"{key:<18} {value}")
    print()
    for label, counts in sorted(report.per_label.items()):
        print(f"  {label:<26} {counts['correct']:>3}/{counts['total']:<3}")
    if args.errors:
        print()
        for text, label, got in report.errors:
            print(f"  {label:<24} -> {got:<24} {text}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
