"""How much GPU memory, how many hours and how many dollars a fine-tuning run takes.

First principles, then calibration (README, "How accurate the training estimate is"):

Memory per GPU (GiB) = weights + trainable state + activations + logits + framework overhead.
- Weights: 2 bytes a parameter in BF16 (LoRA, full); QLoRA stores the transformer blocks in
  4-bit NF4 with double quantization (about 4.13 bits, Dettmers et al. 2023) and keeps the
  embeddings and the output head in 16 bits, as bitsandbytes does.
- Trainable state: 16 bytes per trainable parameter (FP32 weight, gradient and Adam's two
  moments). LoRA trains rank r adapters on every linear layer; full fine-tuning trains all, with
  BF16 weights and gradients and FP32 master weights and moments, sharded across GPUs (ZeRO-3).
- Activations with gradient checkpointing and FlashAttention: each layer's input is kept
  (2 bytes x hidden a token, for every layer) and one layer at a time is recomputed
  (LAYER_WORKING_BYTES x hidden a token, after Korthikanti et al. 2022 without the s^2 term
  that FlashAttention removes). Without gradient checkpointing every layer keeps that working
  set: LAYER_WORKING_BYTES x hidden a token for each layer (tested on LitGPT's held-out Llama 2
  memory figures, which ran without it; never fitted).
- Logits: at long sequences the output layer dominates: vocabulary x tokens, in BF16 and its FP32
  upcast for the loss and the gradient (LOGIT_BYTES a token and vocabulary entry). At the loss's
  peak four tensors of that shape are alive: the BF16 logits (2 bytes), the FP32 log-probabilities
  the cross-entropy keeps (4), their FP32 gradient (4) and its BF16 cast for the head (2): 12 bytes,
  the value the fit chose. Two settings change that count (`Workload`): a loss taken on the
  BF16 logits as they come (`loss_in_fp32=False`) holds the two FP32 tensors in BF16, 4 bytes
  fewer; QLoRA with the unquantised parts in FP32 (`fp32_non_quantized=True`) makes the head's
  output FP32, so the two BF16 tensors take 4 bytes each, 4 bytes more.
- Overhead: the CUDA context and the caching allocator's fragmentation.

Time = matrix FLOPs / (peak x MFU) + attention FLOPs / (peak x ATTENTION_MFU)
       (peak: the GPU's measured BF16 matmul on the A100's scale, gpus.GPU.effective_tflops)
       + QLoRA's dequantisation + fixed costs per layer and micro-batch and per optimizer step.
- Matrix FLOPs a token: the transformer blocks' weights N_blocks take 2 FLOPs a parameter
  forward, 2 again when gradient checkpointing recomputes the forward, 2 for the gradients with
  respect to the inputs, and (full fine-tuning only) 2 for the weight gradients: 6 x N_blocks for
  LoRA/QLoRA, 8 x N_blocks for full. The output head is not checkpointed: 4 x (6 x for full).
  The input embedding is a lookup, no FLOPs (Kaplan et al. 2020 count non-embedding parameters).
  A run without gradient checkpointing (`Workload.gradient_checkpointing=False`) skips the
  recomputed forward: 4 x N_blocks for LoRA/QLoRA, 6 x for full, and 7 in place of 9 below.
- Causal attention with FlashAttention 2, per token and layer: QK^T and PV are 2 x seq x hidden
  FLOPs each, half of it masked away (2 x seq x hidden forward); the recomputed forward doubles
  that, and the backward recomputes the scores and takes 4 more products (5 x seq x hidden):
  9 x layers x seq x hidden a token (7 without gradient checkpointing). Its kernels run at their own utilisation (ATTENTION_MFU).
- QLoRA: bitsandbytes dequantises every NF4 weight to BF16 before each use -- the forward, the
  recomputed forward and the backward -- so three passes over the 4-bit weights a micro-batch,
  whatever its token count, bound by memory bandwidth (DEQUANT_BYTES read and written a
  parameter a pass). Long sequences amortise it, which is why QLoRA's throughput rises with the
  sequence length in LLaMA-Factory's table while LoRA's falls.
- Memory-bound work that is not a matrix multiplication -- norms, SwiGLU, rotary embeddings,
  residual adds and the LoRA adapters' thin products, which read and write the layer's hidden
  state rather than compute on it: ELEMENTWISE_BYTES x hidden bytes a token and layer, at the
  GPU's memory bandwidth. Its share grows as the hidden size shrinks (FLOPs grow as hidden^2).
- Fixed costs: LAYER_OVERHEAD_S for each layer of each micro-batch (kernel launches, the LoRA
  side paths, norms and activations) and STEP_OVERHEAD_S for each optimizer step.

Hybrid models (Qwen3.5: `Architecture.linear`, a `LinearAttention`): only every fourth layer
is causal softmax attention; the others are Gated DeltaNet (GDN) layers, a linear-attention
recurrence with no KV cache. What changes, and only for such a shape:
- Attention FLOPs: the causal-attention term counts the full-attention layers alone, at the
  width of their queries (heads x head_dim, which is not the hidden size in Qwen3.5).
- GDN FLOPs (the layers' projections are already in the parameter count, so only the recurrence
  itself is added): the chunked delta rule (Yang et al. 2024, Gated Delta Networks; the chunk
  size C = 64 of flash-linear-attention's kernels) per value head and token costs, forward,
  6 dk dv (the state read by the keys and by the queries and the state update, three dk x dv
  products) + C (6 dk + 4 dv) (within a chunk: K K^T, Q K^T and the transform of the keys,
  2 C dk each; the transform of the values and the scores times them, 2 C dv each) + C^2 / 3
  (the triangular inverse), plus 2 x kernel x (2 Kd + Vd) for the short causal convolution over
  the query, key and value channels: linear in the sequence length. Training multiplies it by 4
  with gradient checkpointing (forward, recomputed forward, a backward of twice the forward), 3
  without, plus 1 for a reference forward; it runs at ATTENTION_MFU (assumed, not fitted).
- LoRA parameters (`lora_params`): the modules the configs target in each kind of layer, at
  their real shapes: q (hidden -> 2 x heads x head_dim with the output gate), k, v, o in the
  attention layers; in_proj_qkv (hidden -> 2 Kd + Vd), in_proj_z (hidden -> Vd) and out_proj
  (Vd -> hidden) in the GDN layers; gate, up and down in every layer.
- KV cache (`kv_bytes_per_token`): the full-attention layers only. Each GDN layer instead holds a
  fixed state per sequence (`recurrent_state_bytes`): value_heads x dk x dv in FP32 and the
  convolution's last `kernel` inputs in BF16, read and written once a decode step.
Activations, element-wise work and per-layer overheads keep the dense formulas (a GDN layer's
working set modelled like an attention layer's): not calibrated on any hybrid model.

Sliding-window attention (Gemma 3: `Architecture.sliding_window`, `Architecture.sliding_layers`):
five local layers to each global one (transformers' Gemma3TextConfig: a layer is
"sliding_attention" unless its 1-based index is a multiple of sliding_window_pattern = 6), each
attending to the last `sliding_window` tokens only (1,024 in the 4B, 12B and 27B, 512 in the 1B:
transformers' convert_gemma3_weights.py). What changes, and only for such a shape:
- KV cache (`kv_cache_bytes`): the cache generate uses for Gemma 3 (transformers' DynamicCache
  built from the config, a DynamicSlidingWindowLayer for each sliding layer) keeps the last
  window - 1 tokens of a sliding layer between steps and window tokens while a step attends; the
  static cache of older releases (HybridCache, StaticSlidingWindowLayer) allocates
  min(window, max_cache_len). So a sliding layer's cache is min(tokens, window) tokens, a global
  layer's the whole sequence.
- Attention FLOPs in training (`attention_flops_per_token`): transformers passes the window to
  FlashAttention 2 for the sliding layers (window_size = (window - 1, window - 1)), whose kernels
  skip the key blocks left of it; a token attends to min(position, window) keys, on average
  window - window^2 / (2 seq) past the window, so a sliding layer counts 2 window - window^2 / seq
  in place of seq in the causal term (seq itself up to the window).
Everything else keeps the full-sequence count, an overestimate for such a shape: the prefill,
decode and evaluation FLOPs, and the cache a decode step reads (`generation_seconds`, where the
weights' reads dominate).

Attention that is not FlashAttention, and FP32 activations (`Workload.attention_kernel`,
`Workload.fp32_activations`; set only where a cell's source states it, never by the plan):
- "efficient": PyTorch's scaled_dot_product_attention given a 4D additive mask -- transformers
  builds one for SDPA when the attention mask has a zero (padding) -- cannot use FlashAttention
  (sdp_utils.cpp, check_for_attn_mask) and runs its memory-efficient kernel, which reads the
  mask over the whole seq x seq and skips no block: twice the causal count, 18 x layers x seq x
  hidden a token with gradient checkpointing (14 without, 4 more with a reference forward), at
  FlashAttention 2's utilisation (ATTENTION_MFU; the kernel is not faster). The mask itself,
  batch x seq^2 values in the activations' dtype, stays in memory for the backward.
- FP32 activations (a 4-bit model loaded with torch_dtype float32: bitsandbytes' Linear4bit
  multiplies in its BF16 compute dtype and returns its input's dtype, FP32): FlashAttention
  takes FP16/BF16 only; the memory-efficient kernel multiplies FP32 as 3xTF32 on sm80 and later,
  so the attention runs at the GPU's TF32 share of its BF16 peak / 3; a head kept in FP32
  (fp32_non_quantized) multiplies at its FP32 share (TF32 is off for matmuls by default); the
  element-wise work moves 4 bytes a value, not 2. The shares are datasheet ratios
  (FP32_DATASHEET_TFLOPS), applied at the same MFU; nothing here is fitted.

FP32 hidden states (QLoRA behind FP32 norms, `fp32_norms` or `fp32_non_quantized`, or with FP32
activations; memory counts them at 4 bytes a value): the element-wise work moves 4 bytes a value,
not 2, and every bitsandbytes Linear4bit casts its FP32 input to BF16 and its product back to FP32
(LINEAR4BIT_CAST_BYTES a value of each layer's input and output widths: q, k, v, o, gate, up and
down, once for each expert a token passes through), in the forward, the recomputed forward and
the backward, at the GPU's bandwidth. Derived from the code, not fitted. Added on 2026-12-07 after
the held-out QLoRA rows of fms-acceleration (TRL's FP32 norms) came out 10-12 points faster than
the same sources' LoRA rows: with it, each QLoRA row is within a point of its LoRA row.

Generation (the rollouts of reinforcement fine-tuning, `generation_seconds`): Hugging Face's
generate without vLLM decodes one token for every sequence of the batch a step, and each step
reads every weight and the whole KV cache once, whatever the batch size: at 8-32 sequences a
step, memory-bandwidth bound (at the GPU's bandwidth times DECODE_BANDWIDTH_SHARE), not
compute-bound (2 FLOPs a parameter a token at the training MFU, taken if it is the larger). A
step reads 2 bytes a parameter in BF16; a 4-bit QLoRA weight is read as NF4 (4.127 bits) and
dequantised to BF16, written and read back by the product (QLORA_DECODE_BYTES). The KV cache
holds, for every layer, a key and a value of kv_hidden BF16 values for each token of each
sequence; a batch runs until its longest completion ends, the sequences that finished earlier
padded along. The prompt's forward pass (prefill) is counted as forward FLOPs.
Its memory (`generation_memory`): the weights and the trainable state, as in training, with the
KV cache of every sequence of the call at its full length (prompt and longest completion) and
one step's FP32 scores over the vocabulary for each sequence, in place of the activations and
the logits of training; a reinforcement fine-tuning run peaks at the larger of the two.

The constants below were fitted on the cells in app/training/data/calibration.json and are
tested against those and, separately, against app/training/data/heldout.json
(bench/calibrate_training.py reproduces the fit).
"""

