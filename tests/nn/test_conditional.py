import pytest
import torch

from synthloom.data.encoders import Span
from synthloom.errors import ConfigError
from synthloom.nn.conditional import ConditionalSampler

SPANS = [
    Span("x", 0, 1, "tanh", "value"),
    Span("c", 1, 3, "softmax", "category"),
    Span("d", 4, 2, "softmax", "category"),
]


def make_matrix(n: int = 1_000) -> torch.Tensor:
    gen = torch.Generator().manual_seed(0)
    c = torch.multinomial(torch.tensor([0.9, 0.09, 0.01]), n, replacement=True, generator=gen)
    d = torch.randint(2, (n,), generator=gen)
    matrix = torch.zeros(n, 6)
    matrix[:, 0] = torch.rand(n, generator=gen)
    matrix[torch.arange(n), 1 + c] = 1
    matrix[torch.arange(n), 4 + d] = 1
    return matrix


def test_training_rows_match_their_conditional_vector_and_rare_levels_are_boosted():
    torch.manual_seed(0)
    matrix = make_matrix()
    sampler = ConditionalSampler.from_matrix(matrix, SPANS)
    cond, rows = sampler.training_batch(5_000)
    assert cond.shape == (5_000, 5) and torch.equal(cond.sum(1), torch.ones(5_000))
    data_onehots = matrix[rows][:, [1, 2, 3, 4, 5]]
    assert torch.all((cond * data_onehots).sum(1) == 1), "every real row must have the asked category"
    rare_share = cond[:, 2].sum() / cond[:, :3].sum()
    assert rare_share > 0.15, "log-frequency sampling should boost the 1% category well above 1%"


def test_sampling_vectors_follow_real_frequencies_and_fixed_vectors_are_exact():
    torch.manual_seed(0)
    sampler = ConditionalSampler.from_matrix(make_matrix(), SPANS)
    cond = sampler.sampling_vectors(20_000)
    first = cond[:, :3].sum(0) / cond[:, :3].sum()
    assert abs(first[0].item() - 0.9) < 0.03
    fixed = sampler.fixed_vectors(SPANS[2], torch.tensor([1, 1, 0]))
    assert fixed.tolist() == [[0, 0, 0, 0, 1], [0, 0, 0, 0, 1], [0, 0, 0, 1, 0]]


def test_sampler_rebuilt_from_counts_draws_the_same():
    matrix = make_matrix()
    trained = ConditionalSampler.from_matrix(matrix, SPANS)
    loaded = ConditionalSampler(trained.counts, SPANS, torch.device("cpu"))
    torch.manual_seed(3)
    a = trained.sampling_vectors(100)
    torch.manual_seed(3)
    assert torch.equal(a, loaded.sampling_vectors(100))


def test_a_target_column_is_named_by_every_own_and_sampling_vector():
    torch.manual_seed(0)
    matrix = make_matrix()
    sampler = ConditionalSampler.from_matrix(matrix, SPANS, target="c")
    own = sampler.own_vectors(matrix)
    assert torch.equal(own[:, :3], matrix[:, 1:4]) and not own[:, 3:].any()  # each row's own category of c
    cond = sampler.sampling_vectors(20_000)
    assert not cond[:, 3:].any() and torch.equal(cond[:, :3].sum(1), torch.ones(20_000))
    assert abs(cond[:, 0].mean().item() - 0.9) < 0.02  # at the real frequency of c's first category
    # without a target, vectors name either column (training batches keep doing so with one)
    assert ConditionalSampler.from_matrix(matrix, SPANS).own_vectors(matrix)[:, 3:].any()
    assert sampler.training_batch(1_000)[0][:, 3:].any()


def test_a_target_that_is_not_a_discrete_column_is_refused_naming_what_it_is():
    matrix = make_matrix()
    with pytest.raises(ConfigError, match=r"'x' holds numbers or dates.*\['c', 'd'\]"):
        ConditionalSampler.from_matrix(matrix, SPANS, target="x")
    with pytest.raises(ConfigError, match="'z' is not a discrete column"):
        ConditionalSampler(None, SPANS, torch.device("cpu"), target="z")
