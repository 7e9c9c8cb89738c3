import torch

from synthloom.data.encoders import Span
from synthloom.nn.spans import SpanLayout

SPANS = [
    Span("a", 0, 1, "tanh", "value"),
    Span("a", 1, 3, "softmax", "mode"),
    Span("b", 4, 2, "softmax", "category"),
    Span("c", 6, 1, "linear", "value"),
]


def draw_one_hots(layout: SpanLayout, logits: torch.Tensor) -> torch.Tensor:
    """The drawn one-hot groups alone (B, n_softmax_columns)."""
    return layout.draw_categories(torch.zeros(len(logits), layout.dim), logits)[:, layout.softmax_index]


def test_activation_matches_per_span_reference():
    layout = SpanLayout(SPANS)
    raw = torch.randn(16, 7)
    out = layout.activate(raw, tau=1.0, gumbel=False)
    torch.testing.assert_close(out[:, 0], torch.tanh(raw[:, 0]))
    torch.testing.assert_close(out[:, 1:4], torch.softmax(raw[:, 1:4], dim=1))
    torch.testing.assert_close(out[:, 4:6], torch.softmax(raw[:, 4:6], dim=1))
    torch.testing.assert_close(out[:, 6], raw[:, 6])


def test_segment_softmax_matches_torch_per_group_even_for_extreme_logits():
    layout = SpanLayout(SPANS)
    logits = torch.randn(16, 5) * 3
    logits[0] = torch.tensor([1000.0, -1000.0, 0.0, -500.0, -510.0])  # exp overflows without the shift
    probs = layout.segment_softmax(logits)
    torch.testing.assert_close(probs[:, :3], torch.softmax(logits[:, :3], dim=1))
    torch.testing.assert_close(probs[:, 3:], torch.softmax(logits[:, 3:], dim=1))
    torch.testing.assert_close(probs, layout.segment_log_softmax(logits).exp())


def test_cross_entropy_sums_groups_and_draws_follow_probabilities():
    layout = SpanLayout(SPANS)
    raw = torch.randn(8, 7)
    target = torch.zeros_like(raw)  # each group's argmax
    for start, stop in ((1, 4), (4, 6)):
        target[:, start:stop] = torch.nn.functional.one_hot(raw[:, start:stop].argmax(1), stop - start)
    expected = -(
        torch.log_softmax(raw[:, 1:4], 1).max(1).values + torch.log_softmax(raw[:, 4:6], 1).max(1).values
    )
    torch.testing.assert_close(layout.cross_entropy(raw, target), expected)
    torch.manual_seed(0)
    logits = torch.tensor([[0.0, 0.0, 0.0, 2.0, 0.0]]).expand(20_000, -1)
    draws = draw_one_hots(layout, logits)
    share = draws[:, 3].mean().item()
    assert abs(share - torch.softmax(torch.tensor([2.0, 0.0]), 0)[0].item()) < 0.02


def test_hard_activation_draws_follow_the_softmax():
    layout = SpanLayout(SPANS)
    torch.manual_seed(0)
    raw = torch.tensor([[0.0, 1.0, 0.0, -1.0, 0.5, 0.0, 0.0]]).expand(20_000, -1)
    draws = layout.activate(raw, hard=True)  # tau plays no part in which category wins
    expected = torch.softmax(raw[0, 1:4], 0)
    torch.testing.assert_close(draws[:, 1:4].mean(0), expected, atol=0.015, rtol=0)
    assert torch.equal(draws[:, 1:4].sum(1), torch.ones(20_000))
    assert layout.activate(raw[:1], hard=True).shape == (1, 7)


def test_draws_at_the_extremes_of_the_uniform_stay_on_categories_of_their_group(monkeypatch):
    layout = SpanLayout(SPANS)
    # group "a": one category holds all the weight (exp(-300) is 0 in float32); group "b": two level ones,
    # 600 logits below group "a", so each group has to be shifted by its own maximum
    logits = torch.tensor([[300.0, -300.0, -300.0, -300.0, -300.0]])
    for uniform, b_choice in ((0.0, [1.0, 0.0]), (1 - 2**-24, [0.0, 1.0]), (1.0, [0.0, 1.0])):
        monkeypatch.setattr(torch, "rand_like", lambda x, u=uniform: torch.full_like(x, u))
        draw = draw_one_hots(layout, logits)
        assert draw.tolist() == [[1.0, 0.0, 0.0, *b_choice]]


def test_draws_follow_each_groups_softmax_behind_a_wide_group():
    # the running sum crosses a 300-column group before reaching the small one
    layout = SpanLayout([Span("id", 0, 300, "softmax", "category"), Span("c", 300, 3, "softmax", "category")])
    torch.manual_seed(0)
    logits = torch.cat([torch.randn(300) * 2, torch.tensor([1.0, 0.0, -1.0])]).expand(40_000, -1)
    draws = draw_one_hots(layout, logits)
    assert torch.equal(draws[:, :300].sum(1), torch.ones(40_000))
    assert torch.equal(draws[:, 300:].sum(1), torch.ones(40_000))
    expected = torch.softmax(logits[0, 300:], 0)
    torch.testing.assert_close(draws[:, 300:].mean(0), expected, atol=0.01, rtol=0)
    wide = torch.softmax(logits[0, :300], 0)
    top = int(wide.argmax())
    assert abs(draws[:, top].mean().item() - wide[top].item()) < 0.01


def test_draw_categories_writes_only_the_one_hot_groups_in_place():
    layout = SpanLayout(SPANS)
    out = torch.full((50, 7), 7.0)
    logits = torch.randn(50, 5)
    torch.manual_seed(0)
    returned = layout.draw_categories(out, logits)
    assert returned is out
    assert torch.equal(out[:, [0, 6]], torch.full((50, 2), 7.0))  # value columns kept
    assert torch.equal(out[:, 1:4].sum(1), torch.ones(50)) and torch.equal(out[:, 4:6].sum(1), torch.ones(50))
    assert set(out[:, 1:6].unique().tolist()) == {0.0, 1.0}


def test_draw_categories_inverts_each_groups_distribution_between_value_columns():
    """Groups separated by value columns: the draw is the per-group inverse CDF of the same uniforms."""
    spans = [
        Span("a", 0, 1, "tanh", "value"),
        Span("a", 1, 3, "softmax", "mode"),
        Span("b", 4, 1, "linear", "value"),
        Span("c", 5, 2, "softmax", "category"),
        Span("d", 7, 1, "tanh", "value"),
        Span("e", 8, 4, "softmax", "category"),
    ]
    layout = SpanLayout(spans)
    logits = torch.randn(2_000, 9) * 2
    out = torch.full((2_000, 12), 5.0)
    torch.manual_seed(3)
    layout.draw_categories(out, logits)
    torch.manual_seed(3)
    uniforms = torch.rand(2_000, 3)  # one per row and group, drawn as draw_categories draws them
    assert torch.equal(out[:, [0, 4, 7]], torch.full((2_000, 3), 5.0))
    for group, (logit_cols, out_cols) in enumerate((((0, 3), (1, 4)), ((3, 5), (5, 7)), ((5, 9), (8, 12)))):
        cdf = torch.softmax(logits[:, slice(*logit_cols)], dim=1).cumsum(dim=1)
        expected = (cdf <= uniforms[:, group : group + 1]).sum(dim=1).clamp(max=cdf.shape[1] - 1)
        block = out[:, slice(*out_cols)]
        assert torch.equal(block.sum(dim=1), torch.ones(2_000))
        assert (block.argmax(dim=1) != expected).sum() <= 1  # float rounding at a boundary, at most
