"""Training: the estimate (POST/GET /api/v1/training-estimate), an assessment's plan
(GET /api/v1/assessments/{id}/plan, its Axolotl and TRL files) and the providers page."""

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from pydantic import BaseModel, Field, ValidationError

from app import assessments
from app.decision import providers
from app.training import api_input, estimator, gpus
from app.web import training_views
from app.web.bodies import CheckedBody, JSONBodyRoute, refuse
from app.web.deps import DatabaseDep, LangDep
from app.web.i18n import N_, translate
from app.web.routes.api import Problems
from app.web.templating import render

# A body is read by the one JSON parser and checked by its model (app/web/bodies.py).
api_router = APIRouter(prefix="/api/v1", tags=["training"], route_class=JSONBodyRoute)
router = APIRouter(include_in_schema=False)

MESSAGES = {
    "unknown_field": N_(
        "Unknown field: the body takes params_b, method, gpu, gpus, seq_len, micro_batch, "
        "grad_accum, tokens and epochs."
    ),
    "required": N_("This field is required."),
    "unknown_gpu": N_("Unknown GPU: GET /api/v1/training-estimate lists the GPU keys."),
    "unknown_method": N_("The method must be lora, qlora or full."),
    "not_finite": N_("This must be a finite number (not NaN or infinity)."),
    "out_of_range": N_("This must be between %(low)s and %(high)s."),
    "not_integer": N_("This must be a whole number between %(low)s and %(high)s."),
    "not_number": N_("This must be a number between %(low)s and %(high)s."),
    "invalid": N_("This value is not accepted here."),
}


def _limit(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:,.0f}" if value == int(value) else f"{value:g}"


def describe(field: str, code: str, values: dict[str, Any], lang: str) -> dict[str, str]:
    text = translate(lang, MESSAGES[code])
    if "%(" in text:
        text = text % {"low": _limit(values["low"]), "high": _limit(values["high"])}
    return {"field": field, "code": code, "message": text}


@dataclass(frozen=True)
class EstimateProblem:
    """One offending field of an estimate's body, worded by MESSAGES with its limits."""

    field: str
    code: str
    low: float | None
    high: float | None

    def to_dict(self, lang: str) -> dict[str, str]:
        return describe(self.field, self.code, {"low": self.low, "high": self.high}, lang)


class TrainingEstimateIn(api_input.TrainingEstimateIn, CheckedBody):
    """One fine-tuning run to estimate."""

    @classmethod
    def check(cls, body: dict[str, Any]) -> "TrainingEstimateIn":
        """api_input's model validates the run (strict types, limits, finite numbers); each of
        its errors becomes a problem in the API's words."""
        try:
            run = api_input.TrainingEstimateIn.model_validate(body)
        except ValidationError as error:
            refuse(
                [
                    EstimateProblem(field, code, values["low"], values["high"])
                    for field, code, values in api_input.problems(error)
                ]
            )
        return cls.model_construct(**dict(run))


class RangeOut(BaseModel):
    low: float
    expected: float
    high: float


class CostOut(BaseModel):
    low: float
    high: float


class SourceOut(BaseModel):
    title: str
    url: str
    role: str


class EstimateOut(BaseModel):
    memory_gb: RangeOut = Field(description="Peak memory of each GPU, GiB")
    hours: RangeOut = Field(description="Wall-clock hours of the whole run")
    fits: bool = Field(description="The expected memory fits in the GPU's memory")
    fits_with_margin: bool = Field(
        description="Even the high end of the memory range fits in the GPU's memory: the rule "
        "the training plan uses for every run it calls fitting"
    )
    cost_usd: CostOut = Field(description="GPU rental for the run, US dollars")
    optimizer_steps: int
    gpu_memory_gb: float
    assumptions: list[str]
    sources: list[SourceOut]


class PriceOut(BaseModel):
    low: float
    high: float


class GPUOut(BaseModel):
    key: str
    name: str
    memory_gb: float
    peak_bf16_tflops: float = Field(description="dense BF16, FP32 accumulate, from the datasheet")
    measured_bf16_matmul_tflops: float | None = Field(
        description="BF16 matrix multiplication as measured in a published benchmark; null for "
        "the A100s the estimate was fitted on, and where none was found"
    )
    effective_bf16_tflops: float = Field(
        description="the throughput the time is scaled by: the measured matmul on the A100's "
        "scale (the datasheet peak where nothing was measured)"
    )
    price_usd_per_hour: PriceOut
    prices_as_of: str
    price_sources: list[str]
    datasheet: str
    calibrated: bool
    note: str


class GPUsOut(BaseModel):
    gpus: list[GPUOut]


def estimate_record(result: estimator.Estimate, lang: str) -> dict[str, Any]:
    return {
        "memory_gb": result.memory_gb.to_dict(1),
        "hours": result.hours.to_dict(2),
        "fits": result.fits,
        "fits_with_margin": result.memory_gb.high <= result.gpu.memory_gb,
        "cost_usd": {
            "low": estimator.cents(result.cost_low),
            "high": estimator.cents(result.cost_high),
        },
        "optimizer_steps": result.optimizer_steps,
        "gpu_memory_gb": result.gpu.memory_gb,
        "assumptions": [said.get(lang) for said in result.assumptions],
        "sources": list(estimator.SOURCES),
    }


