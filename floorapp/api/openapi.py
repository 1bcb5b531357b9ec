"""The OpenAPI 3.1 document of /api/v1; each part of the API adds its paths here."""

from typing import Any

from floorapp.api.metrics_openapi import METRICS_PATHS, METRICS_SCHEMAS

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
    """Return the OpenAPI document."""
    doc = {
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
    add_catalog(doc)
    add_help_requests(doc)
    return doc


def add_catalog(doc: dict[str, Any]) -> None:
    """Add the catalog API's paths and its security scheme."""
    from floorapp.api import openapi_catalog

    doc["paths"].update(openapi_catalog.paths())
    doc["components"].setdefault("securitySchemes", {}).update(
        openapi_catalog.SECURITY_SCHEMES)


def add_help_requests(doc: dict[str, Any]) -> None:
    """Add the help-request API's paths (submit, status, queue, moves, streams)."""
    from floorapp.api import openapi_help

    doc["paths"].update(openapi_help.paths())
