"""Side by side: this bot against a minimal reference Rasa bot on the same NLU stack.

Usage:
    .venv/bin/python bench/bench_vs_reference.py [--rounds 3] [--seconds 10]
        [--model models/current.tar.gz]

Trains the reference bot of ``bench/reference/`` (SudachiPy words, word and character
n-grams, DIET, ResponseSelector, RulePolicy only; into ``models/reference/``, skipped
when the model is newer than its files), serves it (in-memory tracker store, no action
server) and this bot (embedded profile: SQLite store, action server) on loopback, and
drives both through the REST webhook with the same FAQ messages in alternating rounds:
closed loop (each resident sends its next message when the answer is in), a new
conversation every 10 messages, 1 resident and then 8. This bot also gets the dates
conversation (three steps, a new conversation every 9 messages) with 1 resident.
Prints each round and the ratios of the targets (issue 11):

- FAQ throughput with 8 residents, this bot / reference (target >= 1.0)
- FAQ p50 with 1 resident, this bot / reference (target <= 1.2)
- dates step p50 with 1 resident, this bot / reference FAQ p50 (target <= 2.0)

Run time: about 2 minutes to start (plus ~1 minute the first time, to train the
reference) and 5 x ``--seconds`` per round.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from stack import (
    NO_RATE_LIMIT,
    ROOT,
    free_port,
    rss_mib,
    running_bot,
    stop_processes,
    wait_for,
)

REFERENCE = ROOT / "bench" / "reference"

# The same questions to both bots (each bot has an answer for every one).
FAQS = [
    "更新の持ち物を教えて",
    "どこで手続きできますか",
    "更新はいつからできますか",
    "電子証明書の有効期限は何年ですか",
    "暗証番号を忘れました",
    "代理人でも更新できますか",
    "手続きには何が必要ですか",
    "支所でも更新できますか",
    "有効期限が近いけど、いつから更新できる？",
    "家族が代わりに行ってもいいですか",
]
DATES = ["自分の有効期限を調べたい", "昭和60年4月3日", "令和3年6月10日"]


@dataclass
class Sample:
    """Latencies (ms), messages and seconds of one or more runs."""

    latencies: list[float] = field(default_factory=list)
    seconds: float = 0.0
    errors: int = 0

    def add(self, other: Sample) -> None:
        self.latencies += other.latencies
        self.seconds += other.seconds
        self.errors += other.errors

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies)

    @property
    def per_second(self) -> float:
        return len(self.latencies) / self.seconds

    def line(self) -> str:
        ordered = sorted(self.latencies)
        p95 = ordered[int(len(ordered) * 0.95)]
        return (
            f"{self.per_second:6.1f} msg/s  p50 {self.p50:6.1f} ms  p95 {p95:6.1f} ms"
            f"  errors {self.errors}/{len(ordered)}"
        )


async def drive(
    url: str, texts: list[str], residents: int, seconds: float, per_conversation: int
) -> Sample:
    """Closed loop: ``residents`` clients, each sending ``texts`` in a cycle."""
    sample = Sample()
    deadline = time.monotonic() + seconds

    async def resident(client: httpx.AsyncClient) -> None:
        step = 0
        sender = ""
        while time.monotonic() < deadline:
            if step % per_conversation == 0:
                sender = f"vs-{uuid.uuid4().hex[:12]}"
            text = texts[step % len(texts)]
            step += 1
            started = time.perf_counter()
            try:
                response = await client.post(
                    f"{url}/webhooks/rest/webhook",
                    json={"sender": sender, "message": text},
                )
                ok = response.status_code == 200 and bool(response.json())
            except httpx.HTTPError:
                ok = False
            sample.latencies.append((time.perf_counter() - started) * 1000)
            sample.errors += not ok

    limits = httpx.Limits(max_connections=residents + 2)
    async with httpx.AsyncClient(timeout=60, limits=limits) as client:
        started = time.monotonic()
        await asyncio.gather(*(resident(client) for _ in range(residents)))
        sample.seconds = time.monotonic() - started
    return sample


def train_reference() -> Path:
    """Train the reference bot unless its model is newer than its files."""
    out = ROOT / "models" / "reference"
    model = out / "reference.tar.gz"
    sources = [p for p in REFERENCE.rglob("*") if p.is_file()]
    if model.exists() and all(
        p.stat().st_mtime < model.stat().st_mtime for p in sources
    ):
        return model
    print("training the reference bot ...", flush=True)
    env = {
        **os.environ,
        "RASA_TELEMETRY_ENABLED": "false",
        # Its own cache: the project's training cache stays as it is.
        "RASA_CACHE_DIRECTORY": str(out / "cache"),
    }
    subprocess.run(
        [sys.executable, "-m", "rasa", "train", "--config", "config.yml"]
        + ["--domain", "domain.yml", "--data", "data", "--out", str(out)]
        + ["--fixed-model-name", "reference"],
        cwd=REFERENCE,
        env={**env, "PYTHONPATH": str(ROOT)},
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return model


@contextmanager
def running_reference(model: Path, workdir: Path) -> Iterator[tuple[str, int]]:
    """Serve the reference bot (no endpoints: in-memory store); yield URL and pid."""
    port = free_port()
    with open(workdir / "reference.log", "ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "rasa", "run", "--model", str(model)]
            + ["--port", str(port), "--credentials", str(REFERENCE / "credentials.yml")]
            + ["--endpoints", str(workdir / "none.yml")],
            cwd=workdir,
            env={
                **os.environ,
                "RASA_TELEMETRY_ENABLED": "false",
                "TF_CPP_MIN_LOG_LEVEL": "3",
                "PYTHONPATH": str(ROOT),
            },
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            wait_for(f"{url}/", process)
            yield url, process.pid
        finally:
            stop_processes([process])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=10, help="per measurement")
    parser.add_argument("--model", default=str(ROOT / "models" / "current.tar.gz"))
    args = parser.parse_args()
    reference_model = train_reference()

    with ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        (workdir / "bot").mkdir()
        reference, reference_pid = stack.enter_context(
            running_reference(reference_model, workdir)
        )
        bot = stack.enter_context(
            running_bot(Path(args.model).resolve(), workdir / "bot", NO_RATE_LIMIT)
        )
        urls = {"reference": reference, "this bot": bot.rasa_url}
        for url in urls.values():  # warm-up: first calls load lazily
            asyncio.run(drive(url, FAQS + DATES, 1, 3, 10))

        totals: dict[str, Sample] = {}
        for round_ in range(args.rounds):
            order = list(urls) if round_ % 2 == 0 else list(urls)[::-1]
            for name in order:
                runs = [
                    ("FAQ, 1 resident", FAQS, 1, 10),
                    ("FAQ, 8 residents", FAQS, 8, 10),
                ]
                if name == "this bot":
                    runs.append(("dates, 1 resident", DATES, 1, 9))
                for label, texts, residents, per_conversation in runs:
                    sample = asyncio.run(
                        drive(
                            urls[name], texts, residents, args.seconds, per_conversation
                        )
                    )
                    totals.setdefault(f"{name}: {label}", Sample()).add(sample)
                    print(f"round {round_ + 1}  {name:<9} {label:<18} {sample.line()}")

        print("\nall rounds")
        for key, sample in totals.items():
            print(f"  {key:<30} {sample.line()}")
        ref_1 = totals["reference: FAQ, 1 resident"]
        ref_8 = totals["reference: FAQ, 8 residents"]
        bot_1 = totals["this bot: FAQ, 1 resident"]
        bot_8 = totals["this bot: FAQ, 8 residents"]
        dates = totals["this bot: dates, 1 resident"]
        print("\nratios (this bot / reference)")
        print(
            f"  FAQ throughput, 8 residents   {bot_8.per_second / ref_8.per_second:5.2f}x"
            "  (target >= 1.0)"
        )
        print(
            f"  FAQ p50, 1 resident           {bot_1.p50 / ref_1.p50:5.2f}x  (target <= 1.2)"
        )
        print(
            f"  dates step p50 / ref FAQ p50  {dates.p50 / ref_1.p50:5.2f}x  (target <= 2.0)"
        )
        print(
            f"\nRSS: reference {rss_mib(reference_pid):.0f} MiB, this bot's Rasa "
            f"{rss_mib(bot.rasa_pid):.0f} MiB, actions {rss_mib(bot.actions_pid):.0f} MiB"
        )


if __name__ == "__main__":
    main()
