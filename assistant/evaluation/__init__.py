"""The RealTimeQA harness (``python -m assistant.eval``) and its metrics."""
