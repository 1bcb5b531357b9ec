"""The OpenAPI description of the managers' figures (floorapp/api/metrics.py)."""

from floorapp.services.metrics.inventory_figures import MAX_TOP
from floorapp.services.metrics.store_rollup_figures import WAIT_SECTIONS

NULLABLE_SECONDS = {"type": ["number", "null"], "minimum": 0}
NULLABLE_SHARE = {"type": ["number", "null"], "minimum": 0, "maximum": 1}
COUNT = {"type": "integer", "minimum": 0}
HOUR = {"type": "integer", "minimum": 0, "maximum": 23}
WEEKDAY = {"type": "integer", "minimum": 0, "maximum": 6, "description": "0 = Monday"}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _object(properties: dict, **extra) -> dict:
    return {"type": "object", "required": list(properties), "properties": properties, **extra}


SUMMARY = _object({"count": COUNT, "p50_s": NULLABLE_SECONDS, "p90_s": NULLABLE_SECONDS,
                   "max_s": NULLABLE_SECONDS},
                  description="Nearest-rank percentiles in seconds; null when count is 0.")
CELL = {"count": COUNT, "acknowledge_p50_s": NULLABLE_SECONDS,
        "reach_p50_s": NULLABLE_SECONDS, "walkaways": COUNT}
WITHIN_TARGET = _object({
    "acknowledge": NULLABLE_SHARE, "reach": NULLABLE_SHARE,
    "acknowledge_target_s": {"type": "integer", "minimum": 1},
    "reach_target_s": {"type": "integer", "minimum": 1}},
    description="Shares within the store's targets; walk-aways count as misses.")
RANGE = _object({"from": {"type": "string", "format": "date"},
                 "to": {"type": "string", "format": "date"},
                 "days": {"type": "integer", "minimum": 1, "maximum": 366}})
HEADLINE = {
    "empty": {"type": "boolean", "description": "true when the range has no requests"},
    "requests": _object({"total": COUNT, "open": COUNT, "resolved": COUNT}),
    "acknowledge": _ref("DurationSummary"),
    "reach": {"allOf": [_ref("DurationSummary"), _object(
        {"km_p50_s": NULLABLE_SECONDS},
        description="Kaplan–Meier median time to reach, walk-aways as censored waits")]},
    "handle": _ref("DurationSummary"),
    "within_target": WITHIN_TARGET,
    "walkaways": _object({"count": COUNT, "median_wait_s": NULLABLE_SECONDS,
                          "share": NULLABLE_SHARE}),
}
RATINGS = _object({
    "count": COUNT, "mean": {"type": ["number", "null"], "minimum": 1, "maximum": 5},
    "distribution": _object({str(n): COUNT for n in range(1, 6)}),
    "comments": {"type": "array", "items": _object({
        "request_id": {"type": "integer"}, "rating": {"type": "integer", "minimum": 1,
                                                      "maximum": 5},
        "comment": {"type": "string"}, "requested_local": {"type": "string"}})},
})
STOCK_PULLS = _object({
    "asked": COUNT, "delivered": COUNT, "not_found": COUNT,
    "open": {**COUNT, "description": "still open or picked, not yet delivered"},
    "to_pick": _ref("DurationSummary"), "to_deliver": _ref("DurationSummary")},
    description="Stock pulls asked in the range; to_pick is asked → picked, to_deliver "
                "asked → delivered.")
HOLDS = _object({
    "placed": COUNT, "units": COUNT,
    "released": {**COUNT, "description": "released by hand before they expired"},
    "expired": COUNT, "active": COUNT,
    "median_length_s": {**NULLABLE_SECONDS, "description": (
        "nearest-rank median from placing to release or expiry, over ended holds")}},
    description="Holds placed in the range and how each ended.")
NULLABLE_TEXT = {"type": ["string", "null"]}
LOST_DEMAND_ROW = _object({
    "product_id": {"type": ["integer", "null"],
                   "description": "null when the customer named the product only in words"},
    "style": NULLABLE_TEXT, "product": NULLABLE_TEXT, "brand": NULLABLE_TEXT,
    "size": {"type": "string"},
    "looked_up": {**COUNT, "description": "lookup misses (an associate's lookup)"},
    "customer_looked_up": {**COUNT, "description": (
        "customers' own checks at a sign that named this size, not here")},
    "asked_for": {**COUNT, "description": "help requests resolved out of stock"},
    "total": COUNT})
LOST_DEMAND = _object({
    "looked_up": COUNT, "customer_looked_up": COUNT, "asked_for": COUNT,
    "sizes": {**COUNT, "description": "product and size rows in all (top has the first)"},
    "top": {"type": "array", "maxItems": MAX_TOP, "items": LOST_DEMAND_ROW}},
    description="Sizes not in stock, by product and size, from lookup misses (associates' and "
                "customers' apart) and from help requests resolved out of stock, most wanted "
                "first.")
INVENTORY = {"stock_pulls": _ref("StockPulls"), "holds": _ref("Holds"),
             "lost_demand": _ref("LostDemand")}
