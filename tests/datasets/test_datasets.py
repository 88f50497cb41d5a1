"""The dataset check over HTTP, on SQLite and PostgreSQL: the API, the page, bad files, limits,
and accepting suggested answers into a draft."""

import csv
import gzip
import io
import json
import random
from datetime import timedelta

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from app.assessments import get
from app.main import create_app
from app.models import Assessment, DatasetCheck, utcnow
from app.settings import Settings
from app.web.uploads import megabytes
from tests import dataset_files as files
from tests.helpers import REFUND_BOT, count_assessments, html, start, step_answers

API = "/api/v1/datasets/check"
PAGE = "/datasets/check"


def upload(client, content: bytes, name: str = "train.jsonl", path: str = API, **kwargs):
    """POST the file; the page's POST, redirect, GET is followed to the report."""
    kwargs.setdefault("follow_redirects", True)
    return client.post(path, files={"file": (name, content, "application/octet-stream")}, **kwargs)


def reach_data_step(client) -> str:
    token = start(client, "Support bot")
    for step in ("task", "accuracy", "cost", "knowledge"):
        assert (
            client.post(f"/d/{token}/{step}", data=step_answers(step, REFUND_BOT)).status_code
            == 303
        )
    return token


def stored(app, token: str) -> Assessment:
    with app.state.db.read() as session:
        return session.scalars(select(Assessment).where(Assessment.share_token == token)).one()


def test_api_reports_the_contract_fields(client):
    response = upload(client, files.malformed())
    assert response.status_code == 200
    body = response.json()
    assert body["format"] == "chat"
    assert (body["examples"], body["valid"], body["invalid"], body["exact_duplicates"]) == (
        60,
        53,
        7,
        2,
    )
    assert [e["line"] for e in body["errors"]] == sorted(files.MALFORMED_LINES)
    assert body["errors"][0] == {
        "line": 3,
        "code": "not_json",
        "detail": "",
        "snippet": '{"messages": [{"role": "user", "content": "cut off',
        "message": "not JSON",
    }
    assert set(body["tokens"]) == {
        "min",
        "median",
        "p95",
        "max",
        "total",
        "trained",
        "mean",
        "longer_than",
    }
    assert 0 <= body["near_duplicate_share"] <= 1 and 0 <= body["largest_cluster_share"] <= 1
    assert body["labels"] is None
    assert body["suggested_answers"] == {
        "example_count": "under_100",
        "data_quality": "noisy",
        "data_diversity": "diverse",
        "edge_cases": "unsure",
    }
    assert body["file_name"] == "train.jsonl"
    assert body["facts"]["data_quality"][0].startswith("12% of lines are unusable (7 of 60)")
    assert response.headers["cache-control"] == "no-store"


def test_api_speaks_chinese(client):
    body = upload(client, files.malformed(), params={"lang": "zh"}).json()
    assert body["errors"][0]["message"] == "不是 JSON"
    assert body["facts"]["data_quality"][0].startswith("12% 的行无法使用")


@pytest.mark.parametrize(
    ("lang", "fact"),
    [
        (
            "en",
            "1% repeat an earlier input with a different short, label-like output (up to 60 "
            "characters; longer outputs are not compared); noisy from 10%, mixed from 2%.",
        ),
        (
            "zh",
            "1% 的样本重复了前面某条的输入，但给出了不同的简短标签式输出（不超过 60 个字符；更长的输出"
            "不作比较）；"
            "达到 10% 算“噪声多”，达到 2% 算“参差不齐”。",
        ),
    ],
)
def test_the_repeated_input_fact_says_only_short_outputs_are_compared(client, lang, fact):
    """100 examples: line 51 repeats line 1's input with another 2-character output, line 52
    line 2's with another output of 61 characters. The fact said "repeat an earlier input with a
    different output" and counted 1 of the 2 (1% of 100): only label-like outputs are compared."""
    rng = random.Random(5)
    records = [files.chat(files.sentence(rng, 8, 12) + "?", f"A{n}") for n in range(50)]
    records += [files.chat(files.sentence(rng, 8, 12) + "?", "x" * 70) for _ in range(50)]
    records[50] = files.chat(records[0]["messages"][1]["content"], "B0")
    records[51] = files.chat(records[1]["messages"][1]["content"], "y" * 61)
    body = upload(client, files.jsonl(records), params={"lang": lang}).json()
    assert body["conflicting_outputs"] == 1
    assert body["facts"]["data_quality"][2] == fact


