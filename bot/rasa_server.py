"""The Rasa server (``rasa run``) as this bot runs it.

    .venv/bin/python -m bot.rasa_server run --model ... [rasa run's options]

The same as the ``rasa`` command, with one thing done before anything imports
TensorFlow: TensorFlow imports its Lite converter, which imports JAX (and JAX's XLA
library) when it is installed, for converting JAX models only; TensorFlow 2.12
depends on JAX, so it is installed. Marked as absent, it is not imported (the
converter catches the ImportError and goes on) and the server holds about 90 MiB
less (bench/RESULTS.md).
"""

from __future__ import annotations

import sys


def keep_jax_out() -> None:
    """Make ``import jax`` fail in this process, unless it was imported already."""
    sys.modules.setdefault("jax", None)  # type: ignore[arg-type]


def main() -> None:
    """Run Rasa's command line with JAX kept out of the process."""
    keep_jax_out()
    from rasa.__main__ import main as rasa_main

    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()
