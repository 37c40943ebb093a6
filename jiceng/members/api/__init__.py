"""The members app's endpoints: one Router made of the routers of its parts."""

from ninja import Router

from jiceng.members.api import development, imports, roll, transfers

router = Router()
router.add_router("", roll.router)
router.add_router("", imports.router)
router.add_router("", development.router)
router.add_router("", transfers.router)
