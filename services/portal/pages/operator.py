"""The operator's pages under ``/operator``: the review desk, members, deposits,
payouts, the reconciliation and the fee."""

from __future__ import annotations

from fastapi import APIRouter

from services.portal.pages import (
    operator_accounts,
    operator_money,
    operator_pii,
    operator_reviews,
)

router = APIRouter()
router.include_router(operator_accounts.router)
router.include_router(operator_pii.router)
router.include_router(operator_reviews.router)
router.include_router(operator_money.router)
