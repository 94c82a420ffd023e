"""The unanswered queue: what the bot could not answer, masked and grouped, for staff.

A message is in the queue when the answer gate asked back (``nlu_fallback``), when it
was referred as out of scope, or when the resident rated the answer to it 👎 (then
the question before the rating is queued). Texts are masked (:mod:`bot.insights.mask`)
as soon as they are read; the sender appears only as a short salted hash. Similar
messages (character-bigram Jaccard similarity) are grouped, each group with the bot's
best guesses taken from the stored rankings. Staff label groups; :func:`to_nlu_yaml`
writes the labelled examples in Rasa's NLU format for review (nothing retrains).
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import yaml

from bot.insights.mask import DATE_MASK, DIGIT_MASK, mask_text
from bot.insights.store import (
    FALLBACK_INTENT,
    FAQ_INTENT,
    FEEDBACK_INTENTS,
    FEEDBACK_NOT_USEFUL,
    MAX_QUEUE_MESSAGES,
    OUT_OF_SCOPE_INTENT,
    fetch,
    has_events,
)

REASON_FALLBACK = "fallback"
REASON_OUT_OF_SCOPE = "out_of_scope"
REASON_NOT_USEFUL = "not_useful"
REASONS = {
    FALLBACK_INTENT: REASON_FALLBACK,
    OUT_OF_SCOPE_INTENT: REASON_OUT_OF_SCOPE,
    FEEDBACK_NOT_USEFUL: REASON_NOT_USEFUL,
}
NEW_TOPIC = "new_topic"
SIMILARITY = 0.5
MAX_GROUPS = 100
MAX_EXAMPLES = 20
REPO = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class QueueItem:
    """One masked message."""

    text: str
    reason: str
    sender: str
    guesses: tuple[tuple[str, float], ...]


@dataclass
class QueueGroup:
    """Similar messages, most frequent text first."""

    items: list[QueueItem] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The group's representative text."""
        return self.items[0].text

    @property
    def key(self) -> str:
        """A short id of the group, stable while its leading text stays the same."""
        return hashlib.sha256(self.text.encode()).hexdigest()[:12]

    @property
    def texts(self) -> list[str]:
        """The distinct texts, most frequent first."""
        counts = Counter(item.text for item in self.items)
        return [text for text, _ in counts.most_common()]

    @property
    def reasons(self) -> Counter[str]:
        """Why its messages are in the queue."""
        return Counter(item.reason for item in self.items)

    @property
    def guesses(self) -> list[tuple[str, float]]:
        """The bot's three best labels, averaged over the group."""
        total: dict[str, float] = {}
        for item in self.items:
            for label, score in item.guesses:
                total[label] = total.get(label, 0.0) + score
        best = sorted(total.items(), key=lambda kv: -kv[1])[:3]
        return [(label, round(score / len(self.items), 3)) for label, score in best]


def sender_hash(sender_id: str, salt: bytes) -> str:
    """A short salted hash of a sender id (8 hex digits)."""
    return hmac.new(salt, sender_id.encode(), hashlib.sha256).hexdigest()[:8]


def guesses(parse: Mapping[str, Any], count: int = 3) -> tuple[tuple[str, float], ...]:
    """The ``count`` best labels in a stored parse, each scored as P(intent) * P(key).

    Retrieval answers (``faq/<name>``, ``out_of_scope/<group>``) are scored by the
    selector's confidence times their intent's; other intents by their own. The raw
    rankings kept by the answer gate come first, then Rasa's own.
    """
    gate = parse.get("answer_gate") or {}
    intents = [(str(n), float(c)) for n, c in gate.get("intents") or []] or [
        (str(i.get("name")), float(i.get("confidence") or 0))
        for i in parse.get("intent_ranking") or []
    ]
    selectors = gate.get("selectors") or {
        name: [
            (r.get("intent_response_key"), r.get("confidence"))
            for r in output.get("ranking") or []
        ]
        for name, output in (parse.get("response_selector") or {}).items()
        if isinstance(output, dict)
    }
    intent_confidence = dict(intents)
    scores: dict[str, float] = {
        name: confidence
        for name, confidence in intents
        if name not in (FAQ_INTENT, OUT_OF_SCOPE_INTENT, FALLBACK_INTENT)
    }
    for ranking in selectors.values():
        for key, confidence in ranking:
            if not key or "/" not in str(key):
                continue
            prefix = str(key).split("/")[0]
            score = float(confidence or 0) * intent_confidence.get(prefix, 0.0)
            scores[str(key)] = max(scores.get(str(key), 0.0), score)
    best = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)[:count]
    return tuple((label, round(score, 3)) for label, score in best)


def _bigrams(text: str) -> frozenset[str]:
    folded = unicodedata.normalize("NFKC", text).lower()
    folded = re.sub(r"[\s、。,.!?！？・「」（）()]+", "", folded)
    return frozenset(folded[i : i + 2] for i in range(max(len(folded) - 1, 1)))


def similarity(a: str, b: str) -> float:
    """Jaccard similarity of the two texts' character bigrams."""
    x, y = _bigrams(a), _bigrams(b)
    return len(x & y) / len(x | y) if x | y else 1.0


