import numpy as np
import pandas as pd
import pytest

from synthloom import datasets, get_model
from synthloom.errors import ConditionError


def test_missing_values_do_not_weaken_the_correlations_learned():
    rng = np.random.default_rng(0)
    x = rng.normal(size=2000)
    y = 3 * x + 10 + rng.normal(scale=0.3, size=2000)
    y[rng.random(2000) < 0.6] = np.nan
    real = pd.DataFrame({"x": x, "y": y, "city": np.where(x > 0, "Lyon", "Nice")})
    fake = get_model("copula", random_state=0).fit(real).sample(4000)
    assert fake["x"].corr(fake["y"]) > 0.95  # real, over the rows holding both: 0.995 (was 0.61)
    assert abs(fake["y"].isna().mean() - 0.6) < 0.03
    assert (fake.loc[fake["city"] == "Lyon", "x"] > 0).mean() > 0.65  # still tied to the category


def test_a_number_column_of_a_few_levels_gets_only_real_values_and_a_scale_new_ones():
    # credit limits of 500 / 1,000 / 5,000 and a term of 36 or 60 months: draws between two levels'
    # quantiles came back between them (40 limits such as 750, 21 terms such as 48 of 20,000 rows)
    rng = np.random.default_rng(0)
    income = rng.lognormal(10, 0.5, 5000)
    real = pd.DataFrame(
        {
            "limit": np.where(income > 30_000, 5000, np.where(income > 15_000, 1000, 500)),
            "term": rng.choice([36, 60], 5000, p=[0.7, 0.3]),
            "size": rng.choice(np.arange(1, 16) * 1000, 5000),
            "income": income.round(2),
        }
    )
    fake = get_model("copula", random_state=0).fit(real).sample(20_000, random_state=1)
    for name in ("limit", "term", "size"):
        assert fake[name].isin(real[name].unique()).all(), name
    assert (~fake["income"].isin(real["income"])).mean() > 0.99  # a scale: new values, as before
    assert (fake["limit"] == 5000).mean() > 0.1  # the levels are still drawn as often as they were
    # a value between the levels can never be drawn: refused at once (it drew rows until the budget ran out)
    model = get_model("copula", random_state=0).fit(real)
    with pytest.raises(ConditionError, match=r"'limit' takes only a few values \(500, 1000, 5000\), none in"):
        model.sample(10, conditions={"limit": (600, 900)})
    assert model.sample(10, conditions={"limit": (600, 1000)})["limit"].eq(1000).all()


def test_a_refusal_names_a_columns_levels_as_they_can_be_asked_for():
    """Levels of 1,234,567 were shown as 1.23457e+06, and asking for that value was refused again."""
    rng = np.random.default_rng(0)
    real = pd.DataFrame({"price": rng.choice([1234567, 2345678, 3456789], 300), "x": rng.normal(size=300)})
    model = get_model("copula", random_state=0).fit(real)
    with pytest.raises(ConditionError, match=r"\(1234567, 2345678, 3456789\), none in \[1300000, 1400000\]"):
        model.sample(3, conditions={"price": (1_300_000, 1_400_000)})
    assert model.sample(3, conditions={"price": 1234567})["price"].eq(1234567).all()


def test_a_rare_class_keeps_its_link_to_the_other_columns():
    """Categories were scored at random inside their intervals, which shrank a rare class's correlations by
    the square of its interval means' spread: a class on 2% of rows, drawn where a latent score correlated
    0.6 with an amount is high, came back linked to the amount at 0.08 (most of its rows among ordinary
    amounts). Its scores are the interval means now, and their correlations are read back as latent ones."""
    rng = np.random.default_rng(0)
    latent = rng.multivariate_normal([0, 0], [[1, 0.6], [0.6, 1]], size=20_000)
    real = pd.DataFrame(
        {"amount": np.exp(latent[:, 0]).round(2), "flag": np.where(latent[:, 1] > 2.05, "y", "n")}
    )
    model = get_model("copula", random_state=0).fit(real)
    columns = [span.column for span in model.transformer_.spans]
    amount, flag = columns.index("amount"), columns.index("flag")
    assert 0.45 < abs(model.correlation_[amount, flag]) < 0.75
    fake = model.sample(20_000, random_state=0)
    top = fake["amount"] >= fake["amount"].quantile(0.9)
    real_top = real["amount"] >= real["amount"].quantile(0.9)
    real_lift = (real.loc[real_top, "flag"] == "y").mean() / (real["flag"] == "y").mean()
    fake_lift = (fake.loc[top, "flag"] == "y").mean() / (fake["flag"] == "y").mean()
    assert fake_lift > 0.7 * real_lift


def test_independent_rare_classes_stay_independent():
    """Read back as latent correlations, a chance meeting of two rare classes (15 rows each in 5,000) would
    be a strong link: pairs with too few rows outside their modal categories keep their small correlation."""
    rng = np.random.default_rng(0)
    real = pd.DataFrame({f"r{i}": np.where(rng.random(5000) < 0.003, "y", "n") for i in range(6)})
    real["x"] = rng.normal(size=5000)
    links = get_model("copula", random_state=0).fit(real).correlation_.copy()
    np.fill_diagonal(links, 0.0)
    assert np.abs(links).max() < 0.1


