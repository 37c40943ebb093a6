"""The orglife app's endpoints: one Router made of the routers of its parts."""

from ninja import Router

router = Router()
