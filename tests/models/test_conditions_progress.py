"""Rejection sampling that takes long: progress where no terminal shows a bar, an early stop where the
acceptance seen makes the request hopeless, a warning up front where the values are rarely seen together."""

import warnings

import numpy as np
import pandas as pd
import pytest

from synthloom import get_model, progress
from synthloom.errors import ConditionError, DataWarning
from synthloom.models import conditions
from synthloom.models.conditions import RangeCondition, sample_with_rejection


def uniform_draws(seed: int = 0):
    """``draw(size)``: ``size`` rows of x uniform on [0, 1], seeded per call, counting the rows drawn."""
    calls = iter(range(10**6))

    def draw(size: int) -> pd.DataFrame:
        draw.rows += size
        return pd.DataFrame({"x": np.random.default_rng([seed, next(calls)]).random(size)})

    draw.rows = 0
    return draw


def test_without_a_terminal_rejection_reports_progress_in_plain_lines(monkeypatch, capsys):
    """Piped, the bar was invisible: 9 min 44 s without a line until "wrote 200"."""
    monkeypatch.setattr(progress, "PLAIN_EVERY_S", 0.0, raising=False)  # a line every round
    rows = sample_with_rejection(uniform_draws(), [RangeCondition("x", 0.0, 0.01)], 200, verbose=True)
    assert len(rows) == 200 and rows["x"].le(0.01).all()
    lines = capsys.readouterr().err.splitlines()
    assert lines and all(line.startswith("sampling with conditions: ") for line in lines)
    assert "of 200 rows after" in lines[-1] and "match)" in lines[-1]
    assert "left" in lines[-2] and not lines[-1].endswith("left")  # the time left until all are found


def test_without_verbose_rejection_stays_quiet(monkeypatch, capsys):
    monkeypatch.setattr(progress, "PLAIN_EVERY_S", 0.0, raising=False)
    sample_with_rejection(uniform_draws(), [RangeCondition("x", 0.0, 0.01)], 50)
    assert capsys.readouterr().err == ""


def test_a_hopeless_rate_stops_early_instead_of_drawing_to_the_cap():
    """5,000 rows met by 0.01% of draws need 50 million: every draw of the 1,000,000 the budget allowed
    was made before the error; the rate seen in the first rounds is enough to tell."""
    draw = uniform_draws()
    with pytest.raises(ConditionError, match=r"only \d+ of 5,000 rows .* past the 2 million sampling makes"):
        sample_with_rejection(draw, [RangeCondition("x", 0.0, 0.0001)], 5000)
    assert draw.rows < 200_000


def test_a_rare_rate_within_the_cap_is_drawn_to_the_end():
    """200 rows met by 0.05% of draws need about 400,000 draws: within the cap, so not stopped early."""
    draw = uniform_draws(1)
    rows = sample_with_rejection(draw, [RangeCondition("x", 0.0, 0.0005)], 200)
    assert len(rows) == 200 and 200_000 < draw.rows <= conditions.MAX_DRAWS


def test_a_rate_projected_within_the_cap_is_drawn_to_the_end_whatever_the_margin(monkeypatch):
    """330 rows at a rate projecting 1.7 million draws (under the 2 million cap) stopped after 66,000: the
    budget grew only where 1.3x the projection stayed under the cap, which the early stop did not ask."""
    monkeypatch.setattr(conditions, "MAX_DRAWS", 200_000)
    draw = uniform_draws(2)
    rows = sample_with_rejection(draw, [RangeCondition("x", 0.0, 0.002)], 340)  # about 170,000 draws
    assert len(rows) == 340 and draw.rows <= 200_000


@pytest.fixture(scope="module")
def rare_and_common() -> pd.DataFrame:
    """Independent columns: a level of ``a`` in 1% of the rows, of ``b`` in 20%, of ``c`` and ``d`` in 2%."""
    rng = np.random.default_rng(0)
    size = 5000
    return pd.DataFrame(
        {
            "a": np.where(rng.random(size) < 0.01, "rare", "usual"),
            "b": rng.choice([f"b{i}" for i in range(5)], size),
            "c": rng.choice([f"c{i}" for i in range(50)], size),
            "d": rng.choice([f"d{i}" for i in range(50)], size),
            "x": rng.normal(size=size),
        }
    )


def counting_draws(model) -> list:
    """Record the draws ``model`` makes (its ``_sample``): the rows, then the column each draw asked for."""
    drawn: list = [0]
    own = model._sample

    def counted(n, rng, category=None):
        drawn[0] += n
        drawn.append(None if category is None else category[0].column)
        return own(n, rng, category)

    model._sample = counted
    return drawn


TINY_TVAE = {"epochs": 1, "batch_size": 100, "embedding_dim": 16, "hidden_width": 32}


@pytest.mark.parametrize(("name", "params"), [("copula", {}), ("tvae", TINY_TVAE)])
def test_the_rarest_category_asked_is_met_directly(name, params, rare_and_common):
    """Asked for b=b3 (20%) and a=rare (1%), the generator was asked for b and a was met by rejection:
    1,782 draws for 20 copula rows; asking the generator for a=rare leaves only b to reject."""
    model = get_model(name, random_state=0, **params).fit(rare_and_common[["a", "b", "x"]])
    drawn = counting_draws(model)
    rows = model.sample(20, conditions={"b": "b3", "a": "rare"}, random_state=0)
    assert rows["a"].eq("rare").all() and rows["b"].eq("b3").all()
    assert set(drawn[1:]) == {"a"}
    if name == "copula":  # the copula keeps the real columns independent, so the draws are as counted
        assert drawn[0] <= 1_000


