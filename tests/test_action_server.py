"""The action server (bot/action_server.py) as an attacker reaching it would try it."""

from __future__ import annotations

import gzip
import json
import sys
import time
import zlib
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bot.action_server import inflate

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from stack import free_port, running_actions  # noqa: E402

LIMIT = 200_000
# What a resident typed, as it would travel in the tracker: none of it may come back
# in an error answer or reach the log.
RESIDENT_TEXT = "生年月日は昭和60年4月3日、電話は090-1234-5678です"
BAD_SLOT = "昭和60年4月3日"


def call(action: str, birth_date: str = "1985-04-03") -> dict[str, object]:
    """An action call as Rasa sends it (trimmed to what the actions read)."""
    return {
        "next_action": action,
        "sender_id": "attacker-1",
        "version": "3.6.21",
        "domain": {},
        "tracker": {
            "sender_id": "attacker-1",
            "slots": {"birth_date": birth_date, "issue_date": "2021-06-10"},
            "latest_message": {"text": RESIDENT_TEXT, "intent": {}, "entities": []},
            "events": [{"event": "user", "text": RESIDENT_TEXT}],
            "active_loop": {},
        },
    }


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    port, workdir = free_port(), tmp_path_factory.mktemp("actions")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("ACTION_MAX_BODY_BYTES", str(LIMIT))
        env.delenv("ACTION_HOST", raising=False)
        with running_actions(port, workdir):
            yield f"http://127.0.0.1:{port}", workdir / f"actions-{port}.log"


def listening_addresses(port: int) -> set[str]:
    """Local addresses (hex, as in /proc/net/tcp*) listening on ``port``."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:
                found.add(address)
    return found


def test_it_listens_on_loopback_only(server: tuple[str, Path]) -> None:
    port = int(server[0].rsplit(":", 1)[1])
    assert listening_addresses(port) == {"0100007F"}  # 127.0.0.1, nothing else


def test_a_normal_call_is_answered(server: tuple[str, Path]) -> None:
    response = httpx.post(f"{server[0]}/webhook", json=call("action_compute_expiry"))
    assert response.status_code == 200
    assert response.json()["responses"][0]["response"] == "utter_expiry_result"


def test_a_compressed_call_is_inflated(server: tuple[str, Path]) -> None:
    body = json.dumps(call("action_compute_expiry")).encode()
    for encoding, packed in [
        ("deflate", zlib.compress(body)),
        ("gzip", gzip.compress(body)),
    ]:
        response = httpx.post(
            f"{server[0]}/webhook",
            content=packed,
            headers={"Content-Encoding": encoding, "Content-Type": "application/json"},
        )
        assert response.status_code == 200, encoding


def test_a_deflate_bomb_is_refused_without_inflating_it(
    server: tuple[str, Path],
) -> None:
    bomb = zlib.compress(b" " * 20_000_000, 9)  # 20 MB of spaces in ~20 KB
    assert len(bomb) < LIMIT
    started = time.monotonic()
    response = httpx.post(
        f"{server[0]}/webhook", content=bomb, headers={"Content-Encoding": "deflate"}
    )
    assert response.status_code == 413
    assert time.monotonic() - started < 1


def test_an_oversized_body_is_refused(server: tuple[str, Path]) -> None:
    response = httpx.post(f"{server[0]}/webhook", content=b"{" + b" " * LIMIT + b"}")
    assert response.status_code == 413


@pytest.mark.parametrize(
    ("content", "headers", "status"),
    [
        (b"not json", {}, 400),
        (b"[1, 2]", {}, 400),
        (b"[" * 50_000 + b"]" * 50_000, {}, 400),
        (b"\x00\x01", {"Content-Encoding": "deflate"}, 400),
        (b"{}", {"Content-Encoding": "br"}, 415),
    ],
    ids=["text", "list", "deep", "bad-deflate", "brotli"],
)
def test_bad_bodies_get_a_4xx(
    server: tuple[str, Path], content: bytes, headers: dict[str, str], status: int
) -> None:
    response = httpx.post(f"{server[0]}/webhook", content=content, headers=headers)
    assert response.status_code == status


def test_a_failing_action_answers_without_the_conversation_and_logs_none_of_it(
    server: tuple[str, Path],
) -> None:
    # A birthdate slot that is no ISO date makes the action raise (date.fromisoformat,
    # whose message repeats the value); rasa_sdk would answer with the whole request.
    response = httpx.post(
        f"{server[0]}/webhook", json=call("action_compute_expiry", BAD_SLOT)
    )
    assert response.status_code == 500
    assert response.json() == {
        "error": "the action failed",
        "action_name": "action_compute_expiry",
    }
    deadline = time.monotonic() + 5
    log = ""
    while "action_compute_expiry" not in log and time.monotonic() < deadline:
        log = server[1].read_text(encoding="utf-8")
    assert "ValueError" in log and "action_compute_expiry" in log
    for secret in (RESIDENT_TEXT, BAD_SLOT, "昭和60", "090-1234", "attacker-1"):
        assert secret not in log


def test_inflate_stops_at_the_limit() -> None:
    assert inflate(zlib.compress(b"x" * 100), 100) == b"x" * 100
    with pytest.raises(Exception, match="larger than 99"):
        inflate(zlib.compress(b"x" * 100), 99)
