"""Japanese tokenizer for Rasa on SudachiPy (dictionary from ``sudachidict-core``).

Modelled on Rasa's JiebaTokenizer. Sudachi normalises its input (NFKC, lower case,
prolonged sound marks) for analysis but reports offsets into the original text, so
entity positions stay those of the user's message, while ``normalized_form`` gives
the lemma: 引越し/引っ越し, ﾏｲﾅﾝﾊﾞｰ/マイナンバー and ＪＰＫＩ/jpki share features.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.nlu.training_data.message import Message

if TYPE_CHECKING:
    from sudachipy import Tokenizer as SudachiTokenizerType

# Token data key of the katakana reading (証明書 -> ショウメイショ), which kana-only
# input shares with the kanji it stands for (bot.nlu.reading_featurizer).
READING = "reading"

# Sudachi refuses inputs above about 49,000 bytes; chat messages are analysed in
# chunks well below that (3 bytes a character in UTF-8).
MAX_CHUNK_CHARS = 4000


_BREAKS = " \t\n\u3000。、，．！？!?,."


def _chunks(text: str) -> list[tuple[int, int]]:
    """Split ``text`` into spans of at most MAX_CHUNK_CHARS, at a break where possible."""
    spans = []
    start = 0
    while len(text) - start > MAX_CHUNK_CHARS:
        window = text[start : start + MAX_CHUNK_CHARS]
        cut = max(window.rfind(c) for c in _BREAKS) + 1
        end = start + (cut if cut > MAX_CHUNK_CHARS // 2 else MAX_CHUNK_CHARS)
        spans.append((start, end))
        start = end
    spans.append((start, len(text)))
    return spans


def try_sudachi_import() -> Any:
    """Import SudachiPy, or say what to install."""
    try:
        import sudachipy
    except ImportError as error:
        raise ImportError(
            "The Japanese tokenizer needs SudachiPy and its dictionary: "
            "pip install sudachipy sudachidict-core"
        ) from error
    return sudachipy


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False
)
class SudachiTokenizer(Tokenizer):
    """Splits Japanese text into morphemes with SudachiPy."""

    @staticmethod
    def supported_languages() -> list[str] | None:
        """Japanese only."""
        return ["ja"]

    @staticmethod
    def required_packages() -> list[str]:
        """SudachiPy and the core dictionary."""
        return ["sudachipy", "sudachidict_core"]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """Return the default config."""
        return {
            # Flag to check whether to split intents
            "intent_tokenization_flag": False,
            # Symbol on which intent should be split
            "intent_split_symbol": "_",
            # Regular expression to detect tokens
            "token_pattern": None,
            # Sudachi split mode: A (shortest units), B (middle) or C (named entities).
            "split_mode": "A",
            # Use Sudachi's normalized form as the token lemma (variants share features).
            "use_normalized_form": True,
        }

    def __init__(self, config: dict[str, Any]) -> None:
        """Build the Sudachi tokenizer once."""
        super().__init__(config)
        sudachipy = try_sudachi_import()
        mode = str(config["split_mode"]).upper()
        if mode not in ("A", "B", "C"):
            raise ValueError(
                f"split_mode must be A, B or C, got {config['split_mode']!r}"
            )
        self._tokenizer: SudachiTokenizerType = sudachipy.Dictionary(
            dict="core"
        ).tokenizer(mode=getattr(sudachipy.SplitMode, mode))
        self._use_normalized_form = bool(config["use_normalized_form"])

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SudachiTokenizer:
        """Create the component (see parent class)."""
        return cls(config)

    def tokenize(self, message: Message, attribute: str) -> list[Token]:
        """Tokenize the text of ``attribute`` (user text and FAQ response texts alike)."""
        text = message.get(attribute)
        tokens = [
            token
            for start, end in _chunks(text)
            for token in self._tokenize_chunk(text[start:end], start)
        ]
        return self._apply_token_pattern(tokens)

    def _tokenize_chunk(self, chunk: str, offset: int) -> list[Token]:
        tokens = []
        for morpheme in self._tokenizer.tokenize(chunk):
            surface = morpheme.surface()
            if not surface.strip():
                continue
            lemma = morpheme.normalized_form() if self._use_normalized_form else surface
            start = offset + morpheme.begin()
            tokens.append(
                Token(
                    surface,
                    start,
                    start + len(surface),
                    data={READING: morpheme.reading_form() or surface},
                    lemma=lemma,
                )
            )
        return tokens
