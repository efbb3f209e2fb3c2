"""The offline verifier of the audit ledger's export bundle (``dataex verify BUNDLE``).

Pure code: no network, no database, no server. It imports only the ledger's pure modules
(merkle, entry, checkpoint, bundle) and the shared canonical, events and keyring code.
"""

from services.audit.verify.verifier import (
    FAILURE_KINDS,
    Failure,
    Report,
    TrustedCheckpoint,
    verify_bundle,
)

__all__ = ["FAILURE_KINDS", "Failure", "Report", "TrustedCheckpoint", "verify_bundle"]
