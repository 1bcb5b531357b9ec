"""The OpenAPI description of a region's stores side by side (floorapp/api/regions.py)."""

from floorapp.api.openapi.metrics import COUNT, HEADLINE, RANGE, _object, _ref

STORE = _object({"code": {"type": "string"}, "name": {"type": "string"},
                 "timezone": {"type": "string"},
                 "acknowledge_target_s": {"type": "integer", "minimum": 1},
                 "reach_target_s": {"type": "integer", "minimum": 1}})
REGION_ROW = _object({"store": STORE, "range": RANGE, **HEADLINE},
                     description="One store's headline figures over its own local dates.")
REGION_METRICS = _object({
    "region": _object({"code": {"type": "string"}, "name": {"type": "string"}}),
    "stores": {"type": "array", "items": _ref("RegionStoreRow"),
               "description": "the region's stores, by code"},
    "total": _object({"stores": COUNT, **HEADLINE},
                     description="The stores' figures together, from the same roll-ups")},
    description="From the roll-ups: counts and shares exact, percentiles within 1 % or "
                "half a second (services/metrics/wait_histogram.py).")
SCHEMAS = {"RegionStoreRow": REGION_ROW, "RegionMetrics": REGION_METRICS}

_PARAMETERS = [
    {"name": "code", "in": "path", "required": True, "schema": {"type": "string"}},
    {"name": "range", "in": "query", "required": False,
     "description": "today, 7d, 30d, or custom with from and to (the dashboard's choices)",
     "schema": {"type": "string", "default": "7d"}},
    {"name": "from", "in": "query", "required": False,
     "description": "First local date (YYYY-MM-DD) of a custom range, inclusive",
     "schema": {"type": "string", "format": "date"}},
    {"name": "to", "in": "query", "required": False,
     "description": "Last local date of a custom range, inclusive",
     "schema": {"type": "string", "format": "date"}},
]
_ERRORS = {str(status): {"description": text, "content": {
    "application/json": {"schema": _ref("Error")}}} for status, text in (
    (400, "Unknown range, or a malformed, reversed or too long custom range"),
    (401, "Not logged in"),
    (404, "No such region, or one the caller may not read (only admins and the "
          "region's regional manager may)"))}


def paths() -> dict:
    """Return the region's paths."""
    return {"/regions/{code}/metrics": {"get": {
        "summary": "A region's stores side by side: each one's headline figures for the "
                   "same local dates",
        "parameters": _PARAMETERS,
        "responses": {"200": {"description": "The region and its stores' rows", "content": {
            "application/json": {"schema": _ref("RegionMetrics")}}}, **_ERRORS}}}}
