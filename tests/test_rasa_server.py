"""The Rasa server's entry point keeps JAX out of the process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = """
import sys
from bot.rasa_server import keep_jax_out
keep_jax_out() if sys.argv[1] == "kept out" else None
import tensorflow as tf
from rasa.core.agent import load_agent  # noqa: F401  (what the server imports)
converter = tf.lite.TFLiteConverter  # TensorFlow Lite still imports
loaded = "jax" in sys.modules and sys.modules["jax"] is not None
print("jax loaded" if loaded else "no jax")
"""


def _child(how: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, how],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "TF_CPP_MIN_LOG_LEVEL": "3"},
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip().splitlines()[-1]


def test_tensorflow_and_rasa_import_without_jax() -> None:
    assert _child("kept out") == "no jax"
    # And the test means something: without it, TensorFlow imports JAX.
    assert _child("as usual") == "jax loaded"
