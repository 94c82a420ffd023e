"""Custom actions of the Rasa bot (rasa_sdk); thin wrappers around ``bot``."""
