"""The operator's pages under ``/operator``: the review desk, members and deposits."""

from __future__ import annotations

from fastapi import APIRouter

from services.portal.pages import operator_accounts, operator_pii, operator_reviews

router = APIRouter()
router.include_router(operator_accounts.router)
router.include_router(operator_pii.router)
router.include_router(operator_reviews.router)
