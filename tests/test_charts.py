"""The server-drawn SVG charts: accessible names, escaped text, no data is not zero."""

from floorapp import charts


def test_a_bar_chart_is_an_image_with_a_title_and_a_description():
    svg = charts.bar_chart("Requests <by hour>", "Busiest at 14:00", ["a", "b"], [3, None])
    assert 'role="img"' in svg and "aria-labelledby" in svg
    assert "<title" in svg and "Requests &lt;by hour&gt;" in svg
    assert svg.count("<rect") == 1  # the None bar is not drawn as a zero-height bar


def test_a_heatmap_draws_missing_values_blank_and_the_peak_darkest():
    svg = charts.heatmap("Waits", "Grid", ["Mon"], ["00", "01", "02"], [[None, 5, 10]])
    assert svg.count('fill="#ffffff"') == 1
    assert f'fill="{charts.HEAT[-1]}"' in svg


def test_names_with_markup_are_escaped():
    svg = charts.bar_chart("t", "d", ["<script>"], [1])
    assert "<script>" not in svg and "&lt;script&gt;" in svg
