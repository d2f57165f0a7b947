"""Encoders: the registry of names (:mod:`index.encoders.registry`), loading one per process
(:mod:`index.encoders.loading`) and the floors of "not in the articles" for a pair (:mod:`index.encoders.floors`)."""

from index.encoders import torch_models  # noqa: F401 - registers minilm
