"""Fuzz the public entries of a running stack: REST webhook, LINE webhook, web app.

Usage:
    cd bench && ../.venv/bin/python fuzz_webhooks.py [--seconds 30]

Starts the Rasa server, the action server (bench/stack.py) with LINE on against a local
fake LINE API, and the web app; then, for ``--seconds`` per target, sends inputs that
hypothesis generates: for the REST webhook, arbitrary bytes, JSON of any shape and
depth, and well-formed messages with odd senders and texts (control characters, NULs,
``/intent{...}`` payloads, huge numbers); for the LINE webhook, correctly signed
bodies with random events, and bodies with forged, missing or non-ASCII signatures; for
the web app, schemathesis cases from its OpenAPI schema plus random paths and bodies.
It prints, per target, how many inputs were tried, the status codes seen, every answer
>= 500 (with the input, in artifacts/fuzz-failures.jsonl), and the resident memory of each
process after a warm-up and at the end. Exit status 1 if any answer was >= 500.
"""

from __future__ import annotations

import argparse
import base64
import collections
import hashlib
import hmac
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from stack import NO_RATE_LIMIT, ROOT, free_port, rss_mib, running_bot, running_web_app

sys.path.insert(0, str(ROOT / "tests" / "e2e"))
from fake_line import LINE_SECRET, LINE_TOKEN, FakeLine  # noqa: E402

FAILURES = ROOT / "artifacts" / "fuzz-failures.jsonl"  # not committed

# JSON values of any shape, including deep nesting and huge numbers.
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False)
    | st.text(max_size=50),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=30,
)
odd_text = st.text(
    st.characters(codec="utf-8", exclude_categories=()), max_size=300
) | st.sampled_from(
    [
        '/inform_date{"date": "x"}',
        '/inform_date{"date": "1985-13-45"}',
        '/faq{"x": [[[[[]]]]]}',
        "/restart",
        "/session_start",
        "/nlu_fallback",
        "\x00" * 10,
        "更新" * 1000,
    ]
)
rest_bodies = st.one_of(
    st.binary(max_size=500),
    json_values.map(lambda v: json.dumps(v).encode()),
    st.integers(1, 5000).map(lambda n: b"[" * n + b"]" * n),
    st.fixed_dictionaries(
        {"sender": st.one_of(st.text(max_size=140), json_values), "message": odd_text}
    ).map(lambda v: json.dumps(v).encode()),
    st.fixed_dictionaries(
        {"sender": st.from_regex(r"\Afz-[a-z0-9]{1,12}\Z"), "message": odd_text}
    ).map(lambda v: json.dumps(v, ensure_ascii=False).encode()),
)
line_events = st.fixed_dictionaries(
    {
        "type": st.sampled_from(
            ["message", "postback", "follow", "unfollow", "join", "leave", "x"]
        ),
        "webhookEventId": st.text(max_size=20),
        "replyToken": st.one_of(st.none(), st.text(max_size=20)),
        "source": st.one_of(
            json_values,
            st.fixed_dictionaries(
                {
                    "type": st.sampled_from(["user", "group", "room"]),
                    "userId": st.one_of(
                        st.from_regex(r"\AUfz[0-9a-f]{8}\Z"), json_values
                    ),
                }
            ),
        ),
        "message": st.one_of(
            json_values,
            st.fixed_dictionaries(
                {"type": st.sampled_from(["text", "sticker"]), "text": odd_text}
            ),
        ),
        "postback": st.one_of(json_values, st.fixed_dictionaries({"data": odd_text})),
    }
)
line_bodies = st.one_of(
    st.lists(line_events, max_size=3).map(
        lambda events: json.dumps({"destination": "U", "events": events}).encode()
    ),
    json_values.map(lambda v: json.dumps(v).encode()),
    st.integers(1, 5000).map(lambda n: b'{"events": ' + b"[" * n + b"]" * n + b"}"),
    st.binary(max_size=300),
)
signatures = st.one_of(
    st.none(),
    st.text(max_size=60),  # forged; non-ASCII ones travel as UTF-8 bytes
    st.binary(max_size=60).map(lambda b: base64.b64encode(b).decode()),
)


