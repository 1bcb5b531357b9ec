"""The dashboard's charts, built from the figures of services.metrics.figures and .staffing."""

from markupsafe import Markup

from floorapp import charts

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
HOURS = [f"{hour:02d}" for hour in range(24)]


def dashboard_charts(figures: dict) -> dict[str, Markup]:
    """Return the SVG charts of the dashboard page."""
    hours = figures["by_hour"]
    grid = [[0] * 24 for _ in WEEKDAYS]
    waits: list[list[float | None]] = [[None] * 24 for _ in WEEKDAYS]
    for cell in figures["heatmap"]:
        grid[cell["weekday"]][cell["hour"]] = cell["count"]
        waits[cell["weekday"]][cell["hour"]] = cell["reach_p50_s"]
    busiest = max(hours, key=lambda cell: cell["count"])
    zones = figures["by_zone"]
    ratings = figures["ratings"]["distribution"]
    return {
        "by_hour": charts.bar_chart(
            "Requests by local hour of day",
            f"Bars for each hour from 00 to 23; the busiest hour is {busiest['hour']:02d}:00 "
            f"with {busiest['count']} requests. The table below has every number.",
            HOURS, [cell["count"] for cell in hours], label_every=3),
        "heatmap": charts.heatmap(
            "Requests by day of week and local hour",
            "A grid with a row per weekday (Monday first) and a column per hour; darker "
            "cells had more requests. The table below has every number.",
            WEEKDAYS, HOURS, grid),
        "wait_heatmap": charts.heatmap(
            "Median time to reach the customer by day of week and local hour",
            "A grid with a row per weekday and a column per hour; darker cells mean longer "
            "waits, white cells had no reached requests. The table below has every number.",
            WEEKDAYS, HOURS, waits),
        "by_zone": charts.bar_chart(
            "Median time to reach the customer, by zone",
            "One bar per zone, in seconds; zones without reached requests have no bar.",
            [zone["zone"][:10] for zone in zones], [zone["reach_p50_s"] for zone in zones],
            unit=" s"),
        "ratings": charts.bar_chart(
            "Ratings from 1 to 5 stars",
            "One bar per rating with the number of customers who gave it.",
            ["1★", "2★", "3★", "4★", "5★"], [ratings[str(n)] for n in range(1, 6)]),
    }


def staffing_chart(result: dict, weekday: int) -> Markup:
    """Return needed-versus-present bars for one weekday of the staffing result."""
    cells = result["cells"][weekday * 24:(weekday + 1) * 24]
    return charts.paired_bar_chart(
        f"Associates needed and on the floor on {WEEKDAYS[weekday]}s, by local hour",
        "For each hour, a dark bar for the associates needed and a light bar for the "
        "mean number on the floor. The table has both numbers for every hour.",
        HOURS, ([cell["needed"] for cell in cells], [cell["on_floor"] for cell in cells]),
        ("Needed", "On the floor (mean)"), label_every=3)
