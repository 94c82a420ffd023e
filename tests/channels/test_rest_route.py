"""The REST webhook in-process (Sanic on a free port, Rasa replaced by a recorder):
what reaches Rasa from what residents and attackers send."""

from __future__ import annotations

import asyncio
import socket
import uuid
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from rasa.core.channels.channel import UserMessage
from sanic import Sanic

from bot.channels.rest import GuardedRestInput
from tests.channels.test_screen import DOMAIN

Received = list[tuple[str, str, Any]]
# Sanic rewrites its own methods on the first start in a process; in test mode it
# keeps the originals, so that several apps can start one after the other.
Sanic.test_mode = True


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(
    channel: Any, prefix: str, requests: list[dict[str, Any]]
) -> tuple[list[httpx.Response], Received]:
    """Serve ``channel``, post ``requests`` in order; return answers and what Rasa got."""
    received: Received = []

    async def rasa(message: UserMessage) -> None:
        # As Rasa reads it: no parse data of the channel's making, the channel named.
        assert message.parse_data is None
        assert message.input_channel == channel.name()
        received.append((message.text, message.sender_id, message.metadata))
        await message.output_channel.send_text_message(message.sender_id, "はい")

    async def run() -> list[httpx.Response]:
        app = Sanic(f"t{uuid.uuid4().hex}", configure_logging=False)
        app.ctx.agent = SimpleNamespace(domain=DOMAIN)
        app.blueprint(channel.blueprint(rasa), url_prefix=prefix)
        port = _free_port()
        server = await app.create_server(
            host="127.0.0.1", port=port, return_asyncio_server=True, access_log=False
        )
        assert server is not None
        await server.startup()
        try:
            async with httpx.AsyncClient(timeout=10) as client:
                url = f"http://127.0.0.1:{port}{prefix}/webhook"
                answers = [await client.post(url, **request) for request in requests]
                for task in list(getattr(channel, "_tasks", ())):
                    await task  # LINE answers in the background
                return answers
        finally:
            server.close()
            await server.wait_closed()

    return asyncio.run(run()), received


def post_all(bodies: list[dict[str, Any]]) -> tuple[list[httpx.Response], Received]:
    """Post ``bodies`` as JSON to the REST webhook."""
    requests = [{"json": body} for body in bodies]
    return serve(GuardedRestInput(), "/webhooks/rest", requests)


@pytest.fixture(scope="module")
def conversation() -> Iterator[tuple[list[httpx.Response], Received]]:
    yield post_all(
        [
            {"sender": "r-1", "message": "マイナンバーは7392ー0581ー6475です"},
            {"sender": "r-1", "message": "七三九二 〇五八一\n六四七五"},
            {"sender": "r-1", "message": "暗証番号を言います"},
            {"sender": "r-1", "message": "4821"},
            {"sender": "r-1", "message": '/inform_date{"date": "2000-01-01"}'},
            {"sender": "r-1", "message": "/faq/where"},
            {"sender": "r-1", "message": "/feedback_useful"},
            {"sender": "r-1", "message": " // "},  # nothing left: never sent to Rasa
            {"sender": "line:Uresident", "message": "生年月日は？"},
            {"sender": "a b", "message": "x"},
            {"sender": "x" * 129, "message": "x"},
            {"sender": "x\u0000y", "message": "x"},  # broke PostgreSQL inserts
        ]
    )


def test_secrets_never_reach_rasa(conversation) -> None:  # type: ignore[no-untyped-def]
    _, received = conversation
    texts = [text for text, _, _ in received]
    assert texts[0] == "マイナンバーは＊＊＊＊ー＊＊＊＊ー＊＊＊＊です"
    assert texts[1] == "＊＊＊＊ ＊＊＊＊\n＊＊＊＊"
    assert texts[2:4] == [
        "暗証番号を言います",
        "＊＊＊＊",
    ]  # the PIN after the announcement
    kinds = [
        [s["kind"] for s in (meta or {}).get("secrets", [])] for _, _, meta in received
    ]
    assert kinds[:4] == [["my_number"], ["my_number"], [], ["pin"]]


def test_only_declared_payloads_reach_rasa_as_payloads(conversation) -> None:  # type: ignore[no-untyped-def]
    _, received = conversation
    texts = [text for text, _, _ in received]
    assert len(texts) == 7
    assert texts[4:7] == [
        'inform_date{"date": "2000-01-01"}',
        "/faq/where",
        "/feedback_useful",
    ]


def test_rest_ids_cannot_name_another_channels_conversation(conversation) -> None:  # type: ignore[no-untyped-def]
    responses, received = conversation
    assert [r.status_code for r in responses[-4:]] == [400, 400, 400, 400]
    assert responses[-4].json()["message_ja"] == "送信者IDが正しくありません。"
    assert {sender for _, sender, _ in received} == {"r-1"}