@api_router.get("/training-estimate", response_model=GPUsOut)
def list_gpus(lang: LangDep) -> Any:
    """The GPUs the estimate knows, with their memory, BF16 throughput (the datasheet's, the
    measured matmul and the one the time is scaled by) and rental prices
    (US dollars per GPU-hour, RunPod's Community Cloud to its Secure Cloud rate), each GPU dated
    by the older of its two prices, with their sources."""
    return {"gpus": [gpu.to_dict(lang) for gpu in gpus.GPUS.values()]}


@api_router.post(
    "/training-estimate",
    response_model=EstimateOut,
    responses={422: {"model": Problems, "description": "Each offending field, named."}},
)
async def estimate_training(body: TrainingEstimateIn, lang: LangDep) -> Any:
    """Memory per GPU, hours and cost of one fine-tuning run, as ranges, with the assumptions
    behind them. `tokens` are the training tokens of one epoch, packed into sequences of
    `seq_len`; an optimizer step takes seq_len x micro_batch x grad_accum x gpus tokens."""
    return JSONResponse(estimate_record(estimator.estimate(body.workload()), lang))


# --- The plan of an assessment ----------------------------------------------------------------


class PlanOut(BaseModel):
    recommendation: str
    method: dict[str, Any] = Field(description="key, label and reason")
    data_first: bool = Field(description="The verdict is improve_data: fix the data before this")
    tokens: dict[str, Any] = Field(
        description="What the plan is sized from: `source` measured (dataset check) or answers"
    )
    candidates: list[dict[str, Any]] = Field(
        description="Base models, best first, each with memory, hours and cost on each GPU "
        "(`compute`: one row a GPU; `hours` and `cost_usd` are null where the run does not fit, "
        "`fits` false, and its `assumptions` say why; a GRPO row's `generation` is `vllm` or "
        "`transformers`, with `vllm_gpu_memory_utilization`, null for `transformers`)"
    )
    settings: list[dict[str, Any]]
    data: dict[str, Any] = Field(
        description="Train/eval split, eval-set size and what to fix first"
    )
    stop_and_ship: list[str]
    alternatives: list[dict[str, Any]] = Field(
        default_factory=list,
        description="For each GPU the first model does not fit: the next model that fits it "
        "(key, name, qlora, gpus, gpu_names) and its configs, in the same shape as `configs`",
    )
    configs: dict[str, Any] = Field(
        description="axolotl_sft (DPO's first, supervised stage: a YAML to run before axolotl, or null), axolotl (YAML or null), trl (a Python script), rewards (the GRPO reward module beside them, or null) and prefs (the DPO dataset transform beside axolotl for a thinking model, or null)"
    )
    gpus: list[str]
    serving: dict[str, Any] = Field(
        description="Can the model answer within the answers' latency_need: `rows`, one for each "
        "candidate and GPU, with floors at batch 1 in BF16 (ttft_ms, tpot_ms, total_ms; null "
        "where it does not fit), budget_ms and meets (null when no need is checked); `status` "
        "(meets, misses, no_fit, no_tokens, unchecked), `summary`, `fixes`, `tokens`"
    )


def finished_or_404(db, token: str):
    return assessments.get_finished(db, token)


@api_router.get(
    "/assessments/{id}/plan",
    response_model=PlanOut,
    responses={
        404: {
            "description": "No finished assessment has that id, or its verdict recommends no "
            "fine-tuning (plans exist for fine_tune, rag_and_fine_tune and improve_data)."
        }
    },
)
def read_plan(id: str, db: DatabaseDep, lang: LangDep) -> Any:  # noqa: A002 - the API's name
    """The training plan of a fine-tuning verdict: method, base models, settings with sources,
    data split and eval-set size, memory/hours/cost per GPU, stop and ship criteria, and an
    Axolotl YAML and a TRL script to start from."""
    plan = training_views.localized_plan(finished_or_404(db, id), lang)
    if plan is None:
        raise HTTPException(404, "This verdict has no training plan")
    return JSONResponse(plan, headers={"Cache-Control": "no-store"})


CONFIG_TYPES = {".yaml": "application/yaml", ".py": "text/x-python"}


@router.get("/a/{token}/plan/{model}/{filename}")
def download_alternative_plan_file(
    token: str, model: str, filename: str, db: DatabaseDep
) -> Response:
    """A config of the model the plan offers for the GPUs its first model does not fit."""
    plan = training_views.plan_of(finished_or_404(db, token))
    for alternative in (plan or {}).get("alternatives", []):
        if alternative["key"] == model:
            return _plan_file(alternative["configs"], filename)
    raise HTTPException(404)


@router.get("/a/{token}/plan/{filename}")
def download_plan_file(token: str, filename: str, db: DatabaseDep) -> Response:
    plan = training_views.plan_of(finished_or_404(db, token))
    return _plan_file((plan or {}).get("configs", {}), filename)


def _plan_file(configs: dict[str, Any], filename: str) -> Response:
    files = {f["filename"]: f["text"] for f in configs.values() if f}
    if filename not in files:
        raise HTTPException(404)
    return PlainTextResponse(
        files[filename],
        media_type=CONFIG_TYPES[filename[filename.rfind(".") :]],
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "private, no-store",
        },
    )


# --- Where fine-tuning can still be done -------------------------------------------------------


@router.get("/providers", response_class=HTMLResponse)
def show_providers(request: Request, lang: LangDep) -> Response:
    return render(
        request,
        "training/providers.html",
        {
            "rows": training_views.provider_rows(lang),
            "stale_after": providers.STALE_AFTER_DAYS,
            "table_date": providers.TABLE_DATE,
        },
    )