class Target:
    """Counts the inputs sent to one entry and the statuses it answered."""

    def __init__(self, name: str, seconds: float) -> None:
        """A fuzz target that stops after ``seconds``."""
        self.name = name
        self.seconds = seconds
        self.tried = 0
        self.statuses: collections.Counter[int] = collections.Counter()
        self.errors: list[dict[str, Any]] = []

    def record(self, response: httpx.Response, sent: Any) -> None:
        """Count ``response``; keep the input of an answer >= 500."""
        self.tried += 1
        self.statuses[response.status_code] += 1
        if response.status_code >= 500:
            self.errors.append({"target": self.name, "input": sent})

    def run(self, batch: Callable[[], None]) -> None:
        """Run hypothesis batches until the time is up."""
        deadline = time.monotonic() + self.seconds
        while time.monotonic() < deadline:
            batch()


# One batch: generation only (no shrinking, no example database), no deadline.
fuzz_settings = settings(
    max_examples=100,
    deadline=None,
    database=None,
    phases=[Phase.generate],
    suppress_health_check=list(HealthCheck),
)


def fuzz_rest(client: httpx.Client, url: str, target: Target) -> None:
    """The REST webhook: arbitrary bodies."""

    @fuzz_settings
    @given(body=rest_bodies)
    def batch(body: bytes) -> None:
        response = client.post(
            f"{url}/webhooks/rest/webhook",
            content=body,
            headers={"Content-Type": "application/json"},
        )
        target.record(response, body)

    target.run(batch)


