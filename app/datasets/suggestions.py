"""Suggested answers to the data step, each with the measured facts behind it, in both languages.

The thresholds are ours: rules of thumb to turn measurements into the questionnaire's coarse
options, tested on generated files (tests/datasets/test_datasets_profile.py), not taken from a
study.
The measures they rest on have sources (see SOURCES): near-duplicates as Lee et al. (2022)
define them, distinct-n from Li et al. (2016), compression ratio from Shaib et al. (2024),
and Tukey's fences (1977) for unusually short or long inputs.
"""

from collections.abc import Mapping
from typing import Any

from app.decision.text import Source, Text

QUESTIONS = ("example_count", "data_quality", "data_diversity", "edge_cases")

# Below this many valid examples, diversity and edge cases are not judged ("unsure").
MIN_TO_JUDGE = 30
INVALID_NOISY = 0.10
INVALID_MIXED = 0.01
CONFLICTS_NOISY = 0.10
CONFLICTS_MIXED = 0.02
NEAR_DUPLICATES_CLUSTERED = 0.20
LARGEST_CLUSTER_CLUSTERED = 0.30
MAJORITY_CLUSTERED = 0.80
EDGE_CASES_YES = 0.05
# Reference points shown beside two diversity measures; they do not decide a suggestion,
# because both also move with the vocabulary and the length of the texts.
COMPRESSION_REPETITIVE = 4.0
DISTINCT_2_REPETITIVE = 0.30

SOURCES = {
    "near_duplicates": Source(
        "lee-2022",
        "Lee et al.",
        "Deduplicating Training Data Makes Language Models Better (ACL)",
        2022,
        "https://aclanthology.org/2022.acl-long.577/",
    ),
    "distinct_n": Source(
        "li-2016",
        "Li et al.",
        "A Diversity-Promoting Objective Function for Neural Conversation Models (NAACL)",
        2016,
        "https://aclanthology.org/N16-1014/",
    ),
    "compression_ratio": Source(
        "shaib-2024",
        "Shaib et al.",
        "Standardizing the Measurement of Text Diversity",
        2024,
        "https://arxiv.org/abs/2403.00553",
    ),
    "tukey": Source(
        "tukey-1977",
        "John W. Tukey",
        "Exploratory Data Analysis: fences at 1.5 IQR",
        1977,
        "https://en.wikipedia.org/wiki/Outlier#Tukey's_fences",
    ),
}


def pct(share: float) -> str:
    return f"{round(share * 100)}%"


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def usable(profile: Mapping[str, Any]) -> int:
    """Valid examples left once each group of near-identical ones keeps one."""
    return profile["valid"] - profile.get("near_duplicate_removable", 0)


def suggest_example_count(profile: Mapping[str, Any]) -> str:
    count = usable(profile)
    if count == 0:
        return "none"
    if count < 100:
        return "under_100"
    return "100_to_1k" if count <= 1000 else "over_1k"


def suggest_data_quality(profile: Mapping[str, Any]) -> str:
    invalid = _share(profile["invalid"], profile["examples"])
    conflicts = _share(profile.get("conflicting_outputs", 0), profile["valid"])
    # Duplicates are not wrong examples: they count against the usable number and diversity.
    if invalid >= INVALID_NOISY or conflicts >= CONFLICTS_NOISY:
        return "noisy"
    if invalid >= INVALID_MIXED or conflicts >= CONFLICTS_MIXED:
        return "mixed"
    return "clean"


def suggest_data_diversity(profile: Mapping[str, Any]) -> str:
    if profile["valid"] < MIN_TO_JUDGE:
        return "unsure"
    if (
        profile["near_duplicate_share"] >= NEAR_DUPLICATES_CLUSTERED
        or profile["largest_cluster_share"] >= LARGEST_CLUSTER_CLUSTERED
        or (profile.get("majority_share") or 0) >= MAJORITY_CLUSTERED
    ):
        return "clustered"
    return "diverse"


def suggest_edge_cases(profile: Mapping[str, Any]) -> str:
    if profile["valid"] < MIN_TO_JUDGE:
        return "unsure"
    # Never "no": unusual lengths, scripts and malformed inputs can be counted, hard and
    # adversarial cases can't, so a low share proves nothing about them.
    return "yes" if profile["edge_cases"]["share"] >= EDGE_CASES_YES else "unsure"