def test_api_counts_examples_over_a_context_limit(client):
    lines = [files.chat("word " * 300, "answer", system=None), files.chat("hi", "ok", system=None)]
    body = upload(client, files.jsonl(lines), params={"context_limit": 100}).json()
    assert (body["context_limit"], body["over_context"], body["over_context_lines"]) == (
        100,
        1,
        [1],
    )


BAD_FILES = {
    "binary": b"\x00\x01\x02\x03" * 1000,
    "utf16": "input,output\nhello,world\n".encode("utf-16"),
    "compressed": gzip.compress(b'{"prompt": "a", "completion": "b"}\n' * 100_000),
    "too_long": b'{"prompt": "' + b"x" * 10_000_000 + b'", "completion": "y"}',
    "empty": b"",
    "csv_columns": b"name,age\nann,3\n",
    "wrong_shape": b'{"foo": 1}\n{"bar": 2}\n',
    "encoding": "input,output\ncaf\u00e9,ok\n".encode("latin-1").replace(b"input", b"\xe9input"),
}


@pytest.mark.parametrize("code", sorted(BAD_FILES))
def test_bad_files_get_a_422_that_names_the_problem(client, app, code):
    response = upload(client, BAD_FILES[code])
    assert response.status_code == 422
    problem = response.json()["detail"][0]
    assert (problem["field"], problem["code"]) == ("file", code)
    assert problem["message"]
    assert count_assessments(app) == 0


def test_a_refusal_lists_the_first_bad_lines(client):
    problem = upload(client, b'{"foo": 1}\n{"bar": 2}\n').json()["detail"][0]
    assert [(e["line"], e["code"]) for e in problem["errors"]] == [
        (1, "unknown_shape"),
        (2, "unknown_shape"),
    ]
    assert problem["errors"][0]["message"] == "no key of a known example shape (keys: foo)"
    # Every shape the check reads is named, not 2 of them (en, zh).
    assert problem["message"] == (
        'The lines are JSON, but not training examples. Each needs one of: "messages" (chat '
        'format); "prompt" and "completion"; "instruction" and "output" (Alpaca); '
        '"conversations" (ShareGPT); "text"; "chosen" and "rejected", or "input", '
        '"preferred_output" and "non_preferred_output" (preference pairs); or an input and an '
        'output key named as CSV columns are, such as "question" and "answer".'
    )


def chinese_alpaca(n: int, seed: int = 7) -> list[dict]:
    """Alpaca lines of Chinese text, as in the Chinese Alpaca sets; every fifth is plain ASCII."""
    rng = random.Random(seed)
    return [
        {"instruction": f"Say {n} in words.", "input": "", "output": f"{n}."}
        if n % 5 == 0
        else {
            "instruction": files.hanzi(rng, 5, 20),
            "input": "",
            "output": files.hanzi(rng, 5, 40),
        }
        for n in range(n)
    ]


def dataset_checks(app) -> int:
    with app.state.db.read() as session:
        return len(session.scalars(select(DatasetCheck)).all())


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        (
            "en",
            "This file is not UTF-8 (it reads as GB18030): save it as UTF-8 and upload it again.",
        ),
        ("zh", "文件不是 UTF-8 编码（看起来是 GB18030）：请另存为 UTF-8 后重新上传。"),
    ],
)
def test_a_gbk_file_is_refused_as_not_utf8_not_scored_as_bad_lines(client, app, lang, message):
    """200 lines saved in GBK: the check read them as 160 bad lines and 40 good ones ("80% of
    lines are unusable"); it is one problem, the file's encoding."""
    data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in chinese_alpaca(200))
    assert data.encode("utf-8").decode("utf-8")  # the same text in UTF-8 is read (below)
    response = upload(client, data.encode("gbk"), params={"lang": lang})
    assert response.status_code == 422
    [problem] = response.json()["detail"]
    assert (problem["field"], problem["code"], problem["message"]) == ("file", "encoding", message)
    assert dataset_checks(app) == 0
    assert upload(client, data.encode("utf-8")).json()["valid"] == 200


