"""The fixed vocabularies of dataset metadata and their linked-data IRIs.

Open types and grades are defined once in :mod:`services.shared.classification` (the
exchange decides on them too) and named here with the rest. Update frequencies and
access rights map to the EU Publications Office authority tables that DCAT-AP uses, so
a DCAT export names them with IRIs any harvester knows.
"""

from __future__ import annotations

from enum import StrEnum

from services.shared.classification import Grade, OpenType

__all__ = [
    "ACCESS_RIGHTS_IRIS",
    "FREQUENCY_IRIS",
    "LICENCE_IRIS",
    "Grade",
    "OpenType",
    "UpdateFrequency",
    "licence_iri",
]


class UpdateFrequency(StrEnum):
    """How often the publisher refreshes the data."""

    REALTIME = "realtime"
    HOURLY = "hourly"
    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    SEMIANNUAL = "semiannual"
    ANNUAL = "annual"
    IRREGULAR = "irregular"
    STATIC = "static"


_FREQUENCY_AUTHORITY = "http://publications.europa.eu/resource/authority/frequency/"
FREQUENCY_IRIS: dict[UpdateFrequency, str] = {
    UpdateFrequency.REALTIME: _FREQUENCY_AUTHORITY + "UPDATE_CONT",
    UpdateFrequency.HOURLY: _FREQUENCY_AUTHORITY + "HOURLY",
    UpdateFrequency.DAILY: _FREQUENCY_AUTHORITY + "DAILY",
    UpdateFrequency.WEEKLY: _FREQUENCY_AUTHORITY + "WEEKLY",
    UpdateFrequency.MONTHLY: _FREQUENCY_AUTHORITY + "MONTHLY",
    UpdateFrequency.QUARTERLY: _FREQUENCY_AUTHORITY + "QUARTERLY",
    UpdateFrequency.SEMIANNUAL: _FREQUENCY_AUTHORITY + "ANNUAL_2",
    UpdateFrequency.ANNUAL: _FREQUENCY_AUTHORITY + "ANNUAL",
    UpdateFrequency.IRREGULAR: _FREQUENCY_AUTHORITY + "IRREG",
    UpdateFrequency.STATIC: _FREQUENCY_AUTHORITY + "NEVER",
}

_ACCESS_AUTHORITY = "http://publications.europa.eu/resource/authority/access-right/"
ACCESS_RIGHTS_IRIS: dict[OpenType, str] = {
    OpenType.UNCONDITIONAL: _ACCESS_AUTHORITY + "PUBLIC",
    OpenType.CONDITIONAL: _ACCESS_AUTHORITY + "RESTRICTED",
    OpenType.NOT_OPEN: _ACCESS_AUTHORITY + "NON_PUBLIC",
}

# Licences a dataset may name by identifier; any other licence is given as an
# http(s) URL of its text (a portal's own 开放数据使用协议, say).
LICENCE_IRIS: dict[str, str] = {
    "CC-BY-4.0": "https://creativecommons.org/licenses/by/4.0/",
    "CC-BY-SA-4.0": "https://creativecommons.org/licenses/by-sa/4.0/",
    "CC0-1.0": "https://creativecommons.org/publicdomain/zero/1.0/",
    "ODC-BY-1.0": "https://opendatacommons.org/licenses/by/1-0/",
    "ODbL-1.0": "https://opendatacommons.org/licenses/odbl/1-0/",
    "PDDL-1.0": "https://opendatacommons.org/licenses/pddl/1-0/",
}


def licence_iri(licence: str) -> str:
    """The IRI of a licence given by a known identifier or by its URL."""
    return LICENCE_IRIS.get(licence, licence)
