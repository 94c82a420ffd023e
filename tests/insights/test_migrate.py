"""A store made before the report's columns: migrated, and reported right throughout."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from known_store import (
    BASE,
    MY_NUMBER,
    Store,
    database,
    fill_known,
    save,
    tracker_store,
    turn,
)
from rasa.core.tracker_store import SQLTrackerStore
from test_report import check_known_counts, endpoints_for, report_of

from bot.insights.__main__ import main
from bot.insights.store import migrate, writable
from bot.privacy.report_columns import COLUMNS, backfill, missing_columns

# The columns of the known conversations' 15 user messages (distinct rows).
KNOWN_COLUMNS = {
    ("alice", "rest", "faq/what_to_bring"),
    ("alice", "rest", "faq/where"),
    ("alice", "rest", None),  # the 👍
    ("bob", "rest", None),
    ("bob", "rest", "out_of_scope/not_on_page"),
    ("carol", "rest", None),
    ("dave", "rest", None),
    ("line:U1", "line", "faq/pin"),
    ("line:U1", "line", None),
    ("old", "rest", "faq/what_to_bring"),
}


@pytest.fixture(params=["sqlite", "postgresql"])
def old_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """The known conversations, stored by Rasa's own store: no report columns."""
    with database(request.param, tmp_path) as url:
        rasa = tracker_store(url, SQLTrackerStore)
        fill_known(rasa)
        rasa.engine.dispose()
        engine = sa.create_engine(url)
        yield Store(url, engine, rasa)
        engine.dispose()


def stored_columns(engine: sa.engine.Engine) -> set[tuple[str, str | None, str | None]]:
    with engine.connect() as c:
        return {
            tuple(row)  # type: ignore[misc]
            for row in c.execute(
                sa.text(
                    f"SELECT sender_id, {', '.join(COLUMNS)} FROM events "
                    "WHERE type_name = 'user'"
                )
            )
        }


def blank_the_json(engine: sa.engine.Engine) -> None:
    """Drop the channel and answer key from every user event's JSON."""
    with engine.begin() as c:
        rows = list(c.execute(sa.text("SELECT id, data FROM events")))
        for id_, data in rows:
            blanked = data.replace('"input_channel"', '"x_channel"').replace(
                '"full_retrieval_intent_name"', '"x_key"'
            )
            c.execute(
                sa.text("UPDATE events SET data = :d WHERE id = :id"),
                {"d": blanked, "id": id_},
            )


def test_an_old_store_is_migrated_and_reported_right(old_store: Store) -> None:
    engine = old_store.engine
    with engine.connect() as c:
        assert missing_columns(c) == list(COLUMNS)
    # Before anything changed: the report reads the JSON.
    check_known_counts(report_of(old_store))

    # The bot's store starts on it: the columns are added, old rows stay NULL ...
    store = tracker_store(old_store.url)
    with engine.connect() as c:
        assert missing_columns(c) == []
    assert {row[1:] for row in stored_columns(engine)} == {(None, None)}
    # ... and the report falls back to the JSON for them.
    check_known_counts(report_of(old_store))

    lines: list[str] = []
    migrate(writable(engine), lines.append)
    assert "filled the report's columns of 15 older user events" in lines
    assert any("ix_events_report_user" in line for line in lines)
    assert KNOWN_COLUMNS == stored_columns(engine)
    # Once more: nothing left to fill.
    assert backfill(engine) == 0
    # The report now takes the channel and the answer from the columns alone.
    blank_the_json(engine)
    check_known_counts(report_of(old_store))
    store.engine.dispose()


def test_the_bot_store_writes_the_columns(sqlite_store: Store) -> None:
    assert KNOWN_COLUMNS == stored_columns(sqlite_store.engine)
    blank_the_json(sqlite_store.engine)
    check_known_counts(report_of(sqlite_store))


def test_the_migrate_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with database("sqlite", tmp_path) as url:
        old = tracker_store(url, SQLTrackerStore)
        fill_known(old)
        store = Store(url, sa.create_engine(url), old)
        endpoints = str(endpoints_for(tmp_path, store))
        assert main(["--migrate", "--endpoints", endpoints]) == 0
        out = capsys.readouterr().out
        assert "added column events.input_channel" in out
        assert "filled the report's columns of 15 older user events" in out
        # The former name does the same (nothing left to do now).
        assert main(["--create-indexes", "--endpoints", endpoints]) == 0
        assert "of 0 older user events" in capsys.readouterr().out
        assert KNOWN_COLUMNS == stored_columns(store.engine)


def test_a_typed_key_read_from_the_json_is_no_answer_name(old_store: Store) -> None:
    """``/faq/<digits>`` typed by a resident, stored before the columns existed."""
    key = f"faq/{MY_NUMBER}"
    save(old_store.rasa, "eve", turn(f"/{key}", "faq", BASE, "utter_faq", key=key))
    report = report_of(old_store)
    assert MY_NUMBER not in repr(report)
    assert report.faq_totals["faq"] == 1
