"""Geometry of the insights' bar charts, and labels cut to what fits."""

from app.insights.chart import LEFT, RIGHT, WIDTH, bar_chart, fit_label


def test_bars_scale_to_the_largest_total_and_stack_in_series_order():
    chart = bar_chart(
        [("2026-01", {"rag": 3, "fine_tune": 1}), ("2026-02", {"rag": 0, "fine_tune": 0})],
        ["fine_tune", "rag"],
    )
    first, empty = chart.bars
    plot = WIDTH - LEFT - RIGHT
    assert [(s.series, s.x, s.width, s.value) for s in first.segments] == [
        ("fine_tune", LEFT, plot / 4, 1),
        ("rag", LEFT + plot / 4, plot * 3 / 4, 3),
    ]
    assert (first.total, first.end) == (4, WIDTH - RIGHT)
    assert (empty.segments, empty.total, empty.end) == ((), 0, LEFT)
    assert empty.y - first.y == chart.bars[1].y - chart.bars[0].y > chart.bar_height


def test_labels_above_use_the_whole_width():
    chart = bar_chart([("rag", {"rag": 2})], ["rag"], labels_above=True)
    (bar,) = chart.bars
    assert chart.left == 0 and bar.segments[0].x == 0 and bar.end == WIDTH - RIGHT
    assert bar.label_y < bar.y < bar.total_y


def test_no_rows_is_an_empty_chart():
    chart = bar_chart([], ["rag"])
    assert chart.bars == () and chart.height > 0


def test_labels_are_cut_by_display_width():
    assert fit_label("Nov 2026") == "Nov 2026"
    assert fit_label("2026年11月") == "2026年11月"
    assert fit_label("Developer experience") == "Developer e…"
    assert fit_label("检索增强生成（RAG）") == "检索增强生…"
    assert fit_label("数据平台") == "数据平台"
