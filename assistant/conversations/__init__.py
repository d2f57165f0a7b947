"""Conversations that last: the SQL store, the book of open conversations, and their export.

Used alike by the browser chat and the HTTP API (neither imports the other).
"""
