from django.conf import settings

from jiceng.core import registry


def shell(request):
    """What the page frame needs: menu entries for this user, the font size, the map tile setting."""
    user = getattr(request, "user", None)
    modules = registry.modules_for(user) if user is not None and user.is_authenticated else []
    seen, menu = set(), []
    for module in modules:
        if module.url_name not in seen:
            seen.add(module.url_name)
            menu.append(module)
    return {
        "menu": menu,
        "large_text": request.COOKIES.get("jc_font") == "large",
        "map_tile_url": settings.MAP_TILE_URL,
        "map_tile_attribution": settings.MAP_TILE_ATTRIBUTION,
    }
