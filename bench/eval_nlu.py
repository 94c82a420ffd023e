"""Accuracy of a trained model on an evaluation set (phrasing the training data never saw).

Usage:
    .venv/bin/python bench/eval_nlu.py [MODEL] [--data tests/nlu/heldout.yml ...]
        [--errors] [--json]

Leaves out messages that are also training examples (word for word, or equal once
width, case, spaces and punctuation are ignored), then prints, per set:

- intent accuracy over all messages and FAQ accuracy (the right ``faq/<name>`` given);
- for in-scope messages: answered right, wrongly refused (the bot asked again or
  referred the question elsewhere) and answered wrongly (another answer or task);
- for out-of-scope messages (``out_of_scope/<group>``): answered wrongly (any FAQ
  answer given or a task started), and the referral group right;
- near copies: messages that share most of their character trigrams with a training
  example (reported, still scored), and parse latency.

Exits 0; the floors are enforced by tests/nlu/test_heldout_accuracy.py.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import statistics
import sys
import time
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import yaml  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
OUT_OF_SCOPE = "out_of_scope"
FALLBACK = "nlu_fallback"
# Labels that start a personal-dates task: acting on them for an out-of-scope
# question is a wrong answer, like giving an FAQ.
TASKS = {"check_expiry", "check_eligibility", "inform_date"}
NEAR_COPY_JACCARD = 0.8


def load_examples(path: Path) -> list[tuple[str, str]]:
    """Return (text, label) pairs; retrieval labels keep their sub-intent (faq/where)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    pairs = []
    for block in data["nlu"]:
        for line in block["examples"].splitlines():
            text = line.strip()
            if text.startswith("- "):
                pairs.append((text[2:].strip(), block["intent"]))
    return pairs


_IGNORED = re.compile(r"[\s\W_]+", re.UNICODE)


def normalized(text: str) -> str:
    """Return the text without width, case, spaces or punctuation differences."""
    return _IGNORED.sub("", unicodedata.normalize("NFKC", text).lower())


def trigrams(text: str) -> frozenset[str]:
    """Return the character trigrams of the normalized text."""
    t = normalized(text)
    return frozenset(t[i : i + 3] for i in range(max(len(t) - 2, 1)))


@lru_cache(maxsize=1)
def _training(data_dir: Path = ROOT / "data" / "nlu") -> tuple[frozenset[str], ...]:
    texts = [text for path in data_dir.glob("*.yml") for text, _ in load_examples(path)]
    return (
        frozenset(texts),
        frozenset(normalized(t) for t in texts),
        *[trigrams(t) for t in texts],  # type: ignore[list-item]
    )


def training_texts() -> set[str]:
    """Return every training example text (to leave out of an evaluation)."""
    return set(_training()[0])