from __future__ import annotations

import math
from bisect import bisect_left
from dataclasses import dataclass, field
from typing import Literal

from app.decision.text import Text

from .gpus import GPU, MATMUL_BENCHMARK, REFERENCE_MATMUL_TFLOPS, REFERENCE_PEAK_TFLOPS

Method = Literal["lora", "qlora", "full"]
AttentionKernel = Literal["flash", "efficient"]
ATTENTION_KERNELS: tuple[AttentionKernel, ...] = ("flash", "efficient")
METHODS: tuple[Method, ...] = ("lora", "qlora", "full")
GIB = 2**30

# --- Calibrated constants (bench/calibrate_training.py) -----------------------------------
LAYER_WORKING_BYTES = 34.0  # bytes x hidden a token for the one layer being recomputed
LOGIT_BYTES = 12.0  # bytes per token and vocabulary entry
CUDA_OVERHEAD_GIB = 1.0
FRAGMENTATION = 0.10
MFU = 0.55  # the matrix multiplications' share of the dense BF16 peak
# FlashAttention 2's causal forward + backward, head size 128, on an A100: about 55% of the peak
# (Dao 2023, figure 6); taken from the paper, not fitted.
ATTENTION_MFU = 0.55
# Bytes moved a 4-bit parameter each dequantisation pass: NF4 and its scales read, BF16 written
# and read back by the product (~4.5 at full bandwidth); fitted, i.e. ~45% of the bandwidth.
DEQUANT_BYTES = 10.0
DEQUANT_PASSES = 3  # forward, recomputed forward, backward
ELEMENTWISE_BYTES = 150.0  # bytes x hidden moved a token and layer outside the matrix products
# bitsandbytes' Linear4bit given an FP32 input casts it to its BF16 compute dtype (4 bytes read, 2
# written a value) and its BF16 product back to the input's dtype (2 read, 4 written); the
# backward casts the gradients the same way. Counted from the code, not fitted.
LINEAR4BIT_CAST_BYTES = 6
LAYER_OVERHEAD_S = 0.002  # per layer, per micro-batch
STEP_OVERHEAD_S = 0.05  # per optimizer step (LoRA); full fine-tuning adds its optimizer pass
MULTI_GPU_EFFICIENCY = 0.90  # gradient all-reduce and stragglers, for 2+ GPUs
# Ranges around the expected value: the calibration errors fit inside them, and the held-out
# errors but the known misses heldout.json lists with their reasons.
MEMORY_BAND = (0.85, 1.25)
TIME_BAND = (0.65, 1.45)
TIME_BAND_UNCALIBRATED = (0.50, 2.00)  # GPUs with no published measurements used in the fit

