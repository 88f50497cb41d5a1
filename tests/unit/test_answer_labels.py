"""The answers as the verdict page and the exports word them: counts with their plural forms."""

import pytest

from app.web.export import answer_label


@pytest.mark.parametrize(
    "value, lang, label",
    [
        (1, "en", "1 case"),
        (2, "en", "2 cases"),
        (1_000, "en", "1,000 cases"),
        (1, "zh", "1 个案例"),
        (1_000, "zh", "1,000 个案例"),
    ],
)
def test_a_baseline_sample_size_is_counted_in_cases(value: int, lang: str, label: str) -> None:
    assert answer_label("baseline_sample_size", value, lang) == label
