"""The appeals router: one sub-router per part (workflow, intake, stats). Paths that are words
(``/appeals/stats``, ``/appeals/categories``) are declared before ``/appeals/{int:appeal_id}``."""

from ninja import Router

from jiceng.appeals.api_intake import router as intake_router
from jiceng.appeals.api_stats import router as stats_router
from jiceng.appeals.api_workflow import router as workflow_router


def _one_view_per_path(*routers: Router) -> None:
    """Django resolves a URL to its first pattern, so one path declared in two sub-routers (``POST /appeals``
    in intake, ``GET /appeals`` in workflow) must be one view, or the later method answers 405: the later
    router's operations on a path move into the first router's view of that path."""
    first: dict = {}
    for router in routers:
        for path in list(router.path_operations):
            if path in first:
                moved = router.path_operations.pop(path)
                first[path].operations.extend(moved.operations)
                first[path].is_async = first[path].is_async or moved.is_async
            else:
                first[path] = router.path_operations[path]


_one_view_per_path(stats_router, intake_router, workflow_router)
router = Router()
router.add_router("/", stats_router)
router.add_router("/", intake_router)
router.add_router("/", workflow_router)
