"""The dues API (党费): the public calculator, and the scoped ledger, payments, fixing and arrears."""

from ninja import Router

from jiceng.dues.api import ledger, quote

router = Router()
router.add_router("/", quote.router)
router.add_router("/", ledger.router)
