import torch

from synthloom.training.settings import update_weight_average


def test_weight_average_follows_closely_early_and_slowly_later():
    average, live = [torch.zeros(3)], [torch.ones(3)]
    update_weight_average(average, live, decay=0.99, step=1)  # warm-up caps the past at 2/11
    torch.testing.assert_close(average[0], torch.full((3,), 9 / 11))
    average = [torch.zeros(3)]
    update_weight_average(average, live, decay=0.99, step=10_000)
    torch.testing.assert_close(average[0], torch.full((3,), 0.01))
