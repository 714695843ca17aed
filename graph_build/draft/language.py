"""Which lines of a page are English: bilingual Welsh pages are drafted from their English part.

Welsh councils publish minutes in both languages, often on one page: a Welsh paragraph and its
English translation, or the whole Welsh text followed by the English one. Each line is scored by
py3langid (a naive Bayes model over character n-grams, shipped inside the package: no download,
deterministic) restricted to English and Welsh; a line with few ordinary words (a name, a label)
weighs little. A two-state Viterbi pass then labels each line, a change of language costing
`SWITCH`, so that a name or a heading between two paragraphs of one language keeps their language
and one Welsh place name in an English page changes nothing.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

SWITCH = 0.25  # log-odds a change of language costs: a line unsure of its language cannot make one
MIXED = 0.05  # a page whose Welsh lines hold under this share of its letters is English as it stands
ENGLISH_FLOOR = 0.2  # a page whose English lines hold under this share is a Welsh page
_WORD = re.compile(r"[^\W\d_][\w'’-]*")


@cache
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    ident.set_languages(["en", "cy"])
    return ident


def line_score(line: str) -> float:
    """Log-odds that a line is English (> 0) rather than Welsh (< 0), weighted by its ordinary words."""
    words = _WORD.findall(line)
    if not words:
        return 0.0
    ordinary = sum(1 for w in words if w[0].islower() or (w.isupper() and len(w) > 3))
    lang, prob = _identifier().classify(line)
    prob = min(max(float(prob), 0.001), 0.999)
    odds = math.log(prob / (1 - prob)) * min(1.0, (ordinary + 2) / 3)
    return odds if lang == "en" else -odds


def line_languages(lines: list[str]) -> list[str]:
    """'en' or 'cy' for each line: the likeliest labelling when a change of language costs SWITCH."""
    best = {"en": 0.0, "cy": 0.0}
    back: list[dict[str, str]] = []
    for line in lines:
        score = line_score(line)
        emit = {"en": score / 2, "cy": -score / 2}
        step, came = {}, {}
        for lang, other in (("en", "cy"), ("cy", "en")):
            came[lang] = lang if best[lang] >= best[other] - SWITCH else other
            step[lang] = max(best[lang], best[other] - SWITCH) + emit[lang]
        back.append(came)
        best = step
    state = "en" if best["en"] >= best["cy"] else "cy"
    path = []
    for came in reversed(back):
        path.append(state)
        state = came[state]
    return path[::-1]


@dataclass(frozen=True)
class LanguageSplit:
    lang: str  # en | cy: the language drafting reads the page in ('cy': a Welsh page, refused)
    text: str  # the text to draft: the English lines of a bilingual page, else the whole text
    welsh_lines: int  # lines left out as Welsh


def english_part(text: str) -> LanguageSplit:
    """The page's English part: all of it when it is English, its English lines when it is bilingual."""
    lines = text.split("\n")
    langs = line_languages(lines)
    letters = {"en": 0, "cy": 0}
    for line, lang in zip(lines, langs, strict=True):
        letters[lang] += sum(ch.isalpha() for ch in line)
    total = sum(letters.values()) or 1
    if letters["cy"] / total < MIXED:
        return LanguageSplit("en", text, 0)
    if letters["en"] / total < ENGLISH_FLOOR:
        return LanguageSplit("cy", text, 0)
    kept = [line for line, lang in zip(lines, langs, strict=True) if lang == "en"]
    return LanguageSplit("en", "\n".join(kept), len(lines) - len(kept))
