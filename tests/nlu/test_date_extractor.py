"""The date entity extractor component."""

from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.date_extractor import JapaneseDateExtractor, extract_date_entities


def test_showa_birthdate_yields_iso_entity() -> None:
    text = "昭和60年4月3日生まれです"
    [entity] = extract_date_entities(text)
    assert entity["entity"] == "date"
    assert entity["value"] == "1985-04-03"
    assert entity["role"] == "birth"
    assert text[entity["start"] : entity["end"]] == "昭和60年4月3日"


def test_two_dates_with_roles() -> None:
    entities = extract_date_entities(
        "昭和60年4月3日生まれで、令和3年6月10日に発行されました"
    )
    assert [(e["value"], e.get("role")) for e in entities] == [
        ("1985-04-03", "birth"),
        ("2021-06-10", "issue"),
    ]


def test_impossible_date_is_reported_with_a_japanese_reason() -> None:
    [entity] = extract_date_entities("平成31年5月1日")
    assert entity["entity"] == "date_error"
    assert entity["value"] == "era_out_of_range"
    assert "平成" in entity["additional_info"]["message_ja"]


def test_chat_without_dates_yields_nothing() -> None:
    assert extract_date_entities("更新の持ち物を教えて") == []
    assert extract_date_entities("4月に更新できますか") == []


def test_component_appends_entities_with_its_name() -> None:
    message = Message(data={TEXT: "R3.6.10", ENTITIES: [{"entity": "other"}]})
    JapaneseDateExtractor().process([message])
    entities = message.get(ENTITIES)
    assert entities[0] == {"entity": "other"}
    assert entities[1]["value"] == "2021-06-10"
    assert entities[1]["extractor"] == "JapaneseDateExtractor"


def test_a_correction_names_its_field_away_from_the_date() -> None:
    text = "すみません、生年月日を間違えました。正しくは昭和四十五年七月二十日です"
    [entity] = extract_date_entities(text)
    assert (entity["value"], entity["role"]) == ("1970-07-20", "birth")
    assert text[entity["start"] : entity["end"]] == "昭和四十五年七月二十日"


def test_the_date_corrected_away_is_not_an_entity() -> None:
    entities = extract_date_entities("S45.1.20じゃなくてS45.7.20です")
    assert [(e["entity"], e["value"]) for e in entities] == [("date", "1970-07-20")]


def test_a_corrected_year_keeps_the_named_field() -> None:
    [entity] = extract_date_entities("作ったのは平成29年じゃなくて30年")
    assert (entity["entity"], entity["value"], entity["role"]) == (
        "year",
        "2018",
        "issue",
    )


def test_an_adult_ward_is_an_entity() -> None:
    entities = extract_date_entities("成年被後見人の父です。昭和20年1月1日生まれ")
    assert {"entity": "adult_ward", "value": True} == {
        k: v for k, v in entities[-1].items() if k in ("entity", "value")
    }
