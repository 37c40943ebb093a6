"""Open311 GeoReport v2 answers in the two formats the specification names: XML (required; UTF-8 with the
XML declaration, the element names of the specification) and JSON (the same data: a list of objects,
an object for discovery). Errors are ``[{"code": …, "description": …}]`` / ``<errors><error>…``."""

from __future__ import annotations

import json
from xml.etree import ElementTree as ET

from django.http import HttpResponse
from django.utils import timezone

CONTENT_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
# list element → (root element, item element)
LISTS = {"services": ("services", "service"), "requests": ("service_requests", "request"),
         "errors": ("errors", "error")}
# inside an item, a list value is written as <name><item>…</item></name>
NESTED_ITEM = {"endpoints": "endpoint", "formats": "format", "attributes": "attribute", "values": "value"}


def iso(moment) -> str | None:
    """ISO 8601 with the offset (w3 note), e.g. ``2026-11-24T09:30:00+08:00``."""
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else None


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _fill(parent: ET.Element, data: dict) -> None:
    for key, value in data.items():
        node = ET.SubElement(parent, key)
        if isinstance(value, list):
            item_name = NESTED_ITEM.get(key, "item")
            for item in value:
                child = ET.SubElement(node, item_name)
                if isinstance(item, dict):
                    _fill(child, item)
                else:
                    child.text = _text(item)
        elif isinstance(value, dict):
            _fill(node, value)
        else:
            node.text = _text(value)


def to_xml(kind: str, data) -> bytes:
    """``kind``: one of LISTS (``data`` a list of dicts), or a root element name (``data`` a dict)."""
    if kind in LISTS:
        root_name, item_name = LISTS[kind]
        root = ET.Element(root_name)
        for item in data:
            _fill(ET.SubElement(root, item_name), item)
    else:
        root = ET.Element(kind)
        _fill(root, data)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="utf-8", xml_declaration=False)


def respond(fmt: str, kind: str, data, status: int = 200) -> HttpResponse:
    if fmt == "xml":
        body = to_xml(kind, data)
    else:
        body = json.dumps(data, ensure_ascii=False).encode()
    response = HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])
    response["Access-Control-Allow-Origin"] = "*"  # a read API meant for other sites' clients
    return response


def errors(fmt: str, status: int, items: list[tuple[str, str]] | list[str]) -> HttpResponse:
    """The specification's error list: one entry per problem, ``code`` = the HTTP status."""
    rows = [{"code": status, "description": f"{i[0]}: {i[1]}" if isinstance(i, tuple) else i} for i in items]
    return respond(fmt, "errors", rows, status)
