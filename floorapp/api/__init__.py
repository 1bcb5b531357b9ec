"""The JSON API at /api/v1: one error shape, documented in /api/v1/openapi.json."""

from flask import Blueprint, jsonify

from floorapp.api.openapi import document

bp = Blueprint("api", __name__)


@bp.get("/openapi.json")
def openapi():
    """Serve the OpenAPI document of this API."""
    return jsonify(document())
