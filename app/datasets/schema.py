"""The profile's shape, documented in OpenAPI and checked by the tests against every profile the
check makes. No profile ever comes from a browser: attaching sends a stored check's id."""

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.datasets import suggestions

Share = Annotated[float, Field(ge=0, le=1)]
Count = Annotated[int, Field(ge=0)]
Line = Annotated[int, Field(ge=1)]
Short = Annotated[str, Field(max_length=200)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LineProblem(Strict):
    line: Line
    code: Short
    detail: Short = ""
    snippet: Short = ""
    message: str = Field("", max_length=500, description="The problem in the request's language")


class LongerThan(Strict):
    tokens: Annotated[int, Field(ge=1)]
    count: Count


LONGER_THAN = (
    "Examples longer than each length a training plan may cut at: the 95th percentile rounded "
    "up to a multiple of 256 (at least 512) and each power of two from 512, below the longest"
)


class Tokens(Strict):
    min: Count
    median: Count
    p95: Count
    max: Count
    total: Count = Field(0, description="All tokens, with the chat overhead")
    trained: Count = Field(0, description="Tokens of the trained (assistant) turns")
    mean: float = Field(0, ge=0)
    longer_than: list[LongerThan] = Field(
        default_factory=list, max_length=64, description=LONGER_THAN
    )


class PairSequences(Strict):
    p95: Count
    max: Count
    longer_than: list[LongerThan] = Field(
        default_factory=list, max_length=64, description=LONGER_THAN
    )


class LinePair(Strict):
    lines: list[Line] = Field(min_length=2, max_length=2)
    similarity: Share


class Snippet(Strict):
    line: Line
    text: Annotated[str, Field(max_length=400)]


class SampleSize(Strict):
    examples: Count
    of: Count
    sampled: bool


class LeakFound(Strict):
    line: Line
    kind: Literal["exact", "near"]
    similarity: Share
    train_line: Line | None = None


class Leakage(Strict):
    examples: Count = 0
    invalid: Count = 0
    exact: Count = 0
    near: Count = 0
    share: Share = 0
    near_checked: Count = 0
    train_sample: Count = 0
    found: list[LeakFound] = Field(default_factory=list, max_length=200)
    problem: Short | None = None


class Pairs(Strict):
    count: Count
    identical: Count
    rejected_tokens: Count = Field(
        0, description="Tokens of the rejected answers, with their overhead (part of tokens.total)"
    )
    sequences: PairSequences | None = Field(
        None,
        description="The longer of each pair's two sequences (the prompt with the chosen "
        "answer, and with the rejected one), the sequences preference tuning trains on",
    )


class Pair(Strict):
    lines: list[Line] = Field(min_length=2, max_length=2)
    similarity: Share
    texts: list[Annotated[str, Field(max_length=400)]] = Field(min_length=2, max_length=2)


class Bin(Strict):
    low: Count
    high: Count
    count: Count


class Template(Strict):
    words: Short
    count: Count


class DiversitySample(Strict):
    examples: Count
    tokens: Count


class EdgeCases(Strict):
    short_share: Share
    long_share: Share
    malformed_share: Share
    malformed_lines: list[Line] = Field(max_length=5)
    other_language_share: Share
    main_script: Short
    scripts: dict[Short, Count] = Field(max_length=10)
    share: Share
    short_below: Count
    long_above: Count


class DatasetProfile(Strict):
    """What the dataset check measured. Only this is ever stored, never the file."""

    format: Literal[
        "chat", "prompt_completion", "alpaca", "sharegpt", "preference", "text", "fields", "csv"
    ]
    columns: list[Short] | None = Field(
        None, max_length=2, description="The CSV columns (or JSON keys) read as input and output"
    )
    container: Literal["lines", "json_array"] = Field(
        "lines", description="One record a line, or one JSON array of records"
    )
    file_name: Short = ""
    examples: Count = Field(description="Lines read, blank lines not counted")
    valid: Count
    invalid: Count
    errors: list[LineProblem] = Field(max_length=20, description="The first 20 problems")
    error_counts: dict[Short, Count] = Field(max_length=30)
    warnings: list[LineProblem] = Field(
        default_factory=list, max_length=20, description="The first 20 warnings (kept lines)"
    )
    warning_counts: dict[Short, Count] = Field(default_factory=dict, max_length=30)
    missing_system: Count = 0
    exact_duplicates: Count
    duplicate_groups: list[list[Line]] = Field(default_factory=list, max_length=200)
    label_conflicts: list[LinePair] = Field(default_factory=list, max_length=400)
    near_duplicate_groups: list[list[Line]] = Field(default_factory=list, max_length=200)
    near_duplicate_sample: SampleSize | None = None
    largest_template_share: Share = 0
    template_examples: list[Snippet] = Field(default_factory=list, max_length=3)
    template_clusters: list[list[Line]] = Field(default_factory=list, max_length=1)
    labels_other: Count = 0
    label_classes: Count = 0
    pairs: Pairs | None = None
    leakage: Leakage | None = Field(
        None, description="With an eval file: its examples whose input copies a training one's"
    )
    conflicting_outputs: Count = Field(
        description="Examples repeating an earlier input with a different output"
    )
    near_duplicate_share: Share = Field(
        description="Share of valid examples that could be "
        "removed because a near-identical one remains (each group "
        "keeps one; exact duplicates count too)"
    )
    near_duplicate_removable: Count
    near_duplicate_pairs: list[Pair] = Field(max_length=3)
    largest_cluster_share: Share = Field(
        description="The largest group of near-duplicates, or "
        "of inputs sharing their opening or closing words"
    )
    largest_group: Count
    largest_template: Template
    compression_ratio: float | None = Field(None, ge=0, le=1000)
    distinct_1: Share | None = None
    distinct_2: Share | None = None
    diversity_sample: DiversitySample
    tokens: Tokens
    tokenizer: Short
    histogram: list[Bin] = Field(max_length=20)
    context_limit: Annotated[int, Field(ge=1)]
    over_context: Count
    over_context_lines: list[Line] = Field(max_length=20)
    labels: dict[Annotated[str, Field(max_length=200)], Count] | None = Field(None, max_length=50)
    majority_share: Share | None = None
    edge_cases: EdgeCases
    suggested_answers: dict[str, str] = Field(
        description="Suggested answers to the data step: example_count, data_quality, "
        "data_diversity, edge_cases"
    )

    @model_validator(mode="after")
    def consistent(self) -> "DatasetProfile":
        if self.valid + self.invalid != self.examples or self.valid == 0:
            raise ValueError("valid and invalid must add up to examples, with at least one valid")
        # Suggestions follow from the facts: recomputed, so they can't say otherwise.
        self.suggested_answers = suggestions.suggest(self.model_dump())
        return self


class DatasetReport(DatasetProfile):
    """The API's answer: the profile, with the facts behind each suggestion put into words."""

    facts: dict[str, list[str]] = Field(
        description="For each suggested answer, the measured "
        "facts behind it, in the request's language"
    )
    id: str | None = Field(
        None,
        description="The stored profile's id, kept for a day: send it as `dataset_check` to "
        "POST /api/v1/assessments to attach what was measured",
    )
