"""Language models: the registered backends, SmolLM2, the prompts, the model answerer and its grounding check.

:mod:`assistant.llm.backends` names and builds a backend (``ASSISTANT_LLM``);
:mod:`assistant.llm.answerer` writes an answer with it, which :mod:`assistant.llm.grounding` checks
sentence by sentence against the passages before it is final.
"""
