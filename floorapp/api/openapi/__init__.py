"""The OpenAPI 3.1 document of /api/v1; each part of the API adds its paths here."""

from typing import Any

from floorapp.api.openapi.metrics import METRICS_PATHS, METRICS_SCHEMAS

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
        }
    },
}


def document() -> dict[str, Any]:
    """Return the OpenAPI document: the base, then each part's paths and schemes."""
    from floorapp.api.openapi.breaks import break_paths
    from floorapp.api.openapi.help import help_paths, security_schemes
    from floorapp.api.openapi.messages import message_paths
    from floorapp.api.openapi.push import push_paths

    spec = _base_document()
    spec["paths"].update(help_paths())
    spec["paths"].update(break_paths())
    spec["paths"].update(push_paths())
    spec["paths"].update(message_paths())
    spec["components"].setdefault("securitySchemes", {}).update(security_schemes())
    add_catalog(spec)
    add_price_check(spec)
    add_regions(spec)
    _refused_before_any_handler(spec)
    return spec


def _refused_before_any_handler(spec: dict[str, Any]) -> None:
    """Document the 400 every operation can answer: floorapp/web/wire.py refuses control
    characters in any address, query or body, and JSON nested too deep, before routing."""
    refused = {"description": "Invalid input (control characters, JSON nested too deep)",
               "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    for operations in spec["paths"].values():
        for method, operation in operations.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                operation["responses"].setdefault("400", refused)


def _base_document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "floorapp API", "version": "1"},
        "servers": [{"url": "/api/v1"}],
        "paths": {
            "/openapi.json": {
                "get": {
                    "summary": "This document",
                    "responses": {"200": {"description": "The OpenAPI document"}},
                }
            },
            **METRICS_PATHS,
        },
        "components": {"schemas": {"Error": ERROR_SCHEMA, **METRICS_SCHEMAS}},
    }


def add_price_check(doc: dict[str, Any]) -> None:
    """Add the customer's price check (issue 17): its paths and schemas."""
    from floorapp.api.openapi import sign_products

    doc["paths"].update(sign_products.paths())
    doc["components"]["schemas"].update(sign_products.SCHEMAS)


def add_regions(doc: dict[str, Any]) -> None:
    """Add a region's stores side by side (issue 18): its path and schemas."""
    from floorapp.api.openapi import regions

    doc["paths"].update(regions.paths())
    doc["components"]["schemas"].update(regions.SCHEMAS)


def add_catalog(doc: dict[str, Any]) -> None:
    """Add the catalog API's paths and its security scheme."""
    from floorapp.api.openapi import catalog as openapi_catalog

    doc["paths"].update(openapi_catalog.paths())
    doc["components"].setdefault("securitySchemes", {}).update(
        openapi_catalog.SECURITY_SCHEMES)
