"""test_convert.py — float32 -> float16 / bfloat16 bits (rc_f32_to_f16, rc_f32_to_bf16) against
the reference ref_ops.py, bit for bit: every upper-16-bit pattern with the tie and near-tie low
bits of both formats, random patterns, and the named boundaries (subnormals, overflow, NaN)."""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ops_case  # noqa: E402
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import tap  # noqa: E402
import ref_ops  # noqa: E402

rng = np.random.default_rng(7)


def as_f32(bits):
    return np.asarray(bits, dtype=np.uint32).view(np.float32)


def check(name, values):
    v = np.asarray(values, dtype=np.float32)
    h, b = ops_case.run_convert(v)
    ok, diag = ops_case.bits_equal(h, ref_ops.f16_bits(v))
    tap.ok(ok, "f16 %s (%d values)" % (name, len(v)), diag)
    ok, diag = ops_case.bits_equal(b, ref_ops.bf16_bits(v))
    tap.ok(ok, "bf16 %s (%d values)" % (name, len(v)), diag)


named = [0.0, -0.0, 1.0, -1.0, 1.0 / 3, 65504.0, 65519.996, 65520.0, 65536.0, -65520.0, 1e9,
         2.0**-14, 2.0**-24, 2.0**-25, 2.0**-25 * (1 + 2.0**-23), 1.5 * 2.0**-24, 2.5 * 2.0**-24,
         2.0**-14 - 2.0**-25, 6.1e-5, 5.96e-8, 3.3895314e38, 3.4028235e38, -3.4028235e38,
         1.17549435e-38, 1e-45, -1e-45, np.inf, -np.inf, np.nan]
check("named boundaries", named)
check("NaN payloads and signs", as_f32([0x7FC00000, 0xFFC00000, 0x7F800001, 0xFF800001, 0x7FBFFFFF,
                                        0x7FFFFFFF, 0xFFFFFFFF, 0x7F802000]))
hi = np.arange(1 << 16, dtype=np.uint32) << 16
for low in (0x0000, 0x0FFF, 0x1000, 0x1001, 0x3000, 0x7FFF, 0x8000, 0x8001, 0xFFFF):
    check("all exponents, low bits 0x%04x" % low, as_f32(hi | low))
check("random bit patterns", as_f32(rng.integers(0, 1 << 32, size=200_000, dtype=np.uint64)))

# the reference itself agrees with numpy's own float16 cast (independent third implementation)
v = as_f32(rng.integers(0, 1 << 32, size=100_000, dtype=np.uint64))
v = v[~np.isnan(v)]
with np.errstate(over="ignore"):
    np_f16 = v.astype(np.float16).view(np.uint16)
ok, diag = ops_case.bits_equal(ref_ops.f16_bits(v), np_f16)
tap.ok(ok, "reference f16 agrees with numpy's float16 cast", diag)
tap.done()