# --- Generation (not fitted) ---------------------------------------------------------------------
# The share of the memory bandwidth Hugging Face generate reaches while decoding, from h2oGPT's
# published benchmark (DECODE_BENCHMARK, transformers backend, one request, Llama 2 7B in 16 bits,
# 6.74B parameters = 13.5 GB read a token): 32.45 tokens/s on an A100 SXM4 80GB is 437 GB/s, 21%
# of its 2,039 GB/s; 40.93 tokens/s on an RTX 4090 is 552 GB/s, 55% of its 1,008 GB/s. The lower
# share on the faster GPU says eager decoding is partly bound by kernel launches, not bandwidth.
# The expected value is their geometric mean; the two measurements bound the range (the low share
# gives the high hours). GRPO decodes 8-32 sequences a step with the LoRA adapter unmerged (two
# more small products per linear layer), neither of which the benchmark measured.
DECODE_BANDWIDTH_SHARE_LOW = 0.21
DECODE_BANDWIDTH_SHARE_HIGH = 0.55
DECODE_BANDWIDTH_SHARE = math.sqrt(DECODE_BANDWIDTH_SHARE_LOW * DECODE_BANDWIDTH_SHARE_HIGH)
DECODE_BENCHMARK = "https://github.com/h2oai/h2ogpt/blob/a65122797d9cda842b57cf73689536571e3d6725/benchmarks/perf.md"
# The share vLLM reaches (GRPO's rollouts in TRL's colocate mode, `use_vllm=True`), from Lambda's
# published vLLM benchmark (VLLM_BENCHMARK: vLLM on one GPU, Mistral-7B-Instruct-v0.3 in BF16,
# 7.25B parameters = 14.50 GB read a step, 10 requests sent at once): a median time per output
# token of 11.36 ms (mean 12.16) on an A100 SXM4 80GB is 1.28 TB/s, 62.6% of its 2,039 GB/s
# (58.5% at the mean); 7.06 ms (mean 7.48) on an H100 SXM is 2.05 TB/s, 61.3% of its 3,350 GB/s
# (57.8%). The reads of those requests' short KV caches are left out, so the shares are, if
# anything, low. The range is the lowest and the highest of the four; no RTX 4090 was measured.
VLLM_DECODE_SHARE_LOW = 0.578
VLLM_DECODE_SHARE_HIGH = 0.626
VLLM_DECODE_SHARE = math.sqrt(VLLM_DECODE_SHARE_LOW * VLLM_DECODE_SHARE_HIGH)
# The A100 file; the H100's is results/prompt_10/1xH100-80GB-SXM/Mistral-7B-Instruct-v0.3_tp1_
# len2048.json at commit a4f9f4371a1ccac781293837fce2bce0cc6d25cc.
VLLM_BENCHMARK = "https://github.com/LambdaLabsML/vllm-benchmark/blob/f093afe94aacfb282ac40fef31c94a0010b37e5e/results/prompt_10/1xA100-80GB-SXM/Mistral-7B-Instruct-v0.3_tp1_len2048.json"
# Bytes a 4-bit parameter costs a decode step: the NF4 value and its scales (4.127 bits), the BF16
# copy bitsandbytes writes (2) and the product reads back (2).
QLORA_DECODE_BYTES = 4.127 / 8 + 2 + 2
KV_BYTES = 2  # a BF16 key or value
# Gated DeltaNet (hybrid models only; module docstring, "Hybrid models"): the chunk size of
# flash-linear-attention's chunked delta rule, and the bytes of a value of the recurrent state
# (FP32: Qwen3.5's config sets mamba_ssm_dtype float32) and of the convolution state (BF16).
GDN_CHUNK = 64
GDN_STATE_BYTES = 4
GDN_CONV_BYTES = 2

# --- Attention that is not FlashAttention, and FP32 activations (not fitted) -----------------------
# Only for a run whose source states it (Workload.attention_kernel, Workload.fp32_activations);
# every default leaves the estimate as above. FP32 throughput from the vendors' datasheets, each
# taken relative to the same datasheet's dense BF16 figure (gpus.GPU.peak_tflops) and applied to
# the GPU's BF16 scale (effective_tflops): (FP32 on the CUDA cores, TF32 on the tensor cores,
# dense). A100 (https://www.nvidia.com/en-us/data-center/a100/): FP32 19.5, TF32 156 (312 with
# sparsity), BF16 312. H100 SXM (https://www.nvidia.com/en-us/data-center/h100/): FP32 67, TF32
# 989 with sparsity (494.5 dense), BF16 989 dense.
FP32_DATASHEET_TFLOPS: dict[str, tuple[float, float]] = {
    "a100-80gb": (19.5, 156.0),
    "a100-40gb": (19.5, 156.0),
    "h100-80gb": (67.0, 494.5),
}
# PyTorch's memory-efficient attention (the cutlass kernel of xformers) multiplies FP32 inputs on
# sm80 and later with cutlass's OpMultiplyAddFastF32 (mem_eff_attention/gemm_kernel_utils.h,
# DefaultGemmType<ArchTag, float>): each FP32 product as three TF32 products (3xTF32).
FAST_FP32_PRODUCTS = 3

DEFAULT_VOCAB = 151_936  # Qwen2.5/Qwen3's; Llama 3 has 128,256, Gemma 3 262,144
DEFAULT_LORA_RANK = 16

SOURCES = (
    {
        "title": "Qwen (QwenLM/Qwen README): Profiling of Memory and Speed, A100-SXM4-80G",
        "url": "https://github.com/QwenLM/Qwen#profiling-of-memory-and-speed",
        "role": "calibration",
    },
    {
        "title": "LLaMA-Factory wiki: Performance comparison (LLaMA2-7B, A100 40GB)",
        "url": "https://github.com/hiyouga/LLaMA-Factory/wiki/Performance-comparison",
        "role": "calibration and held-out",
    },
    {
        "title": "Unsloth benchmarks: Llama 3.1 8B and Llama 3.3 70B maximum context, "
        "Hugging Face + FA2 column",
        "url": "https://unsloth.ai/docs/basics/unsloth-benchmarks",
        "role": "held-out",
    },
    {
        "title": "torchtune README: Memory and training speed (Llama 3.1 8B on one RTX 4090)",
        "url": "https://github.com/pytorch/torchtune#memory-and-training-speed",
        "role": "held-out",
    },
    {
        "title": "universal-llm-trainer GPU test: Llama 3.1 8B, Llama 2 13B, Phi-3-mini on one H100 "
        "and one A100 80GB, 2 x 8,192 tokens",
        "url": "https://github.com/ljm565/universal-llm-trainer/blob/main/docs/gpu_test.md",
        "role": "held-out",
    },
    {
        "title": "NVIDIA NeMo AutoModel Performance Summary, Fine-Tuning (LoRA) on DGX-H100 BF16: "
        "Llama 3.1 8B and Qwen2.5 7B on one H100, 2 x 4,096 tokens, 16 micro-batches a step",
        "url": "https://github.com/NVIDIA-NeMo/Automodel/blob/v0.5.0/docs/performance-summary.md",
        "role": "held-out",
    },
    {
        "title": "IBM fms-acceleration benchmark references (refs/a100_80gb.csv, "
        "a100_80gb_granite.csv): Mistral-7B, Mixtral-8x7B and PowerLM-3b LoRA and QLoRA on one "
        "A100 80GB, 4 and 8 x 4,096 packed tokens, runs without its acceleration plugins",
        "url": "https://github.com/foundation-model-stack/fms-acceleration/blob/"
        "24bdadb228e2d55bc0c69deec034b86a73da6917/scripts/benchmarks/refs/a100_80gb.csv",
        "role": "held-out",
    },
    {
        "title": "LitGPT resource tables: Llama 2 7B and 13B LoRA and QLoRA on one A100 40GB, "
        "peak memory at 1,304 tokens without activation checkpointing, and the runs out of memory",
        "url": "https://github.com/Lightning-AI/litgpt/blob/main/tutorials/resource-tables.md",
        "role": "held-out",
    },
    {
        "title": "zzc0721/torch-performance-test-data: BF16 torch.mm TFLOPS measured per GPU "
        "(database.md, 2026-01-12): the throughput of the GPUs other than the A100, on the "
        "A100's scale",
        "url": MATMUL_BENCHMARK,
        "role": "method",
    },
    {
        "title": "h2oGPT LLM GPU benchmark (benchmarks/perf.md), transformers backend: Llama 2 7B "
        "16-bit generation speed on one A100 SXM4 80GB and one RTX 4090",
        "url": DECODE_BENCHMARK,
        "role": "generation",
    },
    {
        "title": "LambdaLabsML/vllm-benchmark, results/prompt_10: vLLM's time per output token "
        "for Mistral-7B-Instruct-v0.3 in BF16 on one A100 SXM4 80GB and one H100 SXM",
        "url": VLLM_BENCHMARK,
        "role": "generation",
    },
    {
        "title": "Dao, FlashAttention-2: Faster Attention with Better Parallelism (2023)",
        "url": "https://arxiv.org/abs/2307.08691",
        "role": "method",
    },
    {
        "title": "Dettmers et al., QLoRA: Efficient Finetuning of Quantized LLMs (2023)",
        "url": "https://arxiv.org/abs/2305.14314",
        "role": "method",
    },
    {
        "title": "Korthikanti et al., Reducing Activation Recomputation in Large Transformer Models (2022)",
        "url": "https://arxiv.org/abs/2205.05198",
        "role": "method",
    },
    {
        "title": "Kaplan et al., Scaling Laws for Neural Language Models (2020): 6N FLOPs a token",
        "url": "https://arxiv.org/abs/2001.08361",
        "role": "method",
    },
    {
        "title": "Yang, Kautz and Hatamizadeh, Gated Delta Networks: Improving Mamba2 with Delta "
        "Rule (2024): the chunked delta rule of Qwen3.5's linear-attention layers",
        "url": "https://arxiv.org/abs/2412.06464",
        "role": "method",
    },
)


