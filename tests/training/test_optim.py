import subprocess
import sys

import pytest
import torch

from synthloom.training.optim import FlatAdam


def _network(seed: int) -> torch.nn.Module:
    torch.manual_seed(seed)
    return torch.nn.Sequential(torch.nn.Linear(5, 8), torch.nn.ReLU(), torch.nn.Linear(8, 2))


def _train(network: torch.nn.Module, optimiser, zero_grad) -> torch.Tensor:
    generator = torch.Generator().manual_seed(1)
    for _ in range(25):
        x = torch.randn(16, 5, generator=generator)
        zero_grad()
        ((network(x) - 1) ** 2).mean().backward()
        optimiser.step()
    return torch.cat([p.detach().reshape(-1) for p in network.parameters()])


@pytest.mark.parametrize(("reference", "decoupled"), [(torch.optim.Adam, False), (torch.optim.AdamW, True)])
def test_same_updates_as_torch(reference, decoupled) -> None:
    settings = {"lr": 0.05, "betas": (0.5, 0.9), "weight_decay": 0.1}
    ours = _network(0)
    flat = FlatAdam(ours.parameters(), decoupled_weight_decay=decoupled, **settings)
    theirs = _network(0)
    torch_optimiser = reference(theirs.parameters(), **settings)
    ours_after = _train(ours, flat, flat.zero_grad)
    theirs_after = _train(theirs, torch_optimiser, torch_optimiser.zero_grad)
    torch.testing.assert_close(ours_after, theirs_after, rtol=1e-5, atol=1e-6)
    assert not torch.allclose(ours_after, torch.cat([p.reshape(-1) for p in _network(0).parameters()]))


def test_learning_rate_may_change_between_steps() -> None:
    network = _network(0)
    optimiser = FlatAdam(network.parameters(), lr=0.1)
    before = optimiser.weights.clone()
    optimiser.lr = 0.0
    network(torch.ones(1, 5)).sum().backward()
    optimiser.step()
    torch.testing.assert_close(optimiser.weights, before)


def test_step_hook_sees_the_gradients_before_the_update_and_can_be_removed() -> None:
    network = _network(0)
    optimiser = FlatAdam(network.parameters(), lr=0.1)
    seen = []
    remove = optimiser.add_step_hook(lambda opt: seen.append(opt.grad.abs().sum().item()))
    network(torch.ones(1, 5)).sum().backward()
    optimiser.step()
    remove()
    optimiser.step()
    assert len(seen) == 1 and seen[0] > 0


def test_a_fit_does_not_import_the_torch_compiler() -> None:
    """torch.optim imports torch._dynamo on first use: about a second of every fresh ``synthloom fit``."""
    script = (
        "import sys, synthloom as sl;"
        "real = sl.datasets.load('default').iloc[:200];"
        "sl.get_model('tvae', epochs=1, batch_size=50, random_state=0).fit(real).sample(10);"
        "print('torch._dynamo' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
