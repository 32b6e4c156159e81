"""Choosing a category: keyword cues plus a naive Bayes classifier over the site's own listings.

``llm`` cannot import ``marketplace``, so the listings come through a hook: the marketplace
registers a corpus provider (``register_corpus``) that yields (text, category slug) pairs. The
classifier is trained from it lazily and kept for ``LLM_OFFLINE_CORPUS_TTL_SECONDS``, so new
listings teach it within minutes and a call never pays for training twice in that time.
"""

from __future__ import annotations

import math
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from functools import lru_cache
from itertools import islice

from django.conf import settings

from ..schemas import CategoryOption
from . import lexicon
from .attributes import Facts
from .text import PhraseIndex, tokens

CorpusProvider = Callable[[int], Iterable[tuple[str, str]]]

# A category wins with at least this score: one strong keyword, or two hints, or a
# confident classifier. Below it the answer is "no category".
MIN_SCORE = 2.0
# What a certain classifier adds: as much as one strong keyword.
CORPUS_WEIGHT = 3.0
# What the category a seller chose adds: enough to stand alone, less than one strong keyword.
PRIOR_WEIGHT = 2.0
# Words that say nothing about a category, left out of the classifier.
STOPWORDS = frozenset(
    tokens(
        "a an and are as at be but by for from has have i in is it its my of on or our so "
        "that the this to was we with you your very not no yes all can will just only also "
        "more new used good great condition price eur euro sale sell selling offer pick up "
        "pickup collection please contact message me us if any one two three"
    )
)

_KEYWORDS = PhraseIndex(
    (phrase, (slug, weight))
    for slug, phrases in lexicon.CATEGORY_KEYWORDS.items()
    for phrase, weight in phrases.items()
)


@lru_cache(maxsize=32)
def _name_index(names: tuple[tuple[str, str], ...]) -> PhraseIndex[tuple[str, float]]:
    """Each category's own name and slug as cues, for categories the lexicon doesn't know."""
    entries: list[tuple[str, tuple[str, float]]] = []
    for slug, name in names:
        entries.append((name, (slug, 2.0)))
        entries.append((slug.replace("-", " "), (slug, 2.0)))
    return PhraseIndex(entries)


def keyword_scores(facts: Facts, categories: list[CategoryOption]) -> dict[str, float]:
    allowed = {category.slug for category in categories}
    scores: dict[str, float] = {}
    seen: set[tuple[tuple[str, ...], str]] = set()
    names = _name_index(tuple((category.slug, category.name) for category in categories))
    for index in (_KEYWORDS, names):
        for _, phrase, value in index.find(facts.words, facts.positions):
            slug, weight = value
            if slug in allowed and (phrase, slug) not in seen:
                seen.add((phrase, slug))
                scores[slug] = scores.get(slug, 0.0) + weight
    product = facts.product
    if product and product.category in allowed:
        scores[product.category] = scores.get(product.category, 0.0) + 3.0
    return scores


class NaiveBayes:
    """Multinomial naive Bayes with add-one smoothing and uniform priors.

    Uniform priors, because the mix of categories on the site says little about a new text, and
    a big category would otherwise swallow every doubtful one.
    """

    def __init__(self, documents: Iterable[tuple[str, str]]) -> None:
        counts: dict[str, Counter[str]] = {}
        for text, slug in documents:
            words = [word for word in tokens(text) if _feature(word)]
            counts.setdefault(slug, Counter()).update(words)
        vocabulary = set().union(*counts.values()) if counts else set()
        self.classes = sorted(counts)
        # For each word, log P(word | category) in the order of `classes` (add-one smoothed, so a
        # word a category never saw still counts): scoring a text is then adding up one row per
        # word, column by column.
        totals = {slug: sum(counter.values()) + len(vocabulary) for slug, counter in counts.items()}
        self._rows: dict[str, tuple[float, ...]] = {
            word: tuple(math.log((counts[slug][word] + 1) / totals[slug]) for slug in self.classes)
            for word in vocabulary
        }

    def probabilities(self, words: list[str], allowed: Iterable[str]) -> dict[str, float]:
        """P(category | words) among the allowed categories it knows; {} when it can't tell."""
        wanted = set(allowed)
        columns = [index for index, slug in enumerate(self.classes) if slug in wanted]
        rows = [self._rows[word] for word in words if word in self._rows]
        if len(columns) < 2 or not rows:
            return {}
        sums = [sum(column) for column in zip(*rows, strict=True)]
        logs = {self.classes[index]: sums[index] for index in columns}
        top = max(logs.values())
        weights = {slug: math.exp(value - top) for slug, value in logs.items()}
        total = sum(weights.values())
        return {slug: weight / total for slug, weight in weights.items()}


def _feature(word: str) -> bool:
    return len(word) > 1 and not word.isdigit() and word not in STOPWORDS


_providers: list[CorpusProvider] = []
_lock = threading.Lock()
_trained: tuple[float, NaiveBayes] | None = None


def register_corpus(provider: CorpusProvider) -> None:
    """Teach the offline model from ``provider(limit)``: (text, category slug) pairs."""
    with _lock:
        if provider not in _providers:
            _providers.append(provider)
    forget_corpus()


def forget_corpus() -> None:
    """Drop the trained classifier; the next call trains a new one."""
    global _trained
    with _lock:
        _trained = None


def corpus_classifier() -> NaiveBayes | None:
    global _trained
    if not _providers:
        return None
    ttl = settings.LLM_OFFLINE_CORPUS_TTL_SECONDS
    trained = _trained
    if trained is not None and time.monotonic() - trained[0] < ttl:
        return trained[1]
    with _lock:
        if _trained is not None and time.monotonic() - _trained[0] < ttl:
            return _trained[1]
        limit = settings.LLM_OFFLINE_CORPUS_SIZE
        documents = [
            document for provider in _providers for document in islice(provider(limit), limit)
        ]
        model = NaiveBayes(documents)
        _trained = (time.monotonic(), model)
        return model


def category_scores(
    facts: Facts, categories: list[CategoryOption], prior: str | None = None
) -> dict[str, float]:
    """Each allowed category's score: keywords, plus what the listings taught, plus a prior."""
    scores = keyword_scores(facts, categories)
    classifier = corpus_classifier()
    if classifier is not None and len(classifier.classes) >= 2:
        # Stopwords, numbers and single letters are not in the classifier's vocabulary.
        for slug, probability in classifier.probabilities(
            facts.words, [category.slug for category in categories]
        ).items():
            scores[slug] = scores.get(slug, 0.0) + CORPUS_WEIGHT * probability
    if prior and any(category.slug == prior for category in categories):
        # The seller's own choice stands when nothing says otherwise; strong cues overrule it.
        scores[prior] = scores.get(prior, 0.0) + PRIOR_WEIGHT
    return scores


def choose_category(
    facts: Facts, categories: list[CategoryOption], prior: str | None = None
) -> CategoryOption | None:
    """The best-scoring allowed category, or None below ``MIN_SCORE``. Ties go to the
    category listed first, so the answer is the same on every run."""
    scores = category_scores(facts, categories, prior)
    if not scores:
        return None
    order = {category.slug: position for position, category in enumerate(categories)}
    slug = min(scores, key=lambda slug: (-scores[slug], order[slug]))
    if scores[slug] < MIN_SCORE:
        return None
    return next(category for category in categories if category.slug == slug)