@pytest.mark.parametrize(
    ("lang", "message"),
    [("en", "bad encoding: not UTF-8 (byte 18)"), ("zh", "编码错误：不是 UTF-8（第 18 个字节）")],
)
def test_one_stray_byte_is_that_lines_error(client, lang, message):
    lines = [json.dumps(r, ensure_ascii=False).encode() for r in chinese_alpaca(20)]
    lines[3] = b'{"instruction": "\xff bad", "input": "", "output": "ok"}'  # byte 18 is 0xff
    assert lines[3].index(b"\xff") + 1 == 18
    body = upload(client, b"\n".join(lines) + b"\n", params={"lang": lang}).json()
    assert (body["valid"], body["invalid"]) == (19, 1)
    assert [(e["line"], e["code"], e["message"]) for e in body["errors"]] == [
        (4, "encoding", message)
    ]


def test_a_json_array_is_checked_like_json_lines(client):
    """Alpaca ships alpaca_data.json as one JSON array (tatsu-lab/stanford_alpaca's README: "a
    list of dictionaries"), as do LLaMA-Factory's data/*.json: the check refused them (422
    json_array). These three records open LLaMA-Factory's data/alpaca_en_demo.json
    (hiyouga/LLaMA-Factory @ ff6d4d12, the file as json.dumps(indent=2) writes it)."""
    records = [
        {
            "instruction": "Describe a process of making crepes.",
            "input": "",
            "output": "Making crepes is an easy and delicious process!",
        },
        {
            "instruction": "Transform the following sentence using a synonym: The car sped quickly.",
            "input": "",
            "output": "The car accelerated rapidly.",
        },
        {"instruction": "Make a persuasive argument.", "input": "", "output": ""},
    ]
    array = json.dumps(records, indent=2).encode()
    body = upload(client, array, name="data.json").json()
    assert (body["format"], body["examples"], body["valid"], body["invalid"]) == ("alpaca", 3, 2, 1)
    assert body["container"] == "json_array"
    assert [(e["line"], e["code"]) for e in body["errors"]] == [(12, "empty_output")]
    page = html(upload(client, array, name="data.json", path=PAGE, params={"lang": "zh"}))
    # Named as the JSON array it is, not "JSON Lines", with how its records are numbered.
    assert page.select_one("[data-format]").text == (
        "JSON 数组，Alpaca 格式（instruction、input、output） （每条记录的行号为它开始的那一行）"
    )
    assert page.select_one("[data-container]").text == "（每条记录的行号为它开始的那一行）"
    # The Chinese page above keeps Chinese for the pages after it: this one asks for English.
    lines_page = html(upload(client, files.jsonl(records), path=PAGE, params={"lang": "en"}))
    assert lines_page.select_one("[data-format]").text == (
        "JSON Lines, Alpaca (instruction, input, output)"
    )
    assert upload(client, files.jsonl(records)).json()["container"] == "lines"


# The first three lines of Azure's sarcasm demo (microsoft-foundry/fine-tuning @ de257fc4,
# Demos/DistillingSarcasm/qa.jsonl), {"question", "answer"}: refused with 422 wrong_shape, while
# the same two columns in a CSV were read.
SARCASM_QA = [
    ("What is the freezing point of water in Fahrenheit?", "32."),
    ("Which famous physicist developed the theory of relativity?", "Albert Einstein."),
    ("Who wrote the novel '1984'?", "George Orwell"),
]


def test_question_answer_json_lines_are_read_as_the_csv_columns_are(client):
    as_json = files.jsonl({"question": q, "answer": a} for q, a in SARCASM_QA)
    out = io.StringIO()
    csv.writer(out).writerows([("question", "answer"), *SARCASM_QA])
    body = upload(client, as_json).json()
    as_csv = upload(client, out.getvalue().encode(), name="qa.csv").json()
    assert (body["format"], body["columns"], body["valid"]) == ("fields", ["question", "answer"], 3)
    assert body["tokens"] == as_csv["tokens"]
    page = html(upload(client, as_json, path=PAGE))
    assert page.select_one("[data-format]").text == "JSON Lines, keys “question” → “answer”"


