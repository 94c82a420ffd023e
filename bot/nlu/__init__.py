"""Rasa graph components for Japanese: SudachiPy tokenizer, date extractor, privacy guard."""
