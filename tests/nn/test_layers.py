import torch

from synthloom.nn.layers import MaskDropout


def test_mask_dropout_zeroes_about_p_keeps_the_mean_and_is_off_in_eval():
    torch.manual_seed(0)
    dropout, x = MaskDropout(0.5), torch.ones(200, 500)
    out = dropout(x)
    assert abs((out == 0).float().mean().item() - 0.5) < 0.01
    assert abs(out.mean().item() - 1.0) < 0.02
    assert torch.equal(dropout.eval()(x), x)