def test_no_file_and_not_multipart_are_refused(client):
    assert client.post(API, files={"other": (None, "x")}).json()["detail"][0]["code"] == "no_file"
    response = client.post(
        API, content=b'{"prompt": "a"}', headers={"content-type": "application/json"}
    )
    assert (response.status_code, response.json()["detail"][0]["code"]) == (422, "not_multipart")


@pytest.fixture
def small_limit_client(database_url):
    app = create_app(Settings(database_url=database_url, max_upload_bytes=10_000))
    with TestClient(app, follow_redirects=False) as client:
        yield client
    app.state.db.dispose()


def test_over_the_upload_limit_is_413_before_reading_on(small_limit_client):
    data = files.clean_diverse(200)
    assert len(data) > 10_000 + 64 * 1024
    response = upload(small_limit_client, data)
    assert response.status_code == 413
    problem = response.json()["detail"][0]
    assert problem["code"] == "too_large"
    # 10,000 bytes is 9.765625 KiB: kB below 1 MiB, 3 significant figures ("0.00953674 MB" was).
    assert (
        problem["message"]
        == "The file is larger than 9.77 kB. Check a sample of your data instead."
    )


@pytest.mark.parametrize(
    ("limit", "shown"),
    [
        (100_000, "97.7 kB"),  # the reviewer's limit: 100,000 / 1,024 = 97.66 KiB
        (65_536, "64 kB"),
        (20 * 1024 * 1024, "20 MB"),  # the default
        (1_500_000, "1.43 MB"),  # 1.4305 MiB
    ],
)
def test_a_size_limit_reads_in_kb_or_mb_to_three_figures(limit, shown):
    assert megabytes(limit) == shown


def test_over_the_upload_limit_while_streaming_is_413(small_limit_client):
    """No Content-Length to go by: the limit holds as the body streams in."""
    data = files.clean_diverse(60)
    assert 10_000 < len(data) < 10_000 + 64 * 1024

    def body():
        for i in range(0, len(data), 4096):
            yield data[i : i + 4096]

    boundary = "XyZ"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.jsonl"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()

    def stream():
        yield head
        yield from body()
        yield tail

    response = small_limit_client.post(
        API, content=stream(), headers={"content-type": f"multipart/form-data; boundary={boundary}"}
    )
    assert response.status_code == 413
    assert response.json()["detail"][0]["code"] == "too_large"


def test_the_page_is_reachable_from_the_data_step(client):
    token = reach_data_step(client)
    page = html(client.get(f"/d/{token}/data"))
    # A button of the step's form: the step is saved first, then the check opens for the draft.
    button = page.select_one(".dataset-check-link button[name=leave]")
    assert (button["form"], button["value"]) == ("wizard-form", "dataset")
    response = client.post(f"/d/{token}/data", data={"leave": "dataset", "example_count": "none"})
    assert response.status_code == 303
    # The token in the path, masked in logs.
    assert response.headers["location"].endswith(f"/d/{token}/data/check")
    assert get(client.app.state.db, token).answers["example_count"] == "none"
    form = html(client.get(response.headers["location"])).select_one("form[data-dataset-check]")
    assert form["enctype"] == "multipart/form-data" and form["method"] == "post"
    assert form.select_one('input[name="draft"]')["value"] == token
    assert form.select_one('input[type="file"]')["name"] == "file"


def test_the_page_reports_in_both_languages(client):
    response = upload(client, files.labels_95_5(200), path=PAGE, data={"context_limit": "8192"})
    assert response.status_code == 200
    page = html(response)
    facts = {div.dt.text: div.dd.text.strip() for div in page.select("#summary-heading ~ dl div")}
    assert facts["Examples read"] == "200" and facts["Valid"] == "200" and facts["Invalid"] == "0"
    assert [td.text for td in page.select('table[aria-labelledby="labels-caption"] td')] == [
        "positive",
        "190",
        "negative",
        "10",
    ]
    assert len(page.select("svg.histogram rect.histogram-bar")) == len(
        page.select('table[aria-labelledby="histogram-caption"] tbody tr')
    )
    assert page.select_one("#context-limit option[selected]")["value"] == "8192"
    assert page.select_one("[data-suggested]")["data-suggested"] == "100_to_1k"
    assert page.select("form[action*='/data/measured']") == []  # no draft: nothing to accept into
    chinese = html(upload(client, files.labels_95_5(200), path=PAGE, params={"lang": "zh"}))
    assert chinese.select_one("#suggestions-heading").text == "数据步骤的建议答案"
    assert chinese.select_one("#labels-heading").text == "输出分布"


