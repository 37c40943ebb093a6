"""The orglife app's endpoints: one Router made of the routers of its parts."""

from ninja import Router

from jiceng.orglife.api import compliance, meetings, study

router = Router()
router.add_router("", meetings.router)
router.add_router("", compliance.router)
router.add_router("", study.router)
