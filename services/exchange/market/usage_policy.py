"""Machine-readable usage policies in the shape of ODRL 2.2 (pure, no I/O).

An offer carries an ``odrl:Offer``; a contract carries the ``odrl:Agreement`` made from
it for one buyer. Both say what the assignee may do (``use`` for the permitted purposes,
within the term and territory, counted for metered offers) and what it may not
(``distribute``: no onward transfer, unless the offer allows it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from services.exchange.market.errors import InvalidTerms

ODRL_CONTEXT = "http://www.w3.org/ns/odrl.jsonld"
TERRITORIES = frozenset({"CN", "CN-mainland", "CN-ZJ", "global"})


@dataclass(frozen=True)
class UsageTerms:
    """The usage conditions a provider sets on an offer."""

    purposes: tuple[str, ...]
    territory: str = "CN"
    onward_transfer: bool = False
    attribution: bool = True


def check_usage(terms: UsageTerms) -> UsageTerms:
    """``terms`` if usable; :class:`InvalidTerms` naming the problem otherwise."""
    if not terms.purposes:
        raise InvalidTerms("policy.purposes must name at least one permitted purpose",
                           slug="invalid-policy")
    if terms.territory not in TERRITORIES:
        raise InvalidTerms(f"policy.territory must be one of {sorted(TERRITORIES)}",
                           slug="invalid-policy")
    return terms


def _constraint(left: str, operator: str, right: Any) -> dict[str, Any]:
    return {"leftOperand": left, "operator": operator, "rightOperand": right}


def _rules(terms: UsageTerms, term_days: int, count: int | None,
           purposes: Sequence[str]) -> dict[str, Any]:
    constraints = [
        _constraint("purpose", "isAnyOf", sorted(purposes)),
        _constraint("elapsedTime", "lteq", f"P{term_days}D"),
    ]
    if terms.territory != "global":
        constraints.append(_constraint("spatial", "eq", terms.territory))
    if count is not None:
        constraints.append(_constraint("count", "lteq", count))
    rules: dict[str, Any] = {
        "permission": [{"action": "use", "constraint": constraints}],
        "prohibition": [] if terms.onward_transfer else [{"action": "distribute"}],
    }
    if terms.attribution:
        rules["obligation"] = [{"action": "attribute"}]
    return rules


def offer_policy(*, offer_id: str, assigner_org: str, asset_id: str, terms: UsageTerms,
                 term_days: int) -> dict[str, Any]:
    """The ``odrl:Offer`` published with an offer."""
    return {
        "@context": ODRL_CONTEXT,
        "@type": "Offer",
        "uid": f"urn:dataex:offer:{offer_id}",
        "assigner": f"urn:dataex:org:{assigner_org}",
        "target": f"urn:dataex:asset:{asset_id}",
        **_rules(terms, term_days, None, terms.purposes),
    }


def agreement_policy(*, order_id: str, offer_policy_doc: dict[str, Any], assignee_org: str,
                     terms: UsageTerms, term_days: int, purpose: str,
                     count: int | None) -> dict[str, Any]:
    """The ``odrl:Agreement`` for one order: the offer's rules, narrowed to the buyer's
    stated purpose and (for metered orders) the quantity bought."""
    return {
        "@context": ODRL_CONTEXT,
        "@type": "Agreement",
        "uid": f"urn:dataex:order:{order_id}",
        "assigner": offer_policy_doc["assigner"],
        "assignee": f"urn:dataex:org:{assignee_org}",
        "target": offer_policy_doc["target"],
        **_rules(terms, term_days, count, [purpose]),
    }


def purpose_permitted(terms: UsageTerms, purpose: str) -> bool:
    """Whether the offer's policy permits ``purpose`` (``any`` permits every purpose)."""
    return "any" in terms.purposes or purpose in terms.purposes
