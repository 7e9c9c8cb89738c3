import re
import subprocess
import sys

import numpy as np
import pytest
import torch

from synthloom.errors import ConfigError
from synthloom.training import settings
from synthloom.training.settings import flush_denormals, sampling_autocast, update_weight_average

SUBNORMAL = 1e-39  # below float32's smallest normal number, 1.18e-38


def test_weight_average_follows_closely_early_and_slowly_later():
    average, live = [torch.zeros(3)], [torch.ones(3)]
    update_weight_average(average, live, decay=0.99, step=1)  # warm-up caps the past at 2/11
    torch.testing.assert_close(average[0], torch.full((3,), 9 / 11))
    average = [torch.zeros(3)]
    update_weight_average(average, live, decay=0.99, step=10_000)
    torch.testing.assert_close(average[0], torch.full((3,), 0.01))


def test_flush_denormals_zeroes_subnormals_inside_nested_blocks_and_restores_after():
    if not torch.set_flush_denormal(False):
        pytest.skip("this CPU cannot flush subnormal floats")
    value = torch.tensor([SUBNORMAL])
    assert (value * 1.0).item() != 0.0
    with flush_denormals():
        with flush_denormals():
            assert (value * 1.0).item() == 0.0
        assert (value * 1.0).item() == 0.0  # the inner block leaves the outer one flushing
    assert (value * 1.0).item() != 0.0


# in a fresh process: blocks of a few MB allocated and freed together (as a draw's chunks are)
_REUSE_SCRIPT = """
import resource, sys
import numpy as np
from synthloom.training.settings import keep_freed_memory
if sys.argv[1] == "keep" and not keep_freed_memory():
    print("unsupported")
    raise SystemExit
for round_ in range(11):
    if round_ == 1:  # the first round maps the memory either way
        before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    blocks = [np.ones(5 * 2**20 // 8) for _ in range(10)]
    del blocks
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


def _faults_reusing_blocks(mode: str) -> str:
    run = subprocess.run(
        [sys.executable, "-c", _REUSE_SCRIPT, mode], capture_output=True, text=True, check=True
    )
    return run.stdout.strip()


def test_keep_freed_memory_lets_freed_blocks_be_reused_without_mapping_them_again():
    kept = _faults_reusing_blocks("keep")
    if kept == "unsupported":
        pytest.skip("not glibc: its allocator is left as it is")
    # 50 MB a round over 10 rounds is 128,000 pages; glibc's own thresholds hand most back every round
    default = _faults_reusing_blocks("default")
    assert int(kept) < 2_000 < int(default)


# in a fresh process: torch's first parallel work is an exp (as a fit's first big one may be)
_FIRST_EXP_SCRIPT = """
import sys
import numpy as np
import torch
if sys.argv[1] == "synthloom":
    import synthloom.training.settings
if torch.get_num_threads() < 2:
    print("one thread")
    raise SystemExit
x = torch.from_numpy(np.linspace(-1, 1, 64_000, dtype=np.float32))
on_two_threads = torch.exp(x)
torch.set_num_threads(1)
print(torch.equal(on_two_threads, torch.exp(x)))
"""


def _first_exps_agree(imports: str, processes: int) -> list[str]:
    runs = [
        subprocess.run([sys.executable, "-c", _FIRST_EXP_SCRIPT, imports], capture_output=True, text=True)
        for _ in range(processes)
    ]
    return [run.stdout.strip() or run.stderr for run in runs]


def test_vector_math_gives_every_process_the_same_results_once_synthloom_is_imported():
    if _first_exps_agree("synthloom", processes=1) == ["one thread"]:
        pytest.skip("one thread: torch's work is never split")
    # without the set-up about a third of fresh processes computed one thread's half a last bit apart
    # (10 of 30), so ten processes agreeing by chance is a 3% event
    assert _first_exps_agree("synthloom", processes=10) == ["True"] * 10


@pytest.mark.parametrize("fast_bf16", [True, False])
def test_sampling_uses_bf16_products_only_with_fast_bf16_and_precision_auto(fast_bf16, monkeypatch):
    monkeypatch.setattr(settings, "cpu_has_fast_bf16", lambda: fast_bf16)
    a, b = torch.randn(4, 3), torch.randn(3, 2)
    cpu = torch.device("cpu")
    with sampling_autocast(cpu, "auto"):
        assert (a @ b).dtype == (torch.bfloat16 if fast_bf16 else torch.float32)
    with sampling_autocast(cpu, "float32"):
        assert (a @ b).dtype == torch.float32
    assert (a @ b).dtype == torch.float32  # nothing left switched on after the block


@pytest.mark.parametrize(
    ("capabilities", "fast"),
    [
        ({"amx_bf16": True, "avx512_bf16": False}, True),
        ({"amx_bf16": False, "avx512_bf16": True}, True),  # AMD EPYC (Zen 4) and Intel Cooper Lake
        ({"amx_bf16": False, "avx512_bf16": False}, False),
        ({}, False),  # a torch build or architecture that reports neither
    ],
)
def test_fast_bf16_means_amx_or_avx512_bf16(capabilities, fast, monkeypatch):
    monkeypatch.setattr(torch.cpu, "get_capabilities", lambda: capabilities)
    assert settings.cpu_has_fast_bf16.__wrapped__() is fast


@pytest.mark.parametrize("value", [0, -1, 2.0, True, "3", None, np.int64(3)])
def test_check_whole_refuses_what_is_not_a_plain_whole_number_in_range(value):
    message = f"width must be a whole number >= 1, not {value!r}"
    with pytest.raises(ConfigError, match=re.escape(message)):
        settings.check_whole("width", value)
    settings.check_whole("width", 1)
    settings.check_whole("depth", 0, least=0)


def test_check_number_names_the_setting_and_the_range_it_missed():
    settings.check_number("dropout", 0.0, 0, 1, high_open=True)
    for value in (1.0, "0.5", True, float("nan")):
        message = f"dropout must be a number in [0, 1), not {value!r}"
        with pytest.raises(ConfigError, match=re.escape(message)):
            settings.check_number("dropout", value, 0, 1, high_open=True)
    with pytest.raises(ConfigError, match="learning_rate must be a number > 0, not 0"):
        settings.check_number("learning_rate", 0, low_open=True)


def test_evaluating_puts_every_previous_mode_back_even_when_the_block_fails():
    frozen = torch.nn.BatchNorm1d(2).eval()  # a part already in eval mode stays so
    network = torch.nn.Sequential(torch.nn.Linear(2, 2), frozen, torch.nn.Dropout(0.5))
    with pytest.raises(RuntimeError), settings.evaluating([network]):
        assert not any(part.training for part in network.modules())
        raise RuntimeError("a draw that fails")
    assert [part.training for part in network.modules()] == [True, True, False, True]
