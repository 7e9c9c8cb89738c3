import numpy as np
import pandas as pd

from synthloom import get_model


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