SUGGESTERS = {
    "example_count": suggest_example_count,
    "data_quality": suggest_data_quality,
    "data_diversity": suggest_data_diversity,
    "edge_cases": suggest_edge_cases,
}


def suggest(profile: Mapping[str, Any]) -> dict[str, str]:
    return {question: SUGGESTERS[question](profile) for question in QUESTIONS}


# --- The facts behind each suggestion --------------------------------------------------------


def facts(profile: Mapping[str, Any], question: str) -> list[Text]:
    """The measurements a suggestion rests on, one sentence each, both languages."""
    valid, examples = profile["valid"], profile["examples"]
    if question == "example_count":
        removable = profile.get("near_duplicate_removable", 0)
        return [
            Text(
                f"{valid} of {examples} examples are valid.",
                f"{examples} 条样本中 {valid} 条有效。",
            ),
            Text(
                f"{usable(profile)} remain once near-duplicates are removed ({removable} could go).",
                f"去掉近似重复后剩 {usable(profile)} 条（可删 {removable} 条）。",
            ),
            Text(
                "Counted in the file you checked: if it is a sample, your full set is larger.",
                "这是所上传文件中的数量：如果它只是抽样，完整数据会更多。",
            ),
        ]
    if question == "data_quality":
        invalid = _share(profile["invalid"], examples)
        duplicates = _share(profile["exact_duplicates"], valid)
        conflicts = _share(profile.get("conflicting_outputs", 0), valid)
        return [
            Text(
                f"{pct(invalid)} of lines are unusable ({profile['invalid']} of {examples}); "
                f"noisy from {pct(INVALID_NOISY)}, mixed from {pct(INVALID_MIXED)}.",
                f"{pct(invalid)} 的行无法使用（{examples} 行中 {profile['invalid']} 行）；"
                f"达到 {pct(INVALID_NOISY)} 算“噪声多”，达到 {pct(INVALID_MIXED)} 算“参差不齐”。",
            ),
            Text(
                f"{pct(duplicates)} are exact duplicates ({profile['exact_duplicates']}): not "
                "wrong, but they count against the usable number and the diversity, not here.",
                f"{pct(duplicates)} 是完全重复（{profile['exact_duplicates']} 条）：它们不算错误，"
                "但会计入可用数量与多样性，而不在此处计算。",
            ),
            Text(
                f"{pct(conflicts)} repeat an earlier input with a different output; "
                f"noisy from {pct(CONFLICTS_NOISY)}, mixed from {pct(CONFLICTS_MIXED)}.",
                f"{pct(conflicts)} 的输入与前面某条相同但输出不同；"
                f"达到 {pct(CONFLICTS_NOISY)} 算“噪声多”，达到 {pct(CONFLICTS_MIXED)} 算“参差不齐”。",
            ),
            Text(
                "Only format and consistency were checked: whether the outputs are right still "
                "needs a person to review a sample.",
                "这里只检查格式与一致性：输出是否正确，仍需有人抽查。",
            ),
        ]
    if question == "data_diversity":
        result = []
        if valid < MIN_TO_JUDGE:
            result.append(
                Text(
                    f"Only {valid} valid examples: too few to judge diversity "
                    f"(we need {MIN_TO_JUDGE}).",
                    f"只有 {valid} 条有效样本，不足以判断多样性（至少需要 {MIN_TO_JUDGE} 条）。",
                )
            )
        result += [
            Text(
                f"{pct(profile['near_duplicate_share'])} are near-duplicates that could be "
                f"removed; clustered from {pct(NEAR_DUPLICATES_CLUSTERED)}.",
                f"{pct(profile['near_duplicate_share'])} 是可删除的近似重复；"
                f"达到 {pct(NEAR_DUPLICATES_CLUSTERED)} 算“集中”。",
            ),
            Text(
                f"The largest cluster or template covers {pct(profile['largest_cluster_share'])}; "
                f"clustered from {pct(LARGEST_CLUSTER_CLUSTERED)}.",
                f"最大的簇或模板占 {pct(profile['largest_cluster_share'])}；"
                f"达到 {pct(LARGEST_CLUSTER_CLUSTERED)} 算“集中”。",
            ),
        ]
        if profile.get("majority_share") is not None:
            result.append(
                Text(
                    f"The most common label is {pct(profile['majority_share'])} of outputs; "
                    f"clustered from {pct(MAJORITY_CLUSTERED)}.",
                    f"最常见的标签占输出的 {pct(profile['majority_share'])}；"
                    f"达到 {pct(MAJORITY_CLUSTERED)} 算“集中”。",
                )
            )
        return result
    if question == "edge_cases":
        edge = profile["edge_cases"]
        result = []
        if valid < MIN_TO_JUDGE:
            result.append(
                Text(
                    f"Only {valid} valid examples: too few to judge (we need {MIN_TO_JUDGE}).",
                    f"只有 {valid} 条有效样本，不足以判断（至少需要 {MIN_TO_JUDGE} 条）。",
                )
            )
        result += [
            Text(
                f"{pct(edge['share'])} of inputs may be edge cases: {pct(edge['short_share'])} "
                f"unusually short, {pct(edge['long_share'])} unusually long, "
                f"{pct(edge['malformed_share'])} malformed, {pct(edge['other_language_share'])} "
                "in another script.",
                f"{pct(edge['share'])} 的输入可能是边界情况：{pct(edge['short_share'])} 特别短，"
                f"{pct(edge['long_share'])} 特别长，{pct(edge['malformed_share'])} 格式异常，"
                f"{pct(edge['other_language_share'])} 是另一种文字。",
            ),
            Text(
                f"Yes from {pct(EDGE_CASES_YES)}; below that, not sure, never no: hard and "
                "adversarial cases can't be recognised automatically, so check for them yourself.",
                f"达到 {pct(EDGE_CASES_YES)} 为“有”；低于此值为“不确定”，而不是“没有”："
                "难题与对抗样本无法自动识别，请自行确认。",
            ),
        ]
        return result
    raise KeyError(question)