@dataclass(frozen=True, slots=True)
class LinearAttention:
    """The Gated DeltaNet layers of a hybrid model, from its config.json: how many layers, the
    key and value heads (linear_num_key_heads, linear_num_value_heads), their sizes
    (linear_key_head_dim, linear_value_head_dim) and the convolution's kernel
    (linear_conv_kernel_dim)."""

    layers: int
    key_heads: int
    value_heads: int
    key_dim: int
    value_dim: int
    conv_kernel: int

    @property
    def key_width(self) -> int:
        return self.key_heads * self.key_dim

    @property
    def value_width(self) -> int:
        return self.value_heads * self.value_dim

    @property
    def conv_width(self) -> int:
        """Channels of in_proj_qkv and of the convolution: queries, keys and values."""
        return 2 * self.key_width + self.value_width

    def forward_flops_per_token(self) -> float:
        """One layer's chunked delta rule and convolution, forward, a token (module docstring,
        "Hybrid models"): the projections are not in it (they are parameters)."""
        dk, dv, c = self.key_dim, self.value_dim, GDN_CHUNK
        per_head = 6 * dk * dv + c * (6 * dk + 4 * dv) + c * c / 3
        return self.value_heads * per_head + 2 * self.conv_kernel * self.conv_width

    def state_bytes(self) -> float:
        """One layer's state for one sequence: the FP32 recurrent state of every value head
        and the convolution's last `conv_kernel` inputs in BF16."""
        recurrent = self.value_heads * self.key_dim * self.value_dim * GDN_STATE_BYTES
        return recurrent + self.conv_width * self.conv_kernel * GDN_CONV_BYTES


@dataclass(frozen=True, slots=True)
class Architecture:
    params_b: float
    layers: int
    hidden: int
    ffn: int
    vocab: int
    # Parameters outside the transformer blocks: input embedding and output head (untied).
    embedding_params_b: float
    kv_hidden: int = 0  # key/value width with grouped-query attention; 0 = hidden / 4
    # Mixture of experts: the parameters each token passes through (FLOPs follow these).
    active_params_b: float | None = None
    # The full-attention layers' query heads and head size, where heads x head_dim is not the
    # hidden size; 0 = hidden (every model before the hybrids is counted that way).
    attention_heads: int = 0
    head_dim: int = 0
    # Gated attention (Qwen3.5): q_proj also writes a gate as wide as the queries.
    attention_gate: bool = False
    # A hybrid model's linear-attention (Gated DeltaNet) layers; None = every layer attends.
    linear: LinearAttention | None = None
    # Sliding-window attention (Gemma 3): how many of the attention layers attend to the last
    # `sliding_window` tokens only (config.json's layer_types, "sliding_attention"), and that
    # window; None = every attention layer attends to the whole sequence (module docstring,
    # "Sliding-window attention").
    sliding_layers: int = 0
    sliding_window: int | None = None

    @property
    def kv(self) -> int:
        return self.kv_hidden or self.hidden // 4

    @property
    def attention_layers(self) -> int:
        """Layers of causal softmax attention, the only ones with a KV cache."""
        return self.layers - (self.linear.layers if self.linear else 0)

    @property
    def q_width(self) -> int:
        """The width of the queries (and of the attention output o_proj reads)."""
        return self.attention_heads * self.head_dim or self.hidden


# (billions of parameters, hidden size) of common dense models, to guess a shape from a size.
_SHAPES = (
    (0.5, 896),
    (1.5, 1536),
    (3.0, 2048),
    (7.0, 4096),
    (14.0, 5120),
    (32.0, 6144),
    (70.0, 8192),
    (405.0, 16384),
)


def architecture_for(params_b: float, vocab: int = DEFAULT_VOCAB) -> Architecture:
    """A plausible dense decoder of `params_b` billion parameters: hidden size interpolated from
    common models (log scale), depth from a power law fitted to the same models.
    Every dimension grows with the size, so a bigger model never comes out cheaper."""
    sizes = [s for s, _ in _SHAPES]
    if params_b <= sizes[0]:
        hidden = _SHAPES[0][1] * math.sqrt(params_b / sizes[0])
    elif params_b >= sizes[-1]:
        hidden = _SHAPES[-1][1] * math.sqrt(params_b / sizes[-1])
    else:
        i = bisect_left(sizes, params_b)
        (s0, h0), (s1, h1) = _SHAPES[i - 1], _SHAPES[i]
        t = (math.log(params_b) - math.log(s0)) / (math.log(s1) - math.log(s0))
        hidden = math.exp(math.log(h0) + t * (math.log(h1) - math.log(h0)))
    hidden = max(64, int(round(hidden / 64)) * 64)
    embedding_b = min(2 * vocab * hidden / 1e9, params_b * 0.5)
    # 22 x P^0.28 follows common depths (0.5B: 24, 7B: 32, 14B: 40-48, 70B: 80, 405B: 126)
    # and never falls as the size grows.
    layers = max(1, round(22 * params_b**0.28))
    return Architecture(
        params_b=params_b,
        layers=layers,
        hidden=hidden,
        ffn=int(hidden * 3.5),
        vocab=vocab,
        embedding_params_b=embedding_b,
    )