def test_the_page_shows_a_bad_file_as_a_422_with_its_lines(client):
    response = upload(client, b'{"foo": 1}\n', path=PAGE)
    assert response.status_code == 422
    page = html(response)
    assert page.select_one("#error-summary p").text.startswith(
        "The lines are JSON, but not training"
    )
    assert [td.text for td in page.select("#error-summary td")][:1] == ["1"]
    too_big = html(upload(client, BAD_FILES["compressed"], path=PAGE, params={"lang": "zh"}))
    assert too_big.select_one("#error-summary p").text.startswith("这是压缩文件（gzip）")


def accept(client, token: str, page, button: str, attach: bool):
    form = page.select_one(f"form[action$='/d/{token}/data/measured']")
    data = {"check": form.select_one('input[name="check"]')["value"], "accept": button}
    if attach:
        data["attach"] = "1"
    return client.post(f"/d/{token}/data/measured", data=data)


def test_accepting_all_suggestions_stores_answers_and_the_profile(client, app):
    token = reach_data_step(client)
    report = html(
        upload(client, files.near_duplicates(300, share=0.4), path=PAGE, data={"draft": token})
    )
    response = accept(client, token, report, "all", attach=True)
    assert response.status_code == 303
    assert response.headers["location"].endswith(f"/d/{token}/data#measured")
    draft = stored(app, token)
    assert {
        k: draft.answers[k]
        for k in ("example_count", "data_quality", "data_diversity", "edge_cases")
    } == {
        "example_count": "100_to_1k",
        "data_quality": "unsure",
        "data_diversity": "clustered",
        "edge_cases": "unsure",  # never a measured "no": hard cases can't be seen
    }
    assert draft.data_profile["valid"] == 300 and draft.data_profile["file_name"] == "train.jsonl"
    assert abs(draft.data_profile["near_duplicate_share"] - 0.4) <= 0.05
    step = html(client.get(f"/d/{token}/data"))
    assert step.select_one('input[name="data_diversity"][value="clustered"]').has_attr("checked")
    assert "300 examples is attached" in step.select_one(".dataset-check-link").text


def test_accepting_one_suggestion_without_attaching(client, app):
    token = reach_data_step(client)
    report = html(upload(client, files.labels_95_5(200), path=PAGE, data={"draft": token}))
    assert accept(client, token, report, "data_diversity", attach=False).status_code == 303
    draft = stored(app, token)
    assert draft.answers.get("data_diversity") == "clustered"
    assert "example_count" not in draft.answers
    assert draft.data_profile is None


def test_a_client_cant_post_numbers_only_a_check_id_of_its_own_draft(client, app):
    token = reach_data_step(client)
    forged = {"valid": 250_000, "examples": 250_000, "format": "chat"}
    for data in (
        {"profile": json.dumps(forged), "accept": "all", "attach": "1"},  # numbers: ignored
        {"check": "x" * 32, "accept": "all", "attach": "1"},  # an unknown check
    ):
        response = client.post(f"/d/{token}/data/measured", data=data)
        assert response.status_code == 422
        assert "no longer kept" in html(response).select_one("#error-summary p").text
    # Another draft's check can't be attached to this one, even with its id.
    other = reach_data_step(client)
    report = html(upload(client, files.clean_diverse(40), path=PAGE, data={"draft": other}))
    check_id = report.select_one('input[name="check"]')["value"]
    response = client.post(
        f"/d/{token}/data/measured", data={"check": check_id, "accept": "all", "attach": "1"}
    )
    assert response.status_code == 422
    draft = stored(app, token)
    assert draft.data_profile is None and "example_count" not in draft.answers