def unseen(examples: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Return the examples that are not a training example (exactly or normalized).

    Independently written sets share short common phrases (「こんにちは」,
    「昭和60年4月3日」); scoring those would measure memory, not understanding.
    """
    exact, loose = _training()[0], _training()[1]
    return [
        (text, label)
        for text, label in examples
        if text not in exact and normalized(text) not in loose
    ]


def near_copies(examples: list[tuple[str, str]]) -> list[tuple[str, float]]:
    """Return the messages whose trigrams overlap a training example's by ≥ 0.8."""
    grams = _training()[2:]
    found = []
    for text, _ in examples:
        mine = trigrams(text)
        best = max(
            (len(mine & g) / len(mine | g) for g in grams if g),  # type: ignore[operator]
            default=0.0,
        )
        if best >= NEAR_COPY_JACCARD:
            found.append((text, round(best, 2)))
    return found


def predicted_label(parse: dict[str, Any]) -> str:
    """Return the label the bot acts on: the intent, or the retrieval sub-intent."""
    intent = parse["intent"]["name"]
    if intent in ("faq", OUT_OF_SCOPE):
        selected = (
            parse.get("response_selector", {}).get(intent, {}).get("response", {})
        )
        return selected.get("intent_response_key") or intent
    return intent


def outcome(gold: str, got: str) -> str:
    """Classify one prediction: right, refused (asked or referred) or wrong."""
    gold_intent, got_intent = gold.split("/")[0], got.split("/")[0]
    if gold_intent == OUT_OF_SCOPE:
        if got_intent == "faq" or got_intent in TASKS:
            return "wrong"
        return "right" if got_intent == OUT_OF_SCOPE else "other"
    if got == gold or (gold_intent != "faq" and got_intent == gold_intent):
        return "right"
    if got_intent in (FALLBACK, OUT_OF_SCOPE):
        return "refused"
    return "wrong"


@dataclass
class Report:
    """Evaluation figures."""

    total: int = 0
    intent_correct: int = 0
    faq_total: int = 0
    faq_correct: int = 0
    in_scope: Counter[str] = field(default_factory=Counter)
    oos: Counter[str] = field(default_factory=Counter)
    oos_group_right: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    per_label: dict[str, Counter[str]] = field(
        default_factory=lambda: defaultdict(Counter)
    )
    errors: list[tuple[str, str, str]] = field(default_factory=list)
    parses: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    near_copies: list[tuple[str, float]] = field(default_factory=list)

    @property
    def intent_accuracy(self) -> float:
        return self.intent_correct / self.total

    @property
    def faq_accuracy(self) -> float:
        return self.faq_correct / self.faq_total if self.faq_total else 1.0

    def in_scope_rate(self, kind: str) -> float:
        """Share of in-scope messages that were ``right``, ``refused`` or ``wrong``."""
        n = sum(self.in_scope.values())
        return self.in_scope[kind] / n if n else 0.0

    @property
    def oos_total(self) -> int:
        return sum(self.oos.values())

    @property
    def oos_wrong_rate(self) -> float:
        """Share of out-of-scope messages answered with an FAQ or a task."""
        return self.oos["wrong"] / self.oos_total if self.oos_total else 0.0

    @property
    def oos_group_rate(self) -> float:
        """Share of out-of-scope messages referred with the right group's answer."""
        return self.oos_group_right / self.oos_total if self.oos_total else 0.0

    def as_dict(self) -> dict[str, Any]:
        lat = sorted(self.latencies_ms)
        figures: dict[str, Any] = {
            "messages": self.total,
            "intent_accuracy": round(self.intent_accuracy, 4),
            "faq_messages": self.faq_total,
            "faq_accuracy": round(self.faq_accuracy, 4),
        }
        if sum(self.in_scope.values()):
            figures |= {
                "in_scope_messages": sum(self.in_scope.values()),
                "in_scope_right": round(self.in_scope_rate("right"), 4),
                "in_scope_refused": round(self.in_scope_rate("refused"), 4),
                "in_scope_wrong": round(self.in_scope_rate("wrong"), 4),
            }
        if self.oos_total:
            figures |= {
                "oos_messages": self.oos_total,
                "oos_answered_wrongly": round(self.oos_wrong_rate, 4),
                "oos_group_right": round(self.oos_group_rate, 4),
            }
        figures |= {
            "near_copies": len(self.near_copies),
            "parse_ms_p50": round(statistics.median(lat), 2),
            "parse_ms_p95": round(lat[int(len(lat) * 0.95) - 1], 2),
        }
        return figures


async def evaluate(
    model: str, examples: list[tuple[str, str]], keep_parses: bool = False
) -> Report:
    agent = load_agent(model)
    report = Report(near_copies=near_copies(examples))
    await agent.parse_message("ウォームアップ")
    for text, label in examples:
        started = time.perf_counter()
        parse = await agent.parse_message(text)
        report.latencies_ms.append((time.perf_counter() - started) * 1000)
        if keep_parses:
            report.parses.append((text, label, parse))
        score(report, text, label, predicted_label(parse))
    return report


def score(report: Report, text: str, label: str, got: str) -> None:
    """Add one prediction to the report."""
    gold_intent = label.split("/")[0]
    result = outcome(label, got)
    # nlu_fallback on a message counts as wrong: the bot would not answer it.
    report.total += 1
    report.intent_correct += got.split("/")[0] == gold_intent
    if gold_intent == "faq":
        report.faq_total += 1
        report.faq_correct += got == label
    if gold_intent == OUT_OF_SCOPE:
        report.oos[result] += 1
        report.oos_group_right += got == label
    else:
        report.in_scope[result] += 1
    report.per_label[label]["total"] += 1
    report.per_label[label]["correct"] += got == label
    if got != label:
        report.errors.append((text, label, got))


@lru_cache(maxsize=2)
def load_agent(model: str) -> Any:
    """Load a trained model once per process."""
    import logging

    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    logging.basicConfig(level=logging.WARNING)
    configure_structlog(logging.WARNING)
    return Agent.load(model)


def arguments(doc: str, default_sets: list[str]) -> argparse.ArgumentParser:
    """Return a parser with the model and ``--data`` arguments every script takes."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument(
        "model", nargs="?", default=str(ROOT / "models" / "current.tar.gz")
    )
    parser.add_argument(
        "--data",
        nargs="+",
        default=[str(ROOT / "tests" / "nlu" / name) for name in default_sets],
        help="one or more evaluation sets",
    )
    return parser


def main() -> None:
    parser = arguments(__doc__, ["heldout.yml"])
    parser.add_argument(
        "--errors", action="store_true", help="list every misclassified message"
    )
    parser.add_argument(
        "--json", action="store_true", help="print one JSON line per set only"
    )
    args = parser.parse_args()

    for data in args.data:
        examples = load_examples(Path(data))
        fresh = unseen(examples)
        report = asyncio.run(evaluate(args.model, fresh))
        if args.json:
            print(json.dumps({"set": Path(data).name} | report.as_dict()))
            continue
        print(f"== {data}")
        print(
            f"left out {len(examples) - len(fresh)} examples that are training examples"
        )
        for key, value in report.as_dict().items():
            print(f"{key:<22} {value}")
        print()
        for label, counts in sorted(report.per_label.items()):
            print(f"  {label:<32} {counts['correct']:>3}/{counts['total']:<3}")
        if args.errors:
            print()
            for text, label, got in report.errors:
                print(f"  {label:<30} -> {got:<30} {text}")
            for text, similarity in report.near_copies:
                print(f"  near copy ({similarity}): {text}")
        print()
    sys.stdout.flush()


if __name__ == "__main__":
    main()