MINUTES = {"type": "number", "minimum": 0}
COVERAGE = _object({
    "uncovered_minutes": {**MINUTES, "description": (
        "zone-minutes with nobody covering the zone while the store was open (someone at "
        "work or a shift planned), summed over the active zones")},
    "by_hour": {"type": "array", "minItems": 24, "maxItems": 24, "items": _object(
        {"hour": HOUR, "uncovered_minutes": MINUTES})},
    "zones": {"type": "array", "items": _object({
        "zone_id": {"type": "integer"}, "zone": {"type": "string"},
        "uncovered_minutes": MINUTES,
        "by_hour": {"type": "array", "minItems": 24, "maxItems": 24, "items": MINUTES,
                    "description": "uncovered minutes per local hour of day, 0 to 23"},
        "requests": {**COUNT, "description": "requests made while the zone was uncovered"},
        "acknowledge_p50_s": NULLABLE_SECONDS})},
    "requests": _object({"count": COUNT, "share": NULLABLE_SHARE,
                         "acknowledge": _ref("DurationSummary"), "walkaways": COUNT},
                        description="Requests made while nobody covered their zone, and "
                                    "their time to acknowledge."),
    "breaks": _object({
        "count": {**COUNT, "description": "breaks started in the range"},
        "ended": COUNT, "median_length_s": NULLABLE_SECONDS, "longest_s": NULLABLE_SECONDS,
        "late": {**COUNT, "description": "ended after their expected return"},
        "still_out": COUNT,
        "overdue_told": {**COUNT, "description": "the managers were told it ran over"}}),
    "hand_overs": _object({
        "handed_off_at_break": COUNT, "handed_off_at_off": COUNT,
        "released_at_break": COUNT, "released_at_off": COUNT,
        "idle_off": {**COUNT, "description": "hand-offs and releases made by idle-off "
                                             "(counted in the _at_off figures too)"}},
        description="Requests handed to a colleague or put back in the queue by going on "
                    "break or going off."),
}, description="Coverage of the range: see services/metrics/coverage_figures.py.")
METRICS = _object({
    **HEADLINE,
    **INVENTORY,
    "store": _object({"code": {"type": "string"}, "name": {"type": "string"},
                      "timezone": {"type": "string"},
                      "acknowledge_target_s": {"type": "integer"},
                      "reach_target_s": {"type": "integer"}}),
    "range": RANGE,
    "by_hour": {"type": "array", "minItems": 24, "maxItems": 24,
                "items": _object({"hour": HOUR, **CELL})},
    "heatmap": {"type": "array", "minItems": 168, "maxItems": 168,
                "items": _object({"weekday": WEEKDAY, "hour": HOUR, **CELL})},
    "by_zone": {"type": "array", "items": _object({
        "zone_id": {"type": "integer"}, "zone": {"type": "string"}, **CELL,
        "within_target": WITHIN_TARGET})},
    "by_associate": {"type": "array", "items": _object({
        "user_id": {"type": "integer"}, "name": {"type": "string"}, "claimed": COUNT,
        "handled": COUNT, "reach_p50_s": NULLABLE_SECONDS,
        "rating_mean": {"type": ["number", "null"]}, "ratings": COUNT})},
    "ratings": RATINGS,
    "recovery": _object({"to_answer": COUNT, "low_ratings": COUNT, "answered": COUNT,
                         "median_answer_s": NULLABLE_SECONDS}),
    "coverage": {"oneOf": [_ref("Coverage"), {"type": "null"}],
                 "description": "null over a range whose wait figures come from the roll-ups"},
    "previous": _object({"range": RANGE, **HEADLINE, **INVENTORY}),
    "from_rollups": {"oneOf": [_ref("FromRollups"), {"type": "null"}], "description": (
        "null when every figure is exact (read from the requests); otherwise which "
        "figures come from the roll-ups")},
})
FROM_ROLLUPS = _object({
    "sections": {"type": "array", "items": {"type": "string",
                                            "enum": [*WAIT_SECTIONS, "previous"]},
                 "description": (
        "the answer's keys computed from the hourly roll-ups ('previous': the previous "
        "period's headline); by_associate, ratings, recovery and stock are always exact")},
    "exact_max_requests": {**COUNT, "description": (
        "a range (and its previous period, on its own) with more requests than this "
        "takes its wait figures from the roll-ups")},
    "approximate_fields": {"type": "array", "items": {"type": "string"}, "description": (
        "the percentile fields of those sections, the only approximate ones: counts, "
        "shares and maxima are exact")},
    "error": _object({
        "absolute_s": {"type": "number", "description": "bound below relative_from_s"},
        "relative": {"type": "number", "description": "bound from relative_from_s on"},
        "relative_from_s": {"type": "number"}},
        description="how far a percentile may be from the exact nearest-rank one "
                    "(before both are rounded to 0.1 s): services/metrics/wait_histogram.py"),
    "caught_up_at": {"type": ["string", "null"], "format": "date-time", "description": (
        "the roll-ups include the requests' changes up to about a minute before this; "
        "null before they were first built")}},
    description="Where a long range's wait figures come from: "
                "services/metrics/store_rollup_figures.py.")