def test_the_attached_profile_is_kept_through_finishing_and_shown_by_the_api(client, app):
    token = reach_data_step(client)
    report = html(upload(client, files.clean_diverse(150), path=PAGE, data={"draft": token}))
    accept(client, token, report, "all", attach=True)
    assert (
        client.post(
            f"/d/{token}/data",
            data={
                **{
                    k: v
                    for k, v in stored(app, token).answers.items()
                    if k in step_answers("data", REFUND_BOT)
                },
                "synthetic_data": "no",
            },
        ).status_code
        == 303
    )
    assert client.post(f"/d/{token}/finish").status_code == 303
    record = client.get(f"/api/v1/assessments/{token}").json()
    assert record["data_profile"]["valid"] == 150
    assert record["answers"]["data_quality"] == "unsure"


@pytest.mark.parametrize(
    ("lang", "suggested", "fact"),
    [
        (
            "en",
            "Not sure",
            "No problem was found, so the suggestion is “Not sure”, not “Reviewed and correct”: "
            "choose that once a person has reviewed a sample.",
        ),
        (
            "zh",
            "不确定",
            "没有发现问题，所以建议的是“不确定”，而不是“已审核、准确无误”：有人审核过一部分样本后再选后者。",
        ),
    ],
)
def test_a_file_without_problems_is_not_suggested_as_reviewed_and_correct(
    client, lang, suggested, fact
):
    """The report said "Suggested: Reviewed and correct" for a file nobody reviewed (the
    cookbook's toy file, whose line 5 repeats "Eat a banana!" 2,000 times)."""
    page = html(upload(client, files.clean_diverse(40), path=PAGE, params={"lang": lang}))
    quality = page.select_one("#suggestion-data_quality")
    assert quality.select_one("[data-suggested]")["data-suggested"] == "unsure"
    assert quality.select_one("[data-suggested]").text == suggested
    assert [li.text for li in quality.select(".suggestion-facts li")][-1] == fact
    noisy = html(upload(client, files.malformed(), path=PAGE))  # problems found are suggested
    assert (
        noisy.select_one("#suggestion-data_quality [data-suggested]")["data-suggested"] == "noisy"
    )


@pytest.mark.parametrize(
    ("lang", "one", "two"),
    [("en", "(line 2)", "(lines 1, 3)"), ("zh", "(第 2 行)", "(第 1, 3 行)")],
)
def test_lines_over_the_context_limit_are_line_or_lines_by_their_number(client, lang, one, two):
    """The report said "(lines 5)" for the one example over the limit."""
    long = files.chat(" hello" * 2100, "ok", system=None)  # over 2,048 tokens
    short = files.chat("hi", "ok", system=None)

    def shown(records) -> str:
        page = html(
            upload(
                client,
                files.jsonl(records),
                path=PAGE,
                params={"lang": lang},
                data={"context_limit": "2048"},
            )
        )
        [over] = [dt for dt in page.select("dt") if "2,048" in dt.text]
        return over.find_next_sibling("dd").select_one("span").text

    assert shown([short, long, short]) == one
    assert shown([long, short, long]) == two


def test_progress_is_404_for_an_unknown_check(client):
    assert client.get("/datasets/progress/" + "a" * 32).status_code == 404


@pytest.mark.storage
def test_a_check_changes_no_draft_and_keeps_only_its_profile_for_a_day(client, app):
    token = reach_data_step(client)
    before = stored(app, token).answers
    response = upload(client, files.clean_diverse(50), path=PAGE, data={"draft": token})
    upload(client, BAD_FILES["binary"], path=PAGE, data={"draft": token})
    after = stored(app, token)
    assert after.answers == before and after.data_profile is None
    assert count_assessments(app) == 1
    with app.state.db.read() as session:
        [check] = session.scalars(select(DatasetCheck)).all()
    assert check.assessment_id == after.id and check.profile["valid"] == 50
    assert check.expires_at - check.created_at == timedelta(hours=24)
    # The report has its own address: reloading it shows the report, not an empty form.
    assert str(response.url).endswith(f"/d/{token}/data/checks/{check.id}")
    again = html(client.get(response.url))
    assert again.select_one('input[name="check"]')["value"] == check.id
    plain = html(client.get(f"/datasets/checks/{check.id}"))
    assert plain.select_one("#summary-heading") is not None
    assert plain.select("form[action*='/data/measured']") == []  # no token, nothing to accept
    assert client.get("/datasets/checks/" + "y" * 32).status_code == 404
    with app.state.db.write() as session:
        session.get(DatasetCheck, check.id).expires_at = utcnow() - timedelta(seconds=1)
    assert client.get(f"/datasets/checks/{check.id}").status_code == 410


