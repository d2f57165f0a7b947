"""Followed questions: asked again after the index changes, their new sources shown (store and CLI)."""