NULLABLE_NUMBER = {"type": ["number", "null"], "minimum": 0}
STAFFING = _object({
    "range": RANGE, "target_share": {"type": "number", "exclusiveMinimum": 0,
                                     "exclusiveMaximum": 1},
    "acknowledge_target_s": {"type": "integer"}, "mean_handle_s": NULLABLE_SECONDS,
    "empty": {"type": "boolean"},
    "cells": {"type": "array", "minItems": 168, "maxItems": 168, "items": _object({
        "weekday": WEEKDAY, "hour": HOUR, "hours_in_range": COUNT, "arrivals": COUNT,
        "arrivals_per_hour": {"type": "number", "minimum": 0},
        "mean_handle_s": NULLABLE_SECONDS, "needed": COUNT,
        "on_floor": NULLABLE_NUMBER})},
    "plan": _ref("StaffingPlan"),
})
PLAN_HOUR = _object({
    "start": {"type": "string", "format": "date-time", "description": "UTC start"},
    "local": {"type": "string", "description": "local start, ISO 8601 with offset"},
    "weekday": WEEKDAY, "hour": HOUR,
    "planned": {"type": "number", "minimum": 0,
                "description": "associates the shifts put on the floor, time-weighted"},
    "needed": {**COUNT, "description": "Erlang C's need for that (weekday, hour) cell"},
    "on_floor": {**NULLABLE_NUMBER, "description": "actually on the floor; null ahead"},
    "short": {"type": "boolean"},
    "wait_planned_s": {**NULLABLE_NUMBER, "description": "null: the wait grows without end"},
    "wait_needed_s": NULLABLE_NUMBER,
    "share_planned": NULLABLE_SHARE, "share_needed": NULLABLE_SHARE})
STAFFING_PLAN = _object({
    "week": {"type": "string", "format": "date", "description": "the Monday"},
    "past": {"type": "boolean"}, "started": {"type": "boolean"},
    "short_hours": COUNT, "short_associate_hours": {"type": "number", "minimum": 0},
    "hours": {"type": "array", "minItems": 167, "maxItems": 169, "items": PLAN_HOUR,
              "description": "every local hour of the week (167 or 169 at a clock change)"}},
    description="The planned week against the need (the staffing page's plan).")

METRICS_SCHEMAS = {"DurationSummary": SUMMARY, "StoreMetrics": METRICS, "Staffing": STAFFING,
                   "StockPulls": STOCK_PULLS, "Holds": HOLDS, "LostDemand": LOST_DEMAND,
                   "Coverage": COVERAGE, "StaffingPlan": STAFFING_PLAN,
                   "FromRollups": FROM_ROLLUPS}

_PARAMETERS = [
    {"name": "code", "in": "path", "required": True, "schema": {"type": "string"}},
    {"name": "from", "in": "query", "required": True,
     "description": "First local date (YYYY-MM-DD), inclusive",
     "schema": {"type": "string", "format": "date"}},
    {"name": "to", "in": "query", "required": True,
     "description": "Last local date, inclusive; at most 366 days after 'from'",
     "schema": {"type": "string", "format": "date"}},
]
_ERRORS = {str(status): {"description": text, "content": {
    "application/json": {"schema": _ref("Error")}}} for status, text in (
    (400, "Malformed, reversed or too long range, or a bad target_share or plan_week"),
    (401, "Not logged in"), (403, "Not a manager of this store nor an admin"),
    (404, "No such store, or another store's code (to a regional manager: a store of "
          "another region)"))}


def _operation(summary: str, content: dict, *, extra_parameters=()) -> dict:
    return {"get": {"summary": summary, "parameters": [*_PARAMETERS, *extra_parameters],
                    "responses": {"200": {"description": summary, "content": content},
                                  **_ERRORS}}}


_STAFFING_PARAMETERS = [
    {"name": "target_share", "in": "query", "required": False,
     "schema": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1,
                "default": 0.9}},
    {"name": "plan_week", "in": "query", "required": False,
     "description": "Any day of the planned week to show beside the need (default: the "
                    "store's next week)", "schema": {"type": "string", "format": "date"}},
]
_CSV = {"text/csv": {"schema": {"type": "string"}}}
METRICS_PATHS = {
    "/stores/{code}/metrics": _operation(
        "A store's wait-time, stock-pull, hold and lost-demand figures for a range of its "
        "local dates",
        {"application/json": {"schema": _ref("StoreMetrics")}}),
    "/stores/{code}/requests.csv": _operation(
        "Every request of the range with its UTC timestamps and durations (CSV)", _CSV),
    "/stores/{code}/metrics.csv": _operation("The aggregated figures of the range (CSV)", _CSV),
    "/stores/{code}/staffing": _operation(
        "Associates needed (Erlang C) and present for each local hour of the week, and "
        "the planned week's associates per hour beside the need",
        {"application/json": {"schema": _ref("Staffing")}},
        extra_parameters=_STAFFING_PARAMETERS),
    "/stores/{code}/staffing.csv": _operation(
        "The staffing suggestion as CSV, one line per local hour of the week, with the "
        "planned week's associates", _CSV,
        extra_parameters=_STAFFING_PARAMETERS),
}
