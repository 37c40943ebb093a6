"""REST endpoints of appeals: stats (mounted under /api/v1/ by ``appeals.api``)."""

from ninja import Router

router = Router(tags=["appeals"])
