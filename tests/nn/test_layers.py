import math

import torch

from synthloom.nn.layers import MaskDropout, gaussian_kl, reparameterise


def test_mask_dropout_zeroes_about_p_keeps_the_mean_and_is_off_in_eval():
    torch.manual_seed(0)
    dropout, x = MaskDropout(0.5), torch.ones(200, 500)
    out = dropout(x)
    assert abs((out == 0).float().mean().item() - 0.5) < 0.01
    assert abs(out.mean().item() - 1.0) < 0.02
    assert torch.equal(dropout.eval()(x), x)


def test_gaussian_kl_matches_torch_distributions_and_the_draw_has_the_asked_spread():
    mean, log_var = torch.tensor([[0.0, 1.5], [-2.0, 0.3]]), torch.tensor([[0.0, -1.0], [0.7, 2.0]])
    expected = torch.distributions.kl_divergence(
        torch.distributions.Normal(mean, (0.5 * log_var).exp()), torch.distributions.Normal(0.0, 1.0)
    )
    torch.testing.assert_close(gaussian_kl(mean, log_var), expected)
    assert gaussian_kl(mean, log_var)[0, 0] == 0.0  # N(0, 1) itself
    torch.manual_seed(0)
    draws = reparameterise(torch.full((20_000,), 3.0), torch.full((20_000,), math.log(4.0)))
    assert abs(draws.mean().item() - 3.0) < 0.05 and abs(draws.std().item() - 2.0) < 0.05
