from ninja import Router

from jiceng.centers import api_catalogue, api_places, api_reservations
from jiceng.centers.api_activities import router as activities_router

router = Router()
router.add_router("", activities_router)
router.add_router("", api_places.router)
router.add_router("", api_catalogue.router)
router.add_router("", api_reservations.router)