def measured_fact(
    profile: Mapping[str, Any] | None, question: str, answer: object = None
) -> Text | None:
    """One short sentence for a verdict reason: what was measured behind `question`'s answer.

    None when there is no profile, the question is not one the check measures, or `answer` is
    given and differs from what the profile suggests (the team chose otherwise: not measured).
    """
    if not profile or question not in QUESTIONS:
        return None
    suggested = profile.get("suggested_answers", {}).get(question)
    if answer is not None and answer != suggested:
        return None
    valid = profile["valid"]
    head = Text(f"measured on {valid} examples: ", f"基于 {valid} 条样本实测：")
    if question == "example_count":
        n = usable(profile)
        return Text(
            f"{head.en}{n} usable once near-duplicates are removed",
            f"{head.zh}去掉近似重复后可用 {n} 条",
        )
    if question == "data_quality":
        invalid = pct(_share(profile["invalid"], profile["examples"]))
        duplicates = pct(_share(profile["exact_duplicates"], valid))
        return Text(
            f"{head.en}{invalid} of lines unusable, {duplicates} exact duplicates",
            f"{head.zh}{invalid} 的行无法使用，{duplicates} 完全重复",
        )
    if question == "data_diversity":
        near = pct(profile["near_duplicate_share"])
        cluster = pct(profile["largest_cluster_share"])
        return Text(
            f"{head.en}{near} are near-duplicates, the largest cluster is {cluster}",
            f"{head.zh}{near} 为近似重复，最大簇占 {cluster}",
        )
    share = pct(profile["edge_cases"]["share"])
    return Text(
        f"{head.en}{share} look like edge cases (unusually short or long, malformed, "
        "or in another language)",
        f"{head.zh}{share} 像边界情况（特别短或长、格式异常或其他语言）",
    )


# What a measurement establishes, for the engine (Evidence.measured_answers): only the answers
# the check can see. Edge cases are left out: short, long, malformed or other-language inputs
# can be counted, hard or adversarial cases can't, so a team's "yes" there stays theirs to prove.
MEASURED = ("example_count", "data_quality", "data_diversity")


def measured_answers(profile: Mapping[str, Any] | None) -> dict[str, str]:
    """The answers a stored profile measured: example_count, data_quality, data_diversity
    (data_diversity only when enough examples were read to judge it)."""
    if not profile or not profile.get("valid"):
        return {}
    suggested = suggest(profile)
    return {q: suggested[q] for q in MEASURED if suggested.get(q) not in (None, "unsure")}


def is_preference(profile: Mapping[str, Any] | None) -> bool:
    """Whether an attached dataset holds preference pairs (chosen and rejected answers)."""
    return (
        bool(profile)
        and profile.get("format") == "preference"
        and bool((profile.get("pairs") or {}).get("count"))
    )