def test_a_combination_rarely_seen_together_is_warned_of_before_drawing(rare_and_common):
    """a=rare, c=c7 and d=d4 (1%, 2%, 2% of the rows): a is drawn directly, and 1 draw in 2,500 is
    expected to hold c7 and d4 too. The draws went on without a word before."""
    model = get_model("copula", random_state=0).fit(rare_and_common)
    with pytest.warns(DataWarning, match=r"^a=rare, c=c7, d=d4: about 1 in 2,\d00 draws expected to match"):
        rows = model.sample(2, conditions={"a": "rare", "c": "c7", "d": "d4"}, random_state=0)
    assert rows[["a", "c", "d"]].eq(["rare", "c7", "d4"]).all().all()
    past_the_cap = r"2,000 rows need about [\d.]+ million draws, past the 2 million sampling makes"
    with pytest.warns(DataWarning, match=past_the_cap), pytest.raises(ConditionError):
        model.sample(2000, conditions={"a": "rare", "c": "c7", "d": "d4"}, random_state=0)


def test_a_combination_often_seen_is_not_warned_of(rare_and_common):
    model = get_model("copula", random_state=0).fit(rare_and_common)
    with warnings.catch_warnings():
        warnings.simplefilter("error", DataWarning)
        model.sample(20, conditions={"a": "rare", "b": "b3"}, random_state=0)


def test_a_chunked_draw_warns_once_and_first_that_its_numbers_are_one_chunks(
    rare_and_common, tmp_path, monkeypatch
):
    """6 rows drawn in chunks of 2 warned "2 rows need about 5,000 draws": one chunk's numbers, said as
    the request's. Said once, and before the draws, as a warning of a long search must be."""
    from synthloom.errors import RareConditionsWarning
    from synthloom.sampling import sample_to_file

    model = get_model("copula", random_state=0).fit(rare_and_common)
    rare = {"a": "rare", "c": "c7", "d": "d4"}
    warned_by_draw = []
    decode = model._decode  # every draw's rows pass it
    monkeypatch.setattr(
        model, "_decode", lambda *args: (warned_by_draw.append(len(rare_said())), decode(*args))[1]
    )
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")

        def rare_said():
            return [str(w.message) for w in said if issubclass(w.category, RareConditionsWarning)]

        sample_to_file(model, 6, tmp_path / "out.csv", seed=0, conditions=rare, chunk_rows=2)
    assert len(rare_said()) == 1 and warned_by_draw[0] == 1
    assert rare_said()[0].startswith("6 rows are drawn in chunks, each searched alone; of rows 1 - 2: a=rare")
    assert len(pd.read_csv(tmp_path / "out.csv")) == 6


def test_estimated_counts_are_said_in_words_past_a_million():
    from synthloom.models.conditions import about

    said = [about(c) for c in (7_399, 1.49e6, 1e10, 5.2e12, 9.9e19)]
    assert said == ["7,400", "1.5 million", "10 billion", "5.2 trillion", "99,000,000 trillion"]


def test_sampling_to_a_file_shows_a_search_whatever_the_models_verbose(
    rare_and_common, tmp_path, monkeypatch, capsys
):
    """The copula has no ``verbose``: `synthloom sample` of a rare combination from it drew for minutes
    without a line, where a tvae fitted by `synthloom fit` showed its search."""
    import io

    from rich.console import Console

    from synthloom.sampling import sample_to_file

    monkeypatch.setattr(progress, "PLAIN_EVERY_S", 0.0, raising=False)  # a line every round
    model = get_model("copula", random_state=0).fit(rare_and_common)
    rare = {"a": "rare", "c": "c7"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sample_to_file(model, 40, tmp_path / "quiet.csv", seed=0, conditions=rare)  # no console: no lines
        assert "sampling with conditions" not in capsys.readouterr().err
        console = Console(file=io.StringIO())  # no terminal: plain lines on stderr
        sample_to_file(model, 40, tmp_path / "shown.csv", seed=0, conditions=rare, console=console)
    assert "sampling with conditions: 40 of 40 rows after" in capsys.readouterr().err
    assert pd.read_csv(tmp_path / "shown.csv").equals(pd.read_csv(tmp_path / "quiet.csv"))


def test_a_chunk_searched_alone_names_its_rows_of_the_request(rare_and_common, tmp_path, monkeypatch, capsys):
    """A 250,000-row request drawn in chunks showed "86,263 of 100,000 rows": one chunk's search, with
    nothing to say so."""
    import io

    from rich.console import Console

    from synthloom.sampling import sample_to_file

    monkeypatch.setattr(progress, "PLAIN_EVERY_S", 0.0, raising=False)  # a line every round
    model = get_model("copula", random_state=0).fit(rare_and_common)
    console = Console(file=io.StringIO())  # no terminal: plain lines on stderr
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rare = {"a": "rare", "c": "c7"}
        sample_to_file(
            model, 50, tmp_path / "out.csv", seed=0, conditions=rare, console=console, chunk_rows=30
        )
    lines = capsys.readouterr().err.splitlines()
    assert any(line.startswith("sampling with conditions (rows 1 - 30 of 50): ") for line in lines)
    assert any(
        line.startswith("sampling with conditions (rows 31 - 50 of 50): 20 of 20 rows") for line in lines
    )
    assert not any(line.startswith("sampling with conditions: ") for line in lines)
    assert len(pd.read_csv(tmp_path / "out.csv")) == 50
