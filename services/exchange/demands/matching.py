"""Ranking offers for a demand: text relevance, theme overlap, budget fit and quality
(pure, no I/O). Every match says why it matched.

Scores are basis points (0-10,000): 40% text relevance (the share of the demand's terms
found in the offer; Chinese text is compared by character bigrams, other text by
words), 20% theme overlap, 25% budget fit (1 when the offer's reference price is within
budget, budget / price above it), 15% quality (catalog score / 100; 0.5 when unknown).
Offers sharing no term and no theme with the demand are not matches.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from services.exchange.valuation.model import round_half_up

WEIGHTS = {"text": 4000, "themes": 2000, "budget": 2500, "quality": 1500}
_CJK = re.compile(r"[\u3400-\u9fff]+")
_WORD = re.compile(r"[a-z0-9]{2,}")


def terms(text: str) -> set[str]:
    """Comparable terms of ``text``: CJK character bigrams (single characters for
    one-character runs) and lower-case words of two or more letters or digits."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    found = set(_WORD.findall(folded))
    for run in _CJK.findall(folded):
        if len(run) == 1:
            found.add(run)
        found.update(run[i:i + 2] for i in range(len(run) - 1))
    return found


@dataclass(frozen=True)
class DemandFacts:
    """What a demand asks for."""

    text: str
    themes: tuple[str, ...]
    budget_fen: int


@dataclass(frozen=True)
class OfferFacts:
    """What an offer says about itself, for matching."""

    offer_id: str
    text: str
    themes: tuple[str, ...]
    reference_price_fen: int
    quality_score: int | None


@dataclass(frozen=True)
class Match:
    """An offer that matches a demand, its score and the reasons."""

    offer_id: str
    score_bps: int
    reasons: tuple[str, ...]


def score(demand: DemandFacts, offer: OfferFacts) -> Match | None:
    """How well ``offer`` answers ``demand``; None when it shares nothing with it."""
    wanted = terms(demand.text)
    shared = sorted(wanted & terms(offer.text))
    text = Fraction(len(shared), len(wanted)) if wanted else Fraction(0)
    common_themes = sorted(set(demand.themes) & set(offer.themes))
    themes = Fraction(len(common_themes), len(set(demand.themes))) if demand.themes else Fraction(0)
    if not shared and not common_themes:
        return None
    price = offer.reference_price_fen
    budget = Fraction(1) if price <= demand.budget_fen else Fraction(demand.budget_fen, price)
    quality = Fraction(offer.quality_score, 100) if offer.quality_score is not None \
        else Fraction(1, 2)
    total = (WEIGHTS["text"] * text + WEIGHTS["themes"] * themes
             + WEIGHTS["budget"] * budget + WEIGHTS["quality"] * quality)
    reasons = []
    if shared:
        reasons.append(f"shares {len(shared)} of {len(wanted)} terms: {', '.join(shared[:8])}")
    if common_themes:
        reasons.append(f"themes in common: {', '.join(common_themes)}")
    if price <= demand.budget_fen:
        reasons.append(f"price {price} fen is within the budget of {demand.budget_fen} fen")
    else:
        reasons.append(f"price {price} fen is {price - demand.budget_fen} fen over budget")
    reasons.append(f"quality score {offer.quality_score}" if offer.quality_score is not None
                   else "quality score unknown (counted as 50)")
    return Match(offer.offer_id, round_half_up(total), tuple(reasons))


def rank(demand: DemandFacts, offers: Sequence[OfferFacts], *, limit: int = 20) -> list[Match]:
    """The matching offers, best first (ties: lower price, then offer id)."""
    prices = {o.offer_id: o.reference_price_fen for o in offers}
    matches = [m for m in (score(demand, o) for o in offers) if m is not None]
    matches.sort(key=lambda m: (-m.score_bps, prices[m.offer_id], m.offer_id))
    return matches[:limit]