@dataclass(frozen=True, slots=True)
class Workload:
    params_b: float
    method: Method
    gpu: GPU
    gpus: int = 1
    seq_len: int = 2048
    micro_batch: int = 1
    grad_accum: int = 8
    tokens: int = 1_000_000  # training tokens of one epoch
    epochs: float = 1.0
    lora_rank: int = DEFAULT_LORA_RANK
    architecture: Architecture | None = None
    # The loss upcasts the BF16 logits to FP32 before the cross-entropy, as Hugging Face's
    # Trainer, TRL and LLaMA-Factory do; False for a training loop that takes the cross-entropy of
    # the model's BF16 logits as they come (transformers >= 4.45 returns them in BF16 when no
    # labels are passed), which holds the log-probabilities and their gradient in half the bytes.
    loss_in_fp32: bool = True
    # QLoRA only: the parameters that are not quantised -- the embeddings, the output head and the
    # norms -- kept in FP32, as loading the 4-bit model with torch_dtype=float32 or PEFT's
    # prepare_model_for_kbit_training does; False keeps them in BF16, as in the QLoRA cells the
    # memory constants were fitted on (LLaMA-Factory's). In FP32 they take 4 bytes a parameter,
    # the FP32 norms turn the hidden states that flow between layers into FP32 (each layer's
    # checkpointed input: 4 bytes a value, not 2) and the head's logits come out in FP32
    # (LOGIT_BYTES + 4). Memory only: what it costs in time (FP32 attention and element-wise work)
    # is not modelled.
    fp32_non_quantized: bool = False
    # QLoRA only: the norms alone in FP32, the embeddings and the head in BF16 -- what TRL's
    # SFTTrainer left up to v0.26 when it prepared a 4-bit model itself (prepare_model_for_kbit_
    # training upcasts every unquantised parameter, then peft_module_casting_to_bf16 puts the
    # embeddings and head back in BF16 and keeps the norms in FP32). TRL 1.0 and later call
    # neither, so the TRL script the plan generates runs with the default, False.
    # An FP32 norm weight times a BF16 input is FP32, and bitsandbytes returns its product in the
    # input's dtype, so the hidden states between layers are FP32: each layer's checkpointed input
    # takes 4 bytes a value, not 2, and the time pays for FP32 hidden states (fp32_hidden_seconds).
    # Weights and logits as with the default.
    fp32_norms: bool = False
    # Gradient (activation) checkpointing, on in every calibration cell and in the runs the
    # estimator describes; False for a run that keeps every layer's activations (NeMo AutoModel's
    # LoRA benchmark recipes): no recomputed forward in the FLOPs, every layer's working set in
    # the memory (module docstring).
    gradient_checkpointing: bool = True
    # DPO (TRL's DPOTrainer) with a PEFT model: before each micro-batch's training pass, the
    # reference log-probabilities come from a forward pass of the same model with the adapter
    # switched off, under torch.no_grad() and with gradient checkpointing off -- forward FLOPs
    # only: 2 a parameter and 2 x layers x seq x hidden of causal attention a token, on top of
    # the training pass's (module docstring). Its element-wise work and per-layer launches are not
    # added: at 7B and above they are a few percent of the forward.
    reference_forward: bool = False
    # The attention kernel (module docstring, "Attention that is not FlashAttention"): "flash",
    # FlashAttention 2 with its causal block skipping, as everywhere by default; "efficient",
    # PyTorch's memory-efficient SDPA kernel handed a 4D additive mask (transformers builds one
    # for SDPA when the attention mask has a zero, and SDPA will not take FlashAttention with a
    # mask): it computes the whole seq x seq and keeps the mask, batch x seq^2 values.
    attention_kernel: AttentionKernel = "flash"
    # The hidden states, the attention's inputs and the element-wise work in FP32 (a 4-bit model
    # loaded with torch_dtype float32: bitsandbytes returns each product in its input's dtype).
    # FlashAttention takes FP16/BF16 only, so it needs attention_kernel "efficient", whose FP32
    # products run as 3xTF32; with fp32_non_quantized the head multiplies in FP32 too, on the
    # CUDA cores (PyTorch's default leaves TF32 off for matmuls). Only on the GPUs with their
    # FP32 figures in FP32_DATASHEET_TFLOPS.
    fp32_activations: bool = False

    def __post_init__(self) -> None:
        if self.attention_kernel not in ATTENTION_KERNELS:
            raise ValueError(f"attention_kernel must be one of {ATTENTION_KERNELS}")
        if self.fp32_activations and self.attention_kernel == "flash":
            raise ValueError("FlashAttention takes FP16/BF16 inputs only, not FP32 activations")
        if self.fp32_activations and self.gpu.key not in FP32_DATASHEET_TFLOPS:
            raise ValueError(f"no FP32 datasheet figures for {self.gpu.key}")

    @property
    def shape(self) -> Architecture:
        return self.architecture or architecture_for(self.params_b)


@dataclass(frozen=True, slots=True)
class Range:
    low: float
    expected: float
    high: float

    def to_dict(self, digits: int = 2) -> dict[str, float]:
        return {
            "low": round(self.low, digits),
            "expected": round(self.expected, digits),
            "high": round(self.high, digits),
        }


@dataclass(frozen=True, slots=True)
class Estimate:
    memory_gb: Range
    hours: Range
    fits: bool
    cost_low: float
    cost_high: float
    gpu: GPU
    gpus: int
    optimizer_steps: int
    memory_parts: dict[str, float] = field(default_factory=dict)
    assumptions: tuple[Text, ...] = ()


def lora_params(shape: Architecture, rank: int) -> float:
    """Trainable parameters of rank-`rank` adapters on every linear layer of every block:
    q, k, v, o and the gated MLP's gate, up and down projections; an adapter on a layer of
    `n_in` inputs and `n_out` outputs has rank x (n_in + n_out). A hybrid model's (`shape.linear`)
    are counted at the real shapes of the modules the configs target in each kind of layer
    (module docstring, "Hybrid models")."""
    d, kv, f = shape.hidden, shape.kv, shape.ffn
    if shape.linear is None:
        per_layer = 2 * (d + d) + 2 * (d + kv) + 2 * (d + f) + (f + d)
        return rank * per_layer * shape.layers
    mlp = 2 * (d + f) + (f + d)
    q_out = shape.q_width * (2 if shape.attention_gate else 1)
    attention = (d + q_out) + 2 * (d + kv) + (shape.q_width + d)
    lin = shape.linear
    deltanet = (d + lin.conv_width) + (d + lin.value_width) + (lin.value_width + d)
    return rank * (shape.attention_layers * (attention + mlp) + lin.layers * (deltanet + mlp))


def memory_parts(work: Workload) -> dict[str, float]:
    """Each part of the peak memory of one GPU, in GiB, before fragmentation."""
    shape = work.shape
    params = shape.params_b * 1e9
    embedding = shape.embedding_params_b * 1e9
    upcast = work.method == "qlora" and work.fp32_non_quantized
    if work.method == "qlora":
        weights = (params - embedding) * (4.127 / 8) + embedding * (4 if upcast else 2)
    elif work.method == "lora":
        weights = params * 2
    else:
        weights = 0.0
    if work.method == "full":
        # BF16 weights and gradients, FP32 master weights and Adam moments: sharded (ZeRO-3).
        state = params * 16 / work.gpus
    else:
        state = lora_params(shape, work.lora_rank) * 16
    tokens = work.seq_len * work.micro_batch
    # A value of the hidden state kept between layers: FP32 behind FP32 norms.
    hidden_bytes = 4 if fp32_hidden(work) else 2
    if work.gradient_checkpointing:
        per_token = hidden_bytes * shape.layers + LAYER_WORKING_BYTES
    else:
        per_token = LAYER_WORKING_BYTES * shape.layers
    activations = tokens * shape.hidden * per_token
    if work.attention_kernel == "efficient":
        # The additive mask the kernel reads, batch x seq x seq in the activations' dtype, alive
        # from the forward to the last layer's backward (every checkpointed layer's input).
        activations += work.micro_batch * work.seq_len**2 * (4 if work.fp32_activations else 2)
    logits = tokens * shape.vocab * logit_bytes(work)
    return {
        "weights": weights / GIB,
        "trainable_state": state / GIB,
        "activations": activations / GIB,
        "logits": logits / GIB,
        "overhead": CUDA_OVERHEAD_GIB,
    }


