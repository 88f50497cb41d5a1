"""The plan's "where to run it": a team whose data must stay on its own machines is sent to its
own GPUs, not to the hosted providers that would take its data."""

from __future__ import annotations

import pytest

from tests.helpers import REFUND_BOT, html
from tests.training.test_training import create

HOME = {**REFUND_BOT, "hosting": "self_hosted_required"}
WHERE = {
    "home": {
        "en": "Where to run it: on your own GPUs, as your data must stay on your machines, with "
        "the scripts below or another self-hosted stack from the fine-tuning providers table "
        "(its last rows).",
        "zh": "在哪里运行：在你自己的 GPU 上（你的数据必须留在自己的机器上），用下面的脚本，"
        "或选用微调服务商表（表末的自托管方案）。",
    },
    "hosted": {
        "en": "Where to run it: the fine-tuning providers table (who still takes new jobs, dated).",
        "zh": None,
    },
}


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize(("key", "answers"), [("home", HOME), ("hosted", REFUND_BOT)])
def test_where_to_run_it_follows_the_hosting_answer(client, lang, key, answers) -> None:
    created = create(client, answers)
    page = html(client.get(created["url"] + f"?lang={lang}"))
    where = page.select_one("#plan a[href$='/providers']").parent
    expected = WHERE[key][lang]
    if expected is not None:
        assert " ".join(where.get_text().split()) == expected
    markdown = client.get(f"/a/{created['id']}/export.md?lang={lang}").text
    own_gpus = {"en": "on your own GPUs", "zh": "在你自己的 GPU 上"}[lang]
    assert (own_gpus in markdown) is (key == "home")
    assert (own_gpus in where.get_text()) is (key == "home")


def test_the_method_s_sources_are_cited_in_the_export_s_language(client) -> None:
    # The reasons' citations read "The Batch 第 294 期" in Chinese; the method's read
    # "The Batch, issue 294" beside them.
    created = create(client, REFUND_BOT)
    markdown = client.get(f"/a/{created['id']}/export.md?lang=zh").text
    method = markdown[markdown.index("\n## 方法") :].split("\n## ")[1]
    assert "[Andrew Ng, The Batch 第 294 期 (2025)]" in method
    assert "issue 294" not in markdown.replace("the-batch/issue-294", "")