def test_two_rare_classes_are_not_linked_more_than_the_real_rows_are():
    """Read back as a class against a number is, two 5% classes with a latent correlation of 0.5 came out at
    0.94: their synthetic rows met 72% of the time where the real ones meet 26%."""
    from scipy.stats import norm

    rng = np.random.default_rng(0)
    latent = rng.multivariate_normal([0, 0], [[1, 0.5], [0.5, 1]], size=20_000)
    rare = norm.ppf(0.95)
    real = pd.DataFrame(
        {"a": np.where(latent[:, 0] > rare, "y", "n"), "b": np.where(latent[:, 1] > rare, "y", "n")}
    )
    fake = get_model("copula", random_state=0).fit(real).sample(50_000, random_state=0)
    met = lambda table: (table.loc[table["a"] == "y", "b"] == "y").mean()  # noqa: E731
    assert 0.08 < met(fake) < met(real) + 0.05  # real 0.26; scored at random in their intervals, 0.06


def test_a_number_mostly_missing_takes_no_link_from_a_few_rows():
    """Chance and support were judged on every row, not on those holding both columns: a number missing in
    90% of 2,000 rows took a link of 0.26 - 0.66 with a 2% class from the 3 - 7 rows holding both."""
    for seed in range(3):
        rng = np.random.default_rng(seed)
        real = pd.DataFrame({f"c{i}": np.where(rng.random(2000) < 0.02, "y", "n") for i in range(8)})
        real["x"] = np.where(rng.random(2000) < 0.9, np.nan, rng.normal(size=2000))
        model = get_model("copula", random_state=0).fit(real)
        columns = [span.column for span in model.transformer_.spans]
        x = columns.index("x")
        classes = [i for i, column in enumerate(columns) if column.startswith("c")]
        assert np.abs(model.correlation_[x, classes]).max() < 0.2, seed


def test_a_range_or_one_value_of_a_number_column_is_drawn_within_not_searched_for():
    """The copula met a number range by rejection: ages 88 - 90 of women (0.1% of adult) were refused after
    102,400 draws, and one value of a continuous column (an SDV user's ``sample_remaining_columns`` row,
    income=44361.6250742669) never came. It now draws the column's score within the range, the others from
    the Gaussian conditional on it, so the other columns follow the range."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=3_000)
    frame = pd.DataFrame(
        {"x": x, "y": 0.8 * x + 0.6 * rng.normal(size=3_000), "k": rng.choice(["a", "b"], 3_000)}
    )
    model = get_model("copula", random_state=0).fit(frame)
    far = model.sample(500, conditions={"x": (2.5, 3.5), "k": "a"}, random_state=0)  # 0.6% of rows
    assert far["x"].between(2.5, 3.5).all() and far["k"].eq("a").all()
    assert far["y"].mean() == pytest.approx(0.8 * far["x"].mean(), abs=0.15)  # y follows x up there
    exact = model.sample(3, conditions={"x": float(x[7])}, random_state=0)
    assert exact["x"].eq(x[7]).all()
    known = pd.DataFrame({"x": x[:4], "k": ["a", "b", "a", "b"]})  # an SDV user's known columns
    filled = model.sample(conditions=known, random_state=0)
    assert filled["x"].tolist() == x[:4].tolist() and filled["k"].tolist() == ["a", "b", "a", "b"]
    assert filled.equals(model.sample(conditions=known, random_state=0))


def test_a_range_of_whole_numbers_gives_its_edge_values_their_share():
    """Drawn within the range's own ends, a range of ages 30 - 40 gave 30 and 40 half the rows they hold
    among plain draws in that range (4.4% against 8.2% on adult): decoding rounds, and the values that round
    to an edge lie on both sides of it."""
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"age": rng.integers(18, 80, 4_000), "k": rng.choice(["a", "b"], 4_000)})
    model = get_model("copula", random_state=0).fit(frame)
    asked = model.sample(20_000, conditions={"age": (30, 40)}, random_state=0)["age"]
    plain = model.sample(200_000, random_state=1)["age"]
    kept = plain[plain.between(30, 40)]
    assert asked.between(30, 40).all()
    for edge in (30, 40):
        assert (asked == edge).mean() == pytest.approx((kept == edge).mean(), abs=0.012)


def test_a_category_a_number_explains_keeps_its_link_to_it():
    """Category intervals lay in frequency order, in no order of the number that fixes them: a level cut
    from a number by thresholds came back 30% / 57% / 13% (low / mid / high) among the number's lowest
    values, and adult's education, which education-num gives exactly, matched it in few synthetic rows."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=3_000)
    band = np.select([x < -0.5, x < 0.3], ["low", "mid"], "high")  # mid the most frequent, then high
    real = pd.DataFrame({"x": x, "band": band, "other": rng.choice(["p", "q", "r"], 3_000)})
    model = get_model("copula", random_state=0).fit(real)
    fake = model.sample(3_000, random_state=0)
    lowest = fake.loc[fake["x"] < -1.0, "band"].value_counts(normalize=True)
    assert lowest.get("low", 0) > 0.9, lowest
    assert fake.loc[fake["x"] > 1.0, "band"].eq("high").mean() > 0.9
    shares = fake["band"].value_counts(normalize=True)
    assert abs(shares["mid"] - (band == "mid").mean()) < 0.03  # the marginal is kept
    # a category asked for is drawn within its own interval, wherever its interval now lies
    assert model.sample(200, conditions={"band": "low"}, random_state=0)["x"].lt(0).mean() > 0.9

    adult = datasets.load("adult").sample(5_000, random_state=0)
    fake = get_model("copula", random_state=0).fit(adult).sample(5_000, random_state=0)
    matched = pd.crosstab(fake["education"], fake["education-num"]).max(axis=1).sum() / len(fake)
    assert matched > 0.6, matched  # education-num's level most often held, for each education: 0.32 before