def fp32_hidden(work: Workload) -> bool:
    """Whether the hidden states between layers are FP32: behind FP32 norms (an FP32 weight times
    a BF16 input is FP32, and bitsandbytes returns each product in its input's dtype), or with FP32
    activations throughout."""
    upcast = work.method == "qlora" and (work.fp32_non_quantized or work.fp32_norms)
    return upcast or work.fp32_activations


def linear4bit_cast_bytes(work: Workload) -> float:
    """Bytes a token and layer that bitsandbytes' Linear4bit moves casting FP32 hidden states
    (module docstring, "FP32 hidden states"): 0 unless QLoRA runs on FP32 hidden states."""
    if work.method != "qlora" or not fp32_hidden(work):
        return 0.0
    shape = work.shape
    experts = 1
    if shape.active_params_b:
        # A mixture of experts: each token passes through the experts its active parameters
        # hold (Mixtral: 2 of 8), the router aside.
        attention = shape.hidden * (2 * shape.q_width + 2 * shape.kv)
        per_layer = (shape.active_params_b - shape.embedding_params_b) * 1e9 / shape.layers
        experts = max(1, round((per_layer - attention) / (3 * shape.hidden * shape.ffn)))
    # Inputs and outputs of q, k, v and o, then of gate, up and down.
    attention_widths = 4 * shape.hidden + 2 * shape.q_width + 2 * shape.kv
    mlp_widths = 3 * shape.hidden + 3 * shape.ffn
    passes = 3 if work.gradient_checkpointing else 2  # forward, recomputed forward, backward
    return LINEAR4BIT_CAST_BYTES * (attention_widths + experts * mlp_widths) * passes


def logit_bytes(work: Workload) -> float:
    """Bytes a token and vocabulary entry at the loss's peak (module docstring, "Logits")."""
    if work.method == "qlora" and work.fp32_non_quantized:
        return LOGIT_BYTES + 4  # FP32 logits and FP32 gradient into the head
    if not work.loss_in_fp32:
        return LOGIT_BYTES - 4  # BF16 log-probabilities and gradient
    return LOGIT_BYTES


def expected_memory(work: Workload) -> float:
    parts = memory_parts(work)
    return (sum(parts.values()) - CUDA_OVERHEAD_GIB) * (1 + FRAGMENTATION) + CUDA_OVERHEAD_GIB


def generation_memory(work: Workload, sequences: int, tokens: float) -> float:
    """GiB at the end of one generate call over `sequences` sequences of `tokens` each (prompt
    and completion): the weights and trainable state, the KV cache and one decode step's FP32
    scores over the vocabulary for each sequence (module docstring, "Generation")."""
    parts = memory_parts(work)
    shape = work.shape
    cache = sequences * kv_cache_bytes(shape, tokens)
    if shape.linear is not None:
        cache += sequences * recurrent_state_bytes(shape)
    scores = sequences * shape.vocab * 4
    held = parts["weights"] + parts["trainable_state"] + (cache + scores) / GIB
    return held * (1 + FRAGMENTATION) + CUDA_OVERHEAD_GIB


def vllm_memory(work: Workload, sequences: int, tokens: float) -> float:
    """GiB a colocated vLLM engine needs for one generate call over `sequences` sequences of
    `tokens` each (prompt and completion): its own BF16 copy of the weights (it loads the
    checkpoint and takes the merged weights each step), their KV cache and one decode step's FP32
    scores, with the same fragmentation and CUDA overhead as generation_memory. The trained
    model's own weights and state stay beside it, in the training estimate."""
    shape = work.shape
    cache = sequences * kv_cache_bytes(shape, tokens)
    if shape.linear is not None:
        cache += sequences * recurrent_state_bytes(shape)
    scores = sequences * shape.vocab * 4
    held = (shape.params_b * 1e9 * 2 + cache + scores) / GIB
    return held * (1 + FRAGMENTATION) + CUDA_OVERHEAD_GIB


def _head_params(shape: Architecture) -> float:
    """The output head's parameters (half of the untied embedding and head)."""
    return shape.embedding_params_b * 1e9 / 2


def matrix_flops_per_token(work: Workload) -> float:
    """FLOPs of the weight matrix multiplications a training token (module docstring)."""
    shape = work.shape
    head = _head_params(shape)
    blocks = (shape.active_params_b or shape.params_b) * 1e9 - 2 * head
    recompute = 2 if work.gradient_checkpointing else 0
    reference = 2 * (blocks + head) if work.reference_forward else 0.0
    if work.method == "full":
        return (6 + recompute) * blocks + 6 * head + reference
    return (4 + recompute) * blocks + 4 * head + reference


def attention_flops_per_token(work: Workload) -> float:
    """Causal attention with FlashAttention 2 and gradient checkpointing: 9 x layers x seq x d
    (7 x without checkpointing: no recomputed forward; 2 more with a reference forward).
    A hybrid model (`shape.linear`): the full-attention layers alone, at their query width, plus
    its Gated DeltaNet layers' recurrence: 4 x their forward FLOPs (3 x without checkpointing,
    1 more with a reference forward), linear in the sequence (module docstring)."""
    shape = work.shape
    factor = 9 if work.gradient_checkpointing else 7
    if work.reference_forward:
        factor += 2  # the reference model's causal forward
    if work.attention_kernel == "efficient":
        # The whole seq x seq, twice the causal count: the causality and any window are in the
        # additive mask the kernel reads, not in blocks it skips.
        full = 2 * factor * shape.attention_layers * work.seq_len * shape.q_width
        if shape.linear is None:
            return full
        passes = (4 if work.gradient_checkpointing else 3) + (1 if work.reference_forward else 0)
        return full + passes * shape.linear.layers * shape.linear.forward_flops_per_token()
    if shape.linear is None:
        if shape.sliding_window is None:
            return factor * shape.layers * work.seq_len * shape.hidden
        full = shape.layers - shape.sliding_layers
        windowed = _windowed_length(work.seq_len, shape.sliding_window)
        return factor * (full * work.seq_len + shape.sliding_layers * windowed) * shape.hidden
    passes = (4 if work.gradient_checkpointing else 3) + (1 if work.reference_forward else 0)
    softmax = factor * shape.attention_layers * work.seq_len * shape.q_width
    return softmax + passes * shape.linear.layers * shape.linear.forward_flops_per_token()


def _windowed_length(seq: float, window: int) -> float:
    """The sequence length the causal term counts for a sliding-window layer: twice the mean
    number of keys a token attends to, min(position, window): seq up to the window,
    2 window - window^2 / seq past it (module docstring, "Sliding-window attention")."""
    return seq if seq <= window else 2 * window - window * window / seq


