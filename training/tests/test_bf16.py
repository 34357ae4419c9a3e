"""bf16 autocast is chosen per CPU: on where it is native, off where oneDNN would emulate it."""
import pytest

from nqe.bf16 import cpu_has_native_bf16, resolve_bf16

AVX2_EPYC = "flags\t\t: fpu sse sse2 avx avx2 fma bmi2 sha_ni\n"
SAPPHIRE_RAPIDS = "flags\t\t: fpu avx2 avx512f avx512bw avx512_bf16 amx_bf16 amx_tile\n"
COOPER_LAKE = "flags\t\t: fpu avx2 avx512f avx512_bf16\n"


def test_native_bf16_is_read_from_cpu_flags():
    assert not cpu_has_native_bf16(AVX2_EPYC)
    assert cpu_has_native_bf16(SAPPHIRE_RAPIDS)
    assert cpu_has_native_bf16(COOPER_LAKE)
    # avx512bw alone, or a flag that merely contains the name, is not bf16
    assert not cpu_has_native_bf16("flags : avx512f avx512bw xavx512_bf16x\n")


def test_forced_settings_ignore_the_cpu():
    assert resolve_bf16(True) and resolve_bf16("on")
    assert not resolve_bf16(False) and not resolve_bf16("off")
    assert resolve_bf16("auto") == cpu_has_native_bf16()


def test_unknown_setting_is_an_error():
    with pytest.raises(ValueError, match="auto, on or off"):
        resolve_bf16("yes")