def sign(body: bytes) -> str:
    """The X-Line-Signature of ``body`` with the stack's channel secret."""
    digest = hmac.new(LINE_SECRET.encode(), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def fuzz_line(client: httpx.Client, url: str, target: Target) -> None:
    """The LINE webhook: signed random events, and forged signatures."""

    @fuzz_settings
    @given(body=line_bodies, signed=st.booleans(), forged=signatures)
    def batch(body: bytes, signed: bool, forged: str | None) -> None:
        headers: dict[str, str | bytes] = {"Content-Type": "application/json"}
        if signed:
            headers["X-Line-Signature"] = sign(body)
        elif forged is not None:
            headers["X-Line-Signature"] = forged.encode("utf-8")
        try:
            response = client.post(
                f"{url}/webhooks/line/webhook", content=body, headers=headers
            )
        except httpx.LocalProtocolError:
            return  # a header no HTTP client sends (control characters): not tried
        target.record(
            response, {"signed": signed, "signature": forged, "body": body[:300]}
        )

    target.run(batch)


def fuzz_web(client: httpx.Client, url: str, target: Target) -> None:
    """The web app: schemathesis cases from its OpenAPI schema, and random requests."""
    schema = schemathesis.openapi.from_url(f"{url}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    cases = st.one_of(*(op.as_strategy() for op in operations))
    paths = st.sampled_from(
        ["/", "/widget.js", "/healthz", "/docs", "/api/v1/dates/parse", "/api/v1/x"]
    )

    @fuzz_settings
    @given(case=cases)
    def schema_batch(case: Any) -> None:
        target.record(case.call(base_url=url, timeout=30), case.as_curl_command())

    @fuzz_settings
    @given(
        path=paths,
        method=st.sampled_from(["GET", "POST", "PUT", "OPTIONS"]),
        body=st.binary(max_size=300)
        | json_values.map(lambda v: json.dumps(v).encode()),
        query=st.dictionaries(st.text(max_size=8), st.text(max_size=40), max_size=3),
    )
    def random_batch(
        path: str, method: str, body: bytes, query: dict[str, str]
    ) -> None:
        response = client.request(method, f"{url}{path}", content=body, params=query)
        target.record(response, (method, path, body, query))

    half = target.seconds / 2
    target.seconds = half
    target.run(schema_batch)
    target.run(random_batch)
    target.seconds = 2 * half


def process_rss(pids: dict[str, int]) -> dict[str, float]:
    """Resident memory in MiB of each named process."""
    return {name: round(rss_mib(pid), 1) for name, pid in pids.items()}


def web_pid(port: int) -> int:
    """The pid of the web app listening on ``port`` (found by its environment)."""
    for proc in Path("/proc").iterdir():
        try:
            cmdline = (proc / "cmdline").read_bytes()
            environ = (proc / "environ").read_bytes()
        except (OSError, ValueError):
            continue
        if b"bot.web" in cmdline and f"WEB_PORT={port}\0".encode() in environ:
            return int(proc.name)
    raise RuntimeError("web app process not found")


def main() -> None:
    """Start the stack, fuzz each target, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30, help="per target")
    parser.add_argument("--model", default=str(ROOT / "models" / "current.tar.gz"))
    args = parser.parse_args()
    os.environ.update(NO_RATE_LIMIT)  # the web app's too: one address sends it all
    fake = FakeLine()
    env = {
        **NO_RATE_LIMIT,
        "LINE_CHANNEL_SECRET": LINE_SECRET,
        "LINE_CHANNEL_ACCESS_TOKEN": LINE_TOKEN,
        "LINE_API_BASE_URL": fake.url,
        "ANSWER_TIMEOUT_SECONDS": "10",
    }
    web_port = free_port()
    with (
        tempfile.TemporaryDirectory() as tmp,
        running_bot(Path(args.model), Path(tmp), env, "credentials.line.yml") as bot,
        running_web_app(web_port, bot.rasa_url, Path(tmp)) as web_url,
    ):
        pids = {
            "rasa": bot.rasa_pid,
            "actions": bot.actions_pid,
            "web": web_pid(web_port),
        }
        with httpx.Client(timeout=60) as client:
            warm = Target("warm-up", args.seconds / 4)
            fuzz_rest(client, bot.rasa_url, warm)
            fuzz_web(client, web_url, warm)
            before = process_rss(pids)
            targets = [
                (Target("REST webhook", args.seconds), fuzz_rest, bot.rasa_url),
                (Target("LINE webhook", args.seconds), fuzz_line, bot.rasa_url),
                (Target("web app", args.seconds), fuzz_web, web_url),
            ]
            for target, fuzz, url in targets:
                fuzz(client, url, target)
            after = process_rss(pids)
            # The LINE events are answered in the background: they must still work.
            assert "本庁市民課" in bot.texts("fz-after", "どこで更新できますか")
    fake.close()
    failures = [e for target, _, _ in targets for e in target.errors]
    for target, _, _ in targets:
        statuses = ", ".join(f"{s}: {n}" for s, n in sorted(target.statuses.items()))
        print(
            f"{target.name:13} {target.tried:6d} inputs in {target.seconds:.0f} s; "
            f">= 500: {len(target.errors)}; statuses {statuses}"
        )
    print(f"memory MiB after warm-up {before}; at the end {after}")
    non_ascii = [
        e
        for e in failures
        if isinstance(e["input"], dict)
        and not e["input"]["signed"]
        and not str(e["input"]["signature"] or "").isascii()
    ]
    if non_ascii:
        print(f"of which {len(non_ascii)} with a non-ASCII X-Line-Signature")
    if failures:
        FAILURES.parent.mkdir(exist_ok=True)
        FAILURES.write_text(
            "".join(json.dumps(e, default=repr)[:3000] + "\n" for e in failures)
        )
        print(f"{len(failures)} answers >= 500; inputs in {FAILURES}")
        sys.exit(1)


if __name__ == "__main__":
    main()