def corpus() -> dict[str, bytes]:
    """Hand-made bad files: each must get a 4xx or a report, never a 5xx."""
    import random

    rng = random.Random(7)
    good = files.clean_diverse(30)
    return {
        **BAD_FILES,
        "random bytes": bytes(rng.randrange(256) for _ in range(50_000)),
        "truncated in a string": good[: len(good) // 2]
        + b'{"messages": [{"role": "user", "content": "unterminated',
        "lone surrogate escape": b'{"prompt": "\\ud800", "completion": "x"}\n',
        "deep nesting": b'{"messages": ' + b"[" * 100_000 + b"]" * 100_000 + b"}\n",
        "huge number": b'{"prompt": "a", "completion": "b", "n": 1' + b"0" * 5000 + b"}\n",
        "null everywhere": b'{"messages": null}\n{"prompt": null, "completion": null}\n',
        "content parts": b'{"messages": [{"role": "user", "content": [{"type": "image_url"}]}, {"role": "assistant", "content": "x"}]}\n',
        "tool calls": b'{"messages": [{"role": "user", "content": "refund"}, {"role": "assistant", "content": null, "tool_calls": [{"id": "1"}]}]}\n',
        "csv quote never closed": b'input,output\n"never closed,' + b"x" * 300_000 + b"\n",
        "csv only header": b"prompt,completion\n",
        "bom then jsonl": b"\xef\xbb\xbf" + good,
        "crlf": good.replace(b"\n", b"\r\n"),
        "only newlines": b"\n" * 100_000,
        "xz magic": b"\xfd7zXZ\x00" + b"\x00" * 10,
        "control characters": b'{"prompt": "\x01\x02\x03", "completion": "\x7f"}\n',
        "pdf": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
        "html": b"<!doctype html><html><body>hi</body></html>\n",
        "mixed formats": b'{"prompt": "a", "completion": "b"}\n{"messages": [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}]}\n',
    }


def test_a_corpus_of_bad_files_never_gets_a_server_error(client, app):
    for name, content in corpus().items():
        for path in (API, PAGE):
            response = upload(client, content, path=path)
            assert response.status_code in (200, 413, 422), (name, path, response.status_code)
            if path == API and response.status_code == 422:
                assert response.json()["detail"][0]["message"], name
    assert count_assessments(app) == 0


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (
            b'--XyZ\r\nContent-Disposition: form-data; name="file"; filename="a"\r\n\r\nabc',
            "multipart/form-data; boundary=XyZ",
        ),
        (b"garbage without boundaries", "multipart/form-data; boundary=XyZ"),
        (
            b"--XyZ\r\n" + b"X-Header: " + b"h" * 10_000 + b"\r\n\r\nx\r\n--XyZ--\r\n",
            "multipart/form-data; boundary=XyZ",
        ),
        (b"", "multipart/form-data"),
        (b"file=abc", "application/x-www-form-urlencoded"),
    ],
)
def test_broken_multipart_bodies_are_a_clear_422(client, body, content_type):
    for path in (API, PAGE):
        response = client.post(path, content=body, headers={"content-type": content_type})
        assert response.status_code == 422, (path, body[:40])


def test_check_ids_progress_ids_and_draft_tokens_are_masked_in_logs():
    from app.web.logs import mask_tokens

    secret = "AbCd" + "x" * 28
    assert mask_tokens(f"/datasets/checks/{secret}") == "/datasets/checks/AbCd…"
    assert mask_tokens(f"/datasets/checks/{secret}/bad_lines.csv") == (
        "/datasets/checks/AbCd…/bad_lines.csv"
    )
    assert mask_tokens(f"/datasets/progress/{secret}") == "/datasets/progress/AbCd…"
    assert mask_tokens(f"/d/{secret}/data/checks/{secret}") == "/d/AbCd…/data/checks/" + secret


