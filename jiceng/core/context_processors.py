from django.conf import settings
from django.utils.translation import gettext as _

from jiceng.core import registry


def _scope_nodes(user) -> list[dict]:
    """The nodes the user acts on (its grants), for the scope switcher in the top bar."""
    from django.urls import reverse

    from jiceng.core.selectors.accounts import active_grants

    nodes = []
    for grant in active_grants(user):
        if grant.area_id:
            url = reverse("core:area_detail", kwargs={"code": grant.area.code})
            label = grant.area.name
        elif grant.org_id:
            url = reverse("core:org_detail", kwargs={"org_id": grant.org_id})
            label = grant.org.name
        else:
            url, label = reverse("core:workbench"), _("全部")
        nodes.append({"label": label, "role": grant.role.label, "url": url})
    return nodes


def shell(request):
    """What the page frame needs: menu entries for this user, the font size, the map tile setting."""
    user = getattr(request, "user", None)
    modules = registry.modules_for(user) if user is not None and user.is_authenticated else []
    return {
        "menu": modules,
        "scope_nodes": _scope_nodes(user) if modules else [],
        "large_text": request.COOKIES.get("jc_font") == "large",
        "map_tile_url": settings.MAP_TILE_URL,
        "map_tile_attribution": settings.MAP_TILE_ATTRIBUTION,
    }