def flops_per_token(work: Workload) -> float:
    return matrix_flops_per_token(work) + attention_flops_per_token(work)


def dequantisation_seconds(work: Workload) -> float:
    """QLoRA's NF4 to BF16 dequantisation for one micro-batch: three passes over the quantised
    weights, bound by the GPU's memory bandwidth; none for LoRA and full fine-tuning."""
    if work.method != "qlora":
        return 0.0
    shape = work.shape
    quantised = shape.params_b * 1e9 - shape.embedding_params_b * 1e9
    return DEQUANT_PASSES * quantised * DEQUANT_BYTES / (work.gpu.bandwidth_tbs * 1e12)


def optimizer_steps(work: Workload) -> int:
    step_tokens = work.seq_len * work.micro_batch * work.grad_accum * work.gpus
    return max(1, math.ceil(work.tokens * work.epochs / step_tokens))


def expected_seconds(work: Workload) -> float:
    shape = work.shape
    steps = optimizer_steps(work)
    micro_batches = steps * work.grad_accum  # per GPU
    tokens_per_gpu = micro_batches * work.seq_len * work.micro_batch
    scaling = MULTI_GPU_EFFICIENCY if work.gpus > 1 else 1.0
    peak = work.gpu.effective_tflops * 1e12 * scaling
    if work.fp32_activations:
        compute = tokens_per_gpu * _fp32_compute_seconds_per_token(work, peak)
    else:
        compute = tokens_per_gpu * (
            matrix_flops_per_token(work) / (peak * MFU)
            + attention_flops_per_token(work) / (peak * ATTENTION_MFU)
        )
    step_overhead = STEP_OVERHEAD_S
    if work.method == "full":
        # One pass over the FP32 master weights and moments a step, at ~1 TB/s.
        step_overhead += shape.params_b * 1e9 * 16 / work.gpus / 1e12
    compute += (
        tokens_per_gpu
        * shape.layers
        * (
            shape.hidden * ELEMENTWISE_BYTES * (2 if fp32_hidden(work) else 1)  # 4 bytes, not 2
            + linear4bit_cast_bytes(work)
        )
        / (work.gpu.bandwidth_tbs * 1e12 * scaling)
    )
    per_micro_batch = shape.layers * LAYER_OVERHEAD_S + dequantisation_seconds(work)
    return compute + micro_batches * per_micro_batch + steps * step_overhead


def fp32_head_flops_per_token(work: Workload) -> float:
    """The output head's FLOPs a token that run in FP32: with FP32 activations and the head's
    weights kept in FP32 (QLoRA's fp32_non_quantized), forward and input gradient, 4 x the head
    (2 more with a reference forward); 0 otherwise, the head then multiplying in BF16."""
    if not (work.fp32_activations and work.method == "qlora" and work.fp32_non_quantized):
        return 0.0
    return (4 + (2 if work.reference_forward else 0)) * _head_params(work.shape)


def _fp32_compute_seconds_per_token(work: Workload, peak: float) -> float:
    """A token's matrix and attention seconds with FP32 activations (module docstring,
    "Attention that is not FlashAttention"): the quantised layers' products in BF16 at MFU, the
    FP32 head at the GPU's FP32 share of its BF16 peak, the attention at its TF32 share / 3."""
    fp32, tf32 = FP32_DATASHEET_TFLOPS[work.gpu.key]
    head = fp32_head_flops_per_token(work)
    fp32_peak = peak * fp32 / work.gpu.peak_tflops
    attention_peak = peak * tf32 / work.gpu.peak_tflops / FAST_FP32_PRODUCTS
    return (
        (matrix_flops_per_token(work) - head) / (peak * MFU)
        + head / (fp32_peak * MFU)
        + attention_flops_per_token(work) / (attention_peak * ATTENTION_MFU)
    )


def decode_weight_bytes(work: Workload) -> float:
    """Bytes of weights one decode step reads: every parameter, in BF16 or as 4-bit NF4 plus its
    dequantisation (QLoRA; the embeddings and the head stay BF16). The input embedding is counted
    too, though a lookup reads only the batch's rows: at most a few percent."""
    shape = work.shape
    params = shape.params_b * 1e9
    if work.method == "qlora":
        embedding = shape.embedding_params_b * 1e9
        return (params - embedding) * QLORA_DECODE_BYTES + embedding * 2
    return params * 2


def kv_bytes_per_token(shape: Architecture) -> float:
    """The KV cache of one token: a key and a value of kv_hidden values in every layer (in a
    hybrid model, every full-attention layer: its linear-attention layers keep no cache). A
    sliding-window layer keeps no more than its window: `kv_cache_bytes` for a sequence."""
    return 2 * shape.attention_layers * shape.kv * KV_BYTES


def kv_cache_bytes(shape: Architecture, tokens: float) -> float:
    """The KV cache of one sequence of `tokens` tokens: `kv_bytes_per_token` for each of its
    tokens, but in a sliding-window layer (Gemma 3) at most its window, min(tokens, window)
    tokens (module docstring, "Sliding-window attention")."""
    if shape.sliding_window is None:
        return tokens * kv_bytes_per_token(shape)
    per_layer = 2 * shape.kv * KV_BYTES  # a key and a value of one token in one layer
    full = shape.attention_layers - shape.sliding_layers
    windowed = min(tokens, shape.sliding_window)
    return per_layer * (full * tokens + shape.sliding_layers * windowed)


def recurrent_state_bytes(shape: Architecture) -> float:
    """A hybrid model's fixed state for one sequence, whatever its length: every Gated DeltaNet
    layer's recurrent and convolution state (`LinearAttention.state_bytes`); 0 for the others."""
    if shape.linear is None:
        return 0.0
    return shape.linear.layers * shape.linear.state_bytes()


def forward_flops_per_token(work: Workload, context: float) -> float:
    """One forward pass without gradients: 2 FLOPs a parameter a token (matrix products) and
    2 x layers x context x hidden of causal attention. A hybrid model: the full-attention layers
    at their query width, and each Gated DeltaNet layer's forward recurrence, whose cost a token
    does not grow with the context (the same count for a decode step as for a prefill token)."""
    shape = work.shape
    if shape.linear is None:
        return 2 * (shape.active_params_b or shape.params_b) * 1e9 + 2 * shape.layers * context * (
            shape.hidden
        )
    return (
        2 * (shape.active_params_b or shape.params_b) * 1e9
        + 2 * shape.attention_layers * context * shape.q_width
        + shape.linear.layers * shape.linear.forward_flops_per_token()
    )


def forward_seconds(work: Workload, sequences: float, tokens: float) -> float:
    """The matrix and attention FLOPs of a forward pass without gradients over `sequences` of
    `tokens` each (a prefill, or an evaluation's loss), at the training MFU."""
    peak = work.gpu.effective_tflops * 1e12
    flops = sequences * tokens * forward_flops_per_token(work, tokens / 2)
    return flops / (peak * MFU)