def test_findings_download_as_csv_with_line_numbers(client, app):
    token = reach_data_step(client)
    lines = files.malformed().splitlines(keepends=True)
    report = upload(client, b"".join(lines), path=PAGE, data={"draft": token})
    check_id = html(report).select_one('input[name="check"]')["value"]
    links = [a["href"] for a in html(report).select(".downloads a")]
    assert [link.rsplit("/", 1)[1] for link in links] == [
        "bad_lines.csv",
        "duplicates.csv",
        "near_duplicates.csv",
        "templates.csv",
        "label_conflicts.csv",
    ]
    bad = client.get(f"/datasets/checks/{check_id}/bad_lines.csv")
    assert bad.status_code == 200 and bad.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(bad.text.lstrip("\ufeff"))))
    assert rows[0] == ["line", "kind", "code", "problem", "snippet"]
    assert [(int(r[0]), r[2]) for r in rows[1:]] == sorted(files.MALFORMED_LINES.items())
    assert rows[1][3] == "not JSON" and rows[1][4].startswith('{"messages"')
    duplicates = client.get(f"/datasets/checks/{check_id}/duplicates.csv")
    rows = list(csv.reader(io.StringIO(duplicates.text.lstrip("\ufeff"))))
    assert rows == [["group", "line"], ["1", "5"], ["1", "47"], ["2", "6"], ["2", "58"]]
    assert client.get(f"/datasets/checks/{check_id}/secrets.csv").status_code == 404
    assert client.get("/datasets/checks/" + "z" * 32 + "/duplicates.csv").status_code == 404


@pytest.mark.storage
def test_a_profile_with_nul_and_control_characters_is_stored_clean(client, app):
    token = reach_data_step(client)
    data = files.jsonl(
        files.chat(f"question\x00 {n}\x07 with a bell", f"answer {n}\x1b") for n in range(40)
    )
    report = upload(client, data, name="na\x00me.jsonl", path=PAGE, data={"draft": token})
    assert report.status_code == 200
    with app.state.db.read() as session:
        [check] = session.scalars(select(DatasetCheck)).all()
    stored_text = json.dumps(check.profile)
    assert "\\u0000" not in stored_text and "\\u0007" not in stored_text
    assert "\\u001b" not in stored_text


def test_an_eval_file_gets_its_leakage_measured(client, app):
    train = files.clean_diverse(200)
    lines = train.splitlines(keepends=True)
    near = json.loads(lines[20])
    near["messages"][1]["content"] += " please"  # a near copy of training line 21's input
    evaluation = b"".join(lines[:8]) + files.jsonl([near]) + files.clean_diverse(31, seed=77)
    response = client.post(
        API,
        files=[
            ("file", ("train.jsonl", train, "application/octet-stream")),
            ("eval_file", ("eval.jsonl", evaluation, "application/octet-stream")),
        ],
    )
    assert response.status_code == 200, response.text
    leakage = response.json()["leakage"]
    assert (leakage["examples"], leakage["exact"], leakage["near"]) == (40, 8, 1)
    assert leakage["share"] == 0.225
    assert [(f["line"], f["train_line"], f["kind"]) for f in leakage["found"]] == [
        *((n, n, "exact") for n in range(1, 9)),
        (9, 21, "near"),
    ]
    page = upload(client, train, path=PAGE)
    assert html(page).select_one("#leakage-heading") is None  # no eval file, no section
    both = client.post(
        PAGE,
        files=[
            ("file", ("train.jsonl", train, "application/octet-stream")),
            ("eval_file", ("eval.jsonl", evaluation, "application/octet-stream")),
        ],
        follow_redirects=True,
    )
    said = html(both).select_one("[data-leakage-share]")
    assert said["data-leakage-share"] == "0.225"
    # Counts after a label, so one near copy never reads "1 near copies".
    assert said.get_text(" ", strip=True) == (
        "22% of the 40 eval examples repeat a training example's input. Exact copies: 8 (case "
        "and spacing ignored, against every training example). Near copies: 1 (similarity 0.8 or "
        "more)."
    )
    checked = said.find_next("p", class_="muted").get_text(" ", strip=True)
    assert checked.endswith("for 32 eval examples: the first ones that are not exact copies.")
