"""Pure dispute rules: who answers, until when, when a ruling may come, and what it cites."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from services.exchange.market.errors import InvalidTerms, NotPermitted, WrongState


def check_no_repeats(seqs: Sequence[int]) -> None:
    """A party cites each ledger entry once."""
    repeated = sorted({s for s in seqs if seqs.count(s) > 1})
    if repeated:
        raise InvalidTerms(f"ledger entry {repeated[0]} is cited more than once",
                           slug="evidence-repeated")


def check_may_answer(*, caller_org: str | None, opened_by_org: str, party_orgs: Iterable[str],
                     answered: bool, due: datetime, now: datetime) -> None:
    """Only the other party answers, once, before the answer deadline."""
    if caller_org == opened_by_org:
        raise NotPermitted("the party that opened the dispute does not answer it; the "
                           "other party does", slug="respondent-only")
    if caller_org not in set(party_orgs):
        raise NotPermitted("only the other party to the order answers a dispute",
                           slug="respondent-only")
    if answered:
        raise WrongState("the dispute has already been answered", slug="already-answered")
    if now > due:
        raise WrongState(f"the answer was due by {due.isoformat()}; the case goes to a "
                         "ruling without it", slug="answer-deadline-passed")


def check_ready_for_ruling(*, answered: bool, due: datetime, now: datetime) -> None:
    """A ruling waits for the respondent's answer or for its deadline to pass."""
    if not answered and now <= due:
        raise WrongState(f"the respondent may answer until {due.isoformat()}; rule after "
                         "its answer or after that time", slug="awaiting-answer")


def check_citations(cited: Sequence[int], evidence_seqs: Iterable[int]) -> None:
    """A ruling cites evidence of the case: at least one item when there is any, and
    nothing that is not in the case."""
    available = set(evidence_seqs)
    unknown = sorted(set(cited) - available)
    if unknown:
        raise InvalidTerms(f"the ruling cites ledger entry {unknown[0]}, which is not "
                           f"evidence in this case (evidence: {sorted(available) or 'none'})",
                           slug="cites-unknown-evidence")
    if available and not cited:
        raise InvalidTerms("the ruling must cite the evidence it rests on "
                           f"(cited_evidence, from {sorted(available)})",
                           slug="citation-required")