def _generate_call_seconds(
    work: Workload, batch: int, prompt_tokens: float, new_tokens: int, share: float
) -> float:
    """One generate call: prefill `batch` prompts, then `new_tokens` decode steps for all of them."""
    shape = work.shape
    peak = work.gpu.effective_tflops * 1e12
    bandwidth = work.gpu.bandwidth_tbs * 1e12 * share
    # The prefill reads the weights once too (QLoRA: one dequantisation), whichever is longer.
    prefill = max(
        forward_seconds(work, batch, prompt_tokens), decode_weight_bytes(work) / bandwidth
    )
    # Step t (0-based) reads the cache of prompt + t tokens for each of the batch's sequences.
    cached_tokens = batch * (new_tokens * prompt_tokens + new_tokens * (new_tokens - 1) / 2)
    read = new_tokens * decode_weight_bytes(work) + cached_tokens * kv_bytes_per_token(shape)
    if shape.linear is not None:
        # A hybrid model's fixed state, read and written back each step for every sequence.
        read += new_tokens * batch * 2 * recurrent_state_bytes(shape)
    compute = new_tokens * batch * forward_flops_per_token(work, prompt_tokens + new_tokens / 2)
    return prefill + max(read / bandwidth, compute / (peak * MFU))


def generation_seconds(
    work: Workload,
    sequences: int,
    batch: int,
    prompt_tokens: float,
    new_tokens: int,
    share: float = DECODE_BANDWIDTH_SHARE,
) -> float:
    """Seconds Hugging Face generate (no vLLM) takes to write `sequences` completions, `batch`
    decoded together (the last call takes the rest), each call running `new_tokens` decode steps
    -- its longest completion -- after prompts of `prompt_tokens`; per GPU when `work.gpus` > 1
    (each GPU generates its share). Module docstring, "Generation"."""
    per_gpu = math.ceil(max(0, sequences) / work.gpus)
    batch = max(1, batch)
    if per_gpu == 0 or new_tokens <= 0:
        return 0.0
    full, rest = divmod(per_gpu, batch)
    seconds = full * _generate_call_seconds(work, batch, prompt_tokens, new_tokens, share)
    if rest:
        seconds += _generate_call_seconds(work, rest, prompt_tokens, new_tokens, share)
    return seconds


def cents(dollars: float) -> float:
    """A cost in whole cents, never $0 for a run that costs something: a few minutes on one GPU
    cost a fraction of a cent, and a range that read "$0 to $0.52" would say it is free."""
    return max(0.01, round(dollars, 2)) if dollars > 0 else 0.0


def estimate(work: Workload) -> Estimate:
    memory = expected_memory(work)
    hours = expected_seconds(work) / 3600
    low_t, high_t = TIME_BAND if work.gpu.calibrated else TIME_BAND_UNCALIBRATED
    memory_range = Range(memory * MEMORY_BAND[0], memory, memory * MEMORY_BAND[1])
    hours_range = Range(hours * low_t, hours, hours * high_t)
    return Estimate(
        memory_gb=memory_range,
        hours=hours_range,
        fits=memory <= work.gpu.memory_gb,
        cost_low=hours_range.low * work.gpus * work.gpu.price_low,
        cost_high=hours_range.high * work.gpus * work.gpu.price_high,
        gpu=work.gpu,
        gpus=work.gpus,
        optimizer_steps=optimizer_steps(work),
        memory_parts=memory_parts(work),
        assumptions=assumptions(work),
    )


def assumptions(work: Workload) -> tuple[Text, ...]:
    """What the estimate assumes, each a text shown in the language of the request."""
    shape = work.shape
    shape_params = {"layers": shape.layers, "hidden": shape.hidden, "vocab": shape.vocab}
    said = [
        Text(
            "Model shape: {layers} layers, hidden size {hidden}, vocabulary {vocab:,}.",
            **shape_params,
        )
        if work.architecture
        else Text(
            "Model shape: {layers} layers, hidden size {hidden}, vocabulary {vocab:,} (guessed "
            "from the size).",
            **shape_params,
        ),
        Text(
            "BF16 training with gradient checkpointing and FlashAttention 2; sequences packed to "
            "{seq_len:,} tokens; AdamW.",
            seq_len=work.seq_len,
        ),
        Text(
            "One optimizer step takes seq_len x micro_batch x grad_accum x gpus = {tokens:,} "
            "tokens.",
            tokens=work.seq_len * work.micro_batch * work.grad_accum * work.gpus,
        ),
    ]
    if work.method in ("lora", "qlora") and shape.linear is not None:
        said.append(
            Text(
                "LoRA rank {rank} on q, k, v, o, gate, up and down, and on the linear-attention "
                "layers' in_proj_qkv, in_proj_z and out_proj: {millions:,.1f}M trainable "
                "parameters.",
                rank=work.lora_rank,
                millions=lora_params(shape, work.lora_rank) / 1e6,
            )
        )
    elif work.method in ("lora", "qlora"):
        said.append(
            Text(
                "LoRA rank {rank} on every linear layer (q, k, v, o, gate, up, down): "
                "{millions:,.1f}M trainable parameters.",
                rank=work.lora_rank,
                millions=lora_params(shape, work.lora_rank) / 1e6,
            )
        )
    if work.method == "qlora":
        said.append(Text("Base weights in 4-bit NF4 with double quantization (bitsandbytes)."))
    if work.method == "full":
        said.append(
            Text("Full fine-tuning shards weights, gradients and optimizer state across GPUs.")
        )
    if work.gpus > 1:
        said.append(
            Text(
                "{gpus} GPUs, data parallel, at {efficiency:.0%} efficiency.",
                gpus=work.gpus,
                efficiency=MULTI_GPU_EFFICIENCY,
            )
        )
    said.append(
        Text(
            "Model FLOPs utilisation {mfu:.0%} for the matrix multiplications and {attention:.0%} "
            "for causal attention (9 x layers x seq_len x hidden FLOPs a token), calibrated on "
            "A100 measurements.",
            mfu=MFU,
            attention=ATTENTION_MFU,
        )
    )
    if shape.linear is not None:
        said.append(
            Text(
                "Hybrid model: causal attention in {full} of its {layers} layers (their KV cache "
                "too); the other {linear} are linear attention (Gated DeltaNet), whose cost grows "
                "with the sequence linearly and which keep a fixed state instead of a cache. No "
                "measurement of a hybrid model went into the calibration.",
                full=shape.attention_layers,
                layers=shape.layers,
                linear=shape.linear.layers,
            )
        )
    if work.gpu.matmul_tflops is not None:
        said.append(
            Text(
                "The {gpu} counts as {effective:,.0f} TFLOPS: its measured BF16 matrix "
                "multiplication, {measured:g} TFLOPS, times {peak:g} / {reference:g}, what an "
                "A100's datasheet peak is to its measurement; its own datasheet says {datasheet:g}.",
                gpu=work.gpu.name,
                effective=work.gpu.effective_tflops,
                measured=work.gpu.matmul_tflops,
                reference=REFERENCE_MATMUL_TFLOPS,
                peak=REFERENCE_PEAK_TFLOPS,
                datasheet=work.gpu.peak_tflops,
            )
        )
    if work.method == "qlora":
        said.append(
            Text(
                "QLoRA dequantises the 4-bit weights {passes} times a micro-batch at the GPU's "
                "{bandwidth:g} TB/s.",
                passes=DEQUANT_PASSES,
                bandwidth=work.gpu.bandwidth_tbs,
            )
        )
    if not work.gpu.calibrated:
        said.append(
            Text(
                "No published training measurement on the {gpu} went into the calibration, so its "
                "range is wider.",
                gpu=work.gpu.name,
            )
        )
    said.append(
        Text(
            "Cost: hours x GPUs x ${low:.2f}-${high:.2f} per GPU-hour (prices as of {date}); "
            "storage, data transfer and failed runs excluded.",
            low=work.gpu.price_low,
            high=work.gpu.price_high,
            date=work.gpu.prices_as_of,
        )
    )
    return tuple(said)
