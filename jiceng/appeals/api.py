"""The appeals router: one sub-router per part (workflow, intake, stats). Paths that are words
(``/appeals/stats``, ``/appeals/categories``) are declared before ``/appeals/{int:appeal_id}``."""

from ninja import Router

from jiceng.appeals.api_intake import router as intake_router
from jiceng.appeals.api_stats import router as stats_router
from jiceng.appeals.api_workflow import router as workflow_router

router = Router()
router.add_router("/", stats_router)
router.add_router("/", intake_router)
router.add_router("/", workflow_router)
