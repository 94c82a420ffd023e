"""Detection and redaction of My Numbers and PIN-like input (pure; no framework)."""

from bot.privacy.detect import Secret, SecretKind, find_secrets, redact

__all__ = ["Secret", "SecretKind", "find_secrets", "redact"]
