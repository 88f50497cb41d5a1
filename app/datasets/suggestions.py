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
# Outputs up to this long (stripped) are label-like: only they are compared for conflicts.
MAX_LABEL_CHARS = 60
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
    # Not "clean": that answer is "reviewed and correct", and the check reviews nothing. It can
    # find a file noisy or mixed; finding no problem says nothing about whether outputs are right.
    return "unsure"


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
            Text("{valid} of {examples} examples are valid.", valid=valid, examples=examples),
            Text(
                "{profile} remain once near-duplicates are removed ({removable} could go).",
                profile=usable(profile),
                removable=removable,
            ),
            Text("Counted in the file you checked: if it is a sample, your full set is larger."),
        ]
    if question == "data_quality":
        invalid = _share(profile["invalid"], examples)
        duplicates = _share(profile["exact_duplicates"], valid)
        conflicts = _share(profile.get("conflicting_outputs", 0), valid)
        found_nothing = suggest_data_quality(profile) == "unsure"
        return [
            Text(
                "{invalid} of lines are unusable ({invalid2} of {examples}); noisy from "
                "{invalid_noisy}, mixed from {invalid_mixed}.",
                invalid=pct(invalid),
                invalid2=profile["invalid"],
                examples=examples,
                invalid_noisy=pct(INVALID_NOISY),
                invalid_mixed=pct(INVALID_MIXED),
            ),
            Text(
                "{duplicates} are exact duplicates ({exact_duplicates}): not wrong, but they "
                "count against the usable number and the diversity, not here.",
                duplicates=pct(duplicates),
                exact_duplicates=profile["exact_duplicates"],
            ),
            Text(
                "{conflicts} repeat an earlier input with a different short, label-like output "
                "(up to {max_label_chars} characters; longer outputs are not compared); noisy "
                "from {conflicts_noisy}, mixed from {conflicts_mixed}.",
                conflicts=pct(conflicts),
                max_label_chars=MAX_LABEL_CHARS,
                conflicts_noisy=pct(CONFLICTS_NOISY),
                conflicts_mixed=pct(CONFLICTS_MIXED),
            ),
            Text(
                "Only format and consistency were checked: whether the outputs are right still "
                "needs a person to review a sample."
            ),
            *(
                [
                    Text(
                        "No problem was found, so the suggestion is “Not sure”, not “Reviewed "
                        "and correct”: choose that once a person has reviewed a sample."
                    )
                ]
                if found_nothing
                else []
            ),
        ]
    if question == "data_diversity":
        result = []
        if valid < MIN_TO_JUDGE:
            result.append(
                Text(
                    "Only {valid} valid examples: too few to judge diversity (we need "
                    "{min_to_judge}).",
                    valid=valid,
                    min_to_judge=MIN_TO_JUDGE,
                )
            )
        result += [
            Text(
                "{near_duplicate_share} are near-duplicates that could be removed; clustered "
                "from {near_duplicates_clustered}.",
                near_duplicate_share=pct(profile["near_duplicate_share"]),
                near_duplicates_clustered=pct(NEAR_DUPLICATES_CLUSTERED),
            ),
            Text(
                "The largest cluster or template covers {largest_cluster_share}; clustered from "
                "{largest_cluster_clustered}.",
                largest_cluster_share=pct(profile["largest_cluster_share"]),
                largest_cluster_clustered=pct(LARGEST_CLUSTER_CLUSTERED),
            ),
        ]
        if profile.get("majority_share") is not None:
            result.append(
                Text(
                    "The most common label is {majority_share} of outputs; clustered from "
                    "{majority_clustered}.",
                    majority_share=pct(profile["majority_share"]),
                    majority_clustered=pct(MAJORITY_CLUSTERED),
                )
            )
        return result
    if question == "edge_cases":
        edge = profile["edge_cases"]
        result = []
        if valid < MIN_TO_JUDGE:
            result.append(
                Text(
                    "Only {valid} valid examples: too few to judge (we need {min_to_judge}).",
                    valid=valid,
                    min_to_judge=MIN_TO_JUDGE,
                )
            )
        result += [
            Text(
                "{share} of inputs may be edge cases: {short_share} unusually short, "
                "{long_share} unusually long, {malformed_share} malformed, "
                "{other_language_share} in another script.",
                share=pct(edge["share"]),
                short_share=pct(edge["short_share"]),
                long_share=pct(edge["long_share"]),
                malformed_share=pct(edge["malformed_share"]),
                other_language_share=pct(edge["other_language_share"]),
            ),
            Text(
                "Yes from {edge_cases_yes}; below that, not sure, never no: hard and adversarial "
                "cases can't be recognised automatically, so check for them yourself.",
                edge_cases_yes=pct(EDGE_CASES_YES),
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
    head = Text("measured on {valid} examples: ", valid=valid)
    if question == "example_count":
        n = usable(profile)
        return Text("{head}{n} usable once near-duplicates are removed", head=head, n=n)
    if question == "data_quality":
        invalid = pct(_share(profile["invalid"], profile["examples"]))
        duplicates = pct(_share(profile["exact_duplicates"], valid))
        return Text(
            "{head}{invalid} of lines unusable, {duplicates} exact duplicates",
            head=head,
            invalid=invalid,
            duplicates=duplicates,
        )
    if question == "data_diversity":
        near = pct(profile["near_duplicate_share"])
        cluster = pct(profile["largest_cluster_share"])
        return Text(
            "{head}{near} are near-duplicates, the largest cluster is {cluster}",
            head=head,
            near=near,
            cluster=cluster,
        )
    share = pct(profile["edge_cases"]["share"])
    return Text(
        "{head}{share} look like edge cases (unusually short or long, malformed, or in "
        "another language)",
        head=head,
        share=share,
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