def group(
    items: Iterable[QueueItem], threshold: float = SIMILARITY
) -> list[QueueGroup]:
    """Group similar items (each text joins the first group whose leader is close).

    Most frequent texts lead; groups come largest first.
    """
    by_text: dict[str, list[QueueItem]] = {}
    for item in items:
        by_text.setdefault(item.text, []).append(item)
    ordered = sorted(by_text, key=lambda text: (-len(by_text[text]), text))
    groups: list[tuple[frozenset[str], QueueGroup]] = []
    for text in ordered:
        grams = _bigrams(text)
        for leader, target in groups:
            union = leader | grams
            if union and len(leader & grams) / len(union) >= threshold:
                target.items += by_text[text]
                break
        else:
            groups.append((grams, QueueGroup(list(by_text[text]))))
    return sorted((g for _, g in groups), key=lambda g: -len(g.items))


_MASKS_ONLY = re.compile(rf"^[\s{DIGIT_MASK}〇年月日、。・!?！？]*$")


def _item(
    sender_id: str, data: str | None, reason: str, salt: bytes
) -> QueueItem | None:
    try:
        event = json.loads(data or "{}")
    except ValueError:
        return None
    raw = event.get("text") or ""
    if not isinstance(raw, str) or raw.startswith("/"):
        return None  # a button payload, not the resident's words
    text = " ".join(mask_text(raw).split())
    if _MASKS_ONLY.match(text.replace(DATE_MASK, "")):
        return None
    return QueueItem(
        text,
        reason,
        sender_hash(sender_id, salt),
        guesses(event.get("parse_data") or {}),
    )


def load_queue(
    engine: sa.engine.Engine, start: datetime, end: datetime, salt: bytes
) -> list[QueueGroup]:
    """The queue over ``[start, end)``: at most ``MAX_QUEUE_MESSAGES`` latest messages."""
    params = {"start": start.timestamp(), "end": end.timestamp()}
    window = "timestamp >= :start AND timestamp < :end"
    items: list[QueueItem] = []
    with engine.connect() as connection:
        if not has_events(connection):
            return []
        rows = fetch(
            connection,
            f"""
            SELECT sender_id, data, intent_name FROM events
            WHERE type_name = 'user' AND intent_name IN (:fallback, :oos) AND {window}
            ORDER BY timestamp DESC LIMIT {MAX_QUEUE_MESSAGES}
            """,
            fallback=FALLBACK_INTENT,
            oos=OUT_OF_SCOPE_INTENT,
            **params,
        )
        # A 👎 queues the resident's message just before it.
        rows += fetch(
            connection,
            f"""
            SELECT f.sender_id, (
              SELECT u.data FROM events u
              WHERE u.sender_id = f.sender_id AND u.type_name = 'user'
                AND u.timestamp < f.timestamp
                AND (u.intent_name IS NULL OR u.intent_name NOT IN (:useful, :not_useful))
              ORDER BY u.timestamp DESC LIMIT 1
            ), f.intent_name
            FROM events f
            WHERE f.type_name = 'user' AND f.intent_name = :not_useful
              AND f.timestamp >= :start AND f.timestamp < :end
            ORDER BY f.timestamp DESC LIMIT {MAX_QUEUE_MESSAGES}
            """,
            useful=FEEDBACK_INTENTS[0],
            not_useful=FEEDBACK_INTENTS[1],
            **params,
        )
    for sender_id, data, intent in rows:
        item = _item(sender_id, data, REASONS[intent], salt)
        if item is not None:
            items.append(item)
    return group(items)[:MAX_GROUPS]


# --- Labels and export --------------------------------------------------------------


@cache
def known_labels(root: Path = REPO) -> tuple[str, ...]:
    """Every ``faq/<name>`` and ``out_of_scope/<group>`` the bot answers, from its data."""
    labels: list[str] = []
    for name in ("faq.yml", "out_of_scope.yml"):
        path = root / "data" / "nlu" / "responses" / name
        if not path.exists():
            continue
        responses = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get(
            "responses"
        ) or {}
        labels += [key.removeprefix("utter_") for key in responses]
    return tuple(labels)


def is_label(label: str, root: Path = REPO) -> bool:
    """Whether staff may export examples under ``label``."""
    return label == NEW_TOPIC or label in known_labels(root)


def _clean(text: str) -> str:
    """One line, masked again, without characters YAML or Rasa would trip over."""
    text = mask_text(text)
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    return " ".join(text.split())


def to_nlu_yaml(
    labelled: Mapping[str, Sequence[str]], created: datetime, source: str = "/staff"
) -> str:
    """Rasa NLU training data (``version: "3.1"``) for the labelled examples.

    ``new_topic`` examples are written as comments: they need an answer first.
    """
    lines = [
        f"# Examples labelled by staff ({source}, {created:%Y-%m-%d}).",
        "# Masked residents' messages: review before committing; nothing retrains",
        "# until a normal training run (scripts/train) picks this file up.",
        'version: "3.1"',
        "nlu:",
    ]
    new_topics: list[str] = []
    for label in sorted(labelled):
        examples = sorted({_clean(t) for t in labelled[label]} - {""})
        if not examples:
            continue
        if label == NEW_TOPIC:
            new_topics += examples
            continue
        lines += [f"  - intent: {label}", "    examples: |"]
        lines += [f"      - {example}" for example in examples]
    if len(lines) == 5:
        lines[-1] = "nlu: []"
    if new_topics:
        lines.append("# New topics (no answer yet):")
        lines += [f"#   - {example}" for example in new_topics]
    return "\n".join(lines) + "\n"


def to_csv(labelled: Mapping[str, Sequence[str]]) -> str:
    """The labelled examples as CSV (``label,text``)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["label", "text"])
    for label in sorted(labelled):
        for text in sorted({_clean(t) for t in labelled[label]} - {""}):
            # A leading = + - @ would be a formula in a spreadsheet.
            writer.writerow([label, "'" + text if text[:1] in "=+-@" else text])
    return out.getvalue()
