from ninja import Router

from jiceng.centers.api_activities import router as activities_router

router = Router()
router.add_router("", activities_router)
