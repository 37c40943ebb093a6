"""Pages of the core: sign-in, workbench, the two tree browsers, accounts, audit, profile."""

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiceng.core import audit, registry, scope
from jiceng.core.forms import LocalAreaForm, LoginForm, OrgForm, PostForm
from jiceng.core.models import Org
from jiceng.core.pages import paginate, run_service
from jiceng.core.selectors import accounts as account_selectors
from jiceng.core.selectors import orgs as org_selectors
from jiceng.core.selectors import territory as area_selectors
from jiceng.core.selectors import trees
from jiceng.core.services import areas as area_services
from jiceng.core.services import orgs as org_services


def login_view(request):
    form = LoginForm(request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        login(request, form.user)
        audit.record(form.user, "auth.login", form.user, object_repr=form.user.username)
        target = request.POST.get("next") or request.GET.get("next") or ""
        if not url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
            target = "core:workbench"
        return redirect(target)
    return render(request, "core/login.html", {"form": form, "next": request.GET.get("next", "")})


@require_POST
def logout_view(request):
    if request.user.is_authenticated:
        audit.record(request.user, "auth.logout", request.user, object_repr=request.user.username)
    logout(request)
    return redirect("core:login")


@login_required
def workbench(request):
    grants = list(account_selectors.active_grants(request.user))
    tiles = [{"module": module, "count": module.counter(request.user) if module.counter else None}
             for module in registry.modules_for(request.user)]
    counts = []
    for grant in grants:
        if grant.area_id:
            counts.append((grant, area_selectors.descendant_counts(grant.area),
                           org_selectors.counts_in_territory(grant.area)))
        elif grant.org_id:
            counts.append((grant, org_selectors.descendant_counts(grant.org), {}))
        else:
            counts.append((grant, {}, {}))
    return render(request, "core/workbench.html", {"grants": counts, "tiles": tiles})


@login_required
def area_index(request):
    text = request.GET.get("q", "").strip()
    if text:
        results = area_selectors.with_child_counts(area_selectors.area_search(request.user, text))
        return render(request, "core/area_list.html", {"areas": results, "q": text, "searching": True})
    roots = area_selectors.with_child_counts(area_selectors.area_roots(request.user)).order_by("code")
    return render(request, "core/area_list.html", {"areas": roots, "q": ""})


@login_required
def area_detail(request, code):
    area = area_selectors.area_get(request.user, code)
    children = area_selectors.with_child_counts(area_selectors.area_children(request.user, code)).order_by("code")
    page = paginate(request, children, 100)
    context = {
        "area": area,
        "page": page,
        "crumbs": _crumbs(request.user, "core.view_area", trees.ancestors(area), area,
                          lambda a: reverse("core:area_detail", kwargs={"code": a.code})),
        "descendants": area_selectors.descendant_counts(area),
        "parent_visible": bool(area.parent_id) and scope.can(request.user, "core.view_area", area.parent),
        "map_features": _features(area, page.object_list),
        "orgs": scope.visible(request.user, "core.view_org", Org.objects.filter(area=area))[:20],
        "can_add": scope.can(request.user, "core.add_area", area),
    }
    return render(request, "core/area_detail.html", context)


@login_required
def area_create(request, code):
    parent = area_selectors.area_get(request.user, code)
    scope.require(request.user, "core.add_area", parent)
    form = LocalAreaForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        area = run_service(form, lambda: area_services.area_create_local(
            request.user, parent=parent, level=form.cleaned_data["level"], name=form.cleaned_data["name"],
            geometry=form.cleaned_data["geometry"]))
        if area:
            messages.success(request, _("已新增 %(name)s（%(code)s）") % {"name": area.name, "code": area.code})
            return redirect("core:area_detail", code=area.code)
    return render(request, "core/node_form.html", {
        "form": form, "title": _("新增网格或场所"), "submit_label": _("新增"),
        "root_label": _("属地"), "root_url": reverse("core:area_index"),
        "node_name": parent.name, "node_url": reverse("core:area_detail", kwargs={"code": parent.code})})


def _crumbs(user, perm, ancestors, current, url_of) -> list[dict]:
    """The visible ancestors as breadcrumbs; the current node has no link."""
    return [{"name": node.name, "url": None if node.pk == current.pk else url_of(node)}
            for node in ancestors if scope.can(user, perm, node)]


def _features(area, children) -> dict | None:
    feats = [{"type": "Feature", "geometry": c.geometry, "properties": {"name": c.name, "code": c.code}}
             for c in children if c.geometry]
    if not feats and area.geometry:
        feats = [{"type": "Feature", "geometry": area.geometry, "properties": {"name": area.name, "code": area.code}}]
    return {"type": "FeatureCollection", "features": feats} if feats else None


@login_required
def org_index(request):
    text = request.GET.get("q", "").strip()
    if text:
        orgs = org_selectors.with_child_counts(org_selectors.org_search(request.user, text))
    else:
        orgs = org_selectors.with_child_counts(org_selectors.org_roots(request.user)).order_by("path")[:200]
    return render(request, "core/org_list.html", {"orgs": orgs, "q": text, "searching": bool(text),
                                                  "can_add_root": scope.reach(request.user, "core.add_org").everything})


@login_required
def org_detail(request, org_id):
    org = org_selectors.org_get(request.user, org_id)
    children = org_selectors.with_child_counts(org_selectors.org_children(request.user, org.pk)).order_by("path")
    context = {
        "org": org,
        "page": paginate(request, children, 100),
        "crumbs": _crumbs(request.user, "core.view_org", trees.ancestors(org), org,
                          lambda o: reverse("core:org_detail", kwargs={"org_id": o.pk})),
        "descendants": org_selectors.descendant_counts(org),
        "parent_visible": bool(org.parent_id) and scope.can(request.user, "core.view_org", org.parent),
        "posts": org_selectors.post_list(request.user, org),
        "can_add": scope.can(request.user, "core.add_org", org),
        "can_change": scope.can(request.user, "core.change_org", org),
    }
    return render(request, "core/org_detail.html", context)


@login_required
def org_create(request, parent_id=None):
    parent = org_selectors.org_get(request.user, parent_id) if parent_id else None
    if parent is not None:
        scope.require(request.user, "core.add_org", parent)
    else:
        scope.require_global(request.user, "core.add_org")
    initial = {"sector": parent.sector if parent else "territorial",
               "area": parent.area.code if parent and parent.area_id else ""}
    form = OrgForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        result = run_service(form, lambda: org_services.org_create(
            request.user, parent=parent, name=data.pop("name"), kind=data.pop("kind"), sector=data.pop("sector"),
            area=data.pop("area"), **data))
        if result:
            org, warnings = result
            messages.success(request, _("已设立 %(name)s") % {"name": org.name})
            for w in warnings:
                messages.warning(request, w)
            return redirect("core:org_detail", org_id=org.pk)
    return render(request, "core/org_form.html", {"form": form, "parent": parent, "org": None})


@login_required
def post_new(request, org_id):
    org = org_selectors.org_get(request.user, org_id)
    scope.require(request.user, "core.change_org", org)
    form = PostForm(request.POST or None, initial={"term_start": org.term_started_on, "term_end": org.term_ends_on})
    if request.method == "POST" and form.is_valid():
        post = run_service(form, lambda: org_services.post_assign(request.user, org=org, **form.cleaned_data))
        if post:
            messages.success(request, _("已任命 %(name)s 为%(title)s") % {"name": post.holder_name,
                                                                      "title": post.get_title_display()})
            return redirect("core:org_detail", org_id=org.pk)
    return render(request, "core/node_form.html", {
        "form": form, "title": _("任命职务"), "submit_label": _("任命"),
        "root_label": _("党组织"), "root_url": reverse("core:org_index"),
        "node_name": org.name, "node_url": reverse("core:org_detail", kwargs={"org_id": org.pk})})


@login_required
def org_edit(request, org_id):
    org = org_selectors.org_get(request.user, org_id)
    scope.require(request.user, "core.change_org", org)
    form = OrgForm(request.POST or None, initial=OrgForm.initial_for(org))
    if request.method == "POST" and form.is_valid():
        result = run_service(form, lambda: org_services.org_update(request.user, org=org, **form.cleaned_data))
        if result:
            org, warnings = result
            messages.success(request, _("已保存"))
            for w in warnings:
                messages.warning(request, w)
            return redirect("core:org_detail", org_id=org.pk)
    return render(request, "core/org_form.html", {"form": form, "parent": org.parent, "org": org})
