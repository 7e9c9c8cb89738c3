"""Privacy: a copy of the training rows is flagged; a fresh sample of the same distribution is not."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from synthloom.metrics import prepare, privacy
from synthloom.metrics.privacy import exact_copy_share


def test_a_copy_of_the_training_rows_is_a_privacy_risk(related_train, related_test):
    result = privacy(prepare(related_test, related_train.copy(), train=related_train))
    assert result.score("closer_to_train").value > 0.95
    assert result.score("exact_copies").value == 1.0
    assert result.score("membership_auc").value > 0.9
    assert result.score("closer_to_train").verdict == "poor"
    assert any("exact copies" in warning for warning in result.warnings)


def test_a_copy_of_the_hold_out_rows_is_a_privacy_risk(related_train, related_test):
    """Synthetic rows that were the real (hold-out) rows scored good: no training row was copied, and the
    distance scores read 0% closer to training and a membership AUC of 0.0 as no leak."""
    result = privacy(prepare(related_test, related_test.copy(), train=related_train))
    assert result.score("holdout_copies").value == 1.0
    assert result.score("holdout_copies").verdict == "poor"
    assert result.verdict == "poor"
    assert result.score("closer_to_train").verdict == "not computed"
    assert result.score("membership_auc").verdict == "not computed"
    assert any("exact copies of real hold-out rows" in warning for warning in result.warnings)


def test_a_fresh_sample_is_no_closer_to_the_training_rows(related_train, related_test, make_related):
    fresh = make_related(500, seed=7)
    result = privacy(prepare(related_test, fresh, train=related_train))
    assert 0.4 < result.score("closer_to_train").value < 0.6
    assert result.score("exact_copies").value == 0.0
    assert result.score("holdout_copies").verdict == "good"
    assert result.score("membership_auc").value < 0.6
    assert set(result.extras["dcr"]) == {"synthetic_to_train", "synthetic_to_holdout", "holdout_to_train"}
    # "chance of this many or more: 1" read as a bare 1 where no synthetic row copies any
    for name in ("exact_copies", "holdout_copies"):
        assert "or more with a probability of 1." in result.score(name).meaning


def test_without_training_rows_privacy_is_not_computed(related_train, related_test):
    result = privacy(prepare(related_test, related_train))
    assert result.not_computed.startswith("no training rows were given")


def test_exact_copies_match_integers_with_their_float_twins():
    train = pd.DataFrame({"n": [1, 2, 3, 4], "c": [1, 2, 1, 2]})
    rows = pd.DataFrame({"n": [1.0, 2.0, 9.0, 4.0], "c": [1.0, 2.0, 1.0, 1.0]})
    assert exact_copy_share(rows, train) == pytest.approx(0.5)


def test_exact_copies_ignore_the_sign_of_zero_and_of_missing_values():
    """round(-0.3) is -0.0, equal to 0.0 but hashed by its bits: such copies went undetected (1 in 3)."""
    import numpy as np

    train = pd.DataFrame({"amount": [0.0, 5.0, np.nan], "c": ["a", "b", "c"]})
    rows = pd.DataFrame({"amount": [np.round(-0.3), 5.0, -np.float64(np.nan)], "c": ["a", "b", "c"]})
    assert exact_copy_share(rows, train) == 1.0
    assert exact_copy_share(rows.assign(amount=[0.1, 5.0, 1.0]), train) == pytest.approx(1 / 3)


def test_copies_among_fresh_rows_make_the_family_poor_behind_a_good_headline(
    related_train, related_test, make_related
):
    fresh = make_related(470, seed=7)
    copies = pd.concat([related_train.iloc[:3]] * 10, ignore_index=True)  # 30 rows: 6% exact copies
    result = privacy(
        prepare(related_test, pd.concat([fresh, copies], ignore_index=True), train=related_train)
    )
    assert result.headline.verdict == "good"  # the DCR share barely moves
    assert result.score("exact_copies").verdict == "poor"
    assert result.verdict == "poor" and result.concern.name == "exact_copies"
    assert "Exact copies of training rows, poor: 6.00% of synthetic rows" in result.summary_meaning
    clean = privacy(prepare(related_test, fresh, train=related_train))
    assert clean.verdict == clean.headline.verdict and clean.summary_meaning == clean.headline.meaning


def test_a_hold_out_made_of_training_rows_is_pointed_out(related_train, related_test, make_related):
    """Hold-out = train scored a full copy "good" on every measure, with a warning beside it; training
    rows among the hold-out raised its baselines enough to hide 20% copies."""
    overlapping = privacy(prepare(related_train, related_train.copy(), train=related_train))
    assert overlapping.verdict == "not computed"
    assert overlapping.not_computed.startswith("100% of the real (hold-out) rows are training rows")
    mixed = pd.concat([related_test, related_train.iloc[:150]], ignore_index=True)  # 150 of 550 rows
    leaky = pd.concat([related_train.iloc[200:300], make_related(400, seed=9)], ignore_index=True)
    result = privacy(prepare(mixed, leaky, train=related_train))
    assert any(
        "27% of the real (hold-out) rows are training rows; they were left out" in w for w in result.warnings
    )
    assert result.score("exact_copies").verdict == "poor" and result.verdict == "poor"
    proper = privacy(prepare(related_test, related_train.copy(), train=related_train))
    assert not any("hold-out) rows are training rows" in w for w in proper.warnings)


def test_a_few_copies_in_a_large_release_are_poor(related_train, related_test, make_related):
    """10 verbatim training rows among 1,000 (or 100 among 10,000: a tenth of the training rows published)
    were "fair" behind a good headline: the family said good."""
    for size, copied in ((990, 10), (9_900, 100)):
        rows = pd.concat([make_related(size, seed=11), related_train.iloc[:copied]], ignore_index=True)
        result = privacy(prepare(related_test, rows, train=related_train))
        assert result.score("exact_copies").verdict == "poor" and result.verdict == "poor"
    assert (
        f"reproducing {100 / len(related_train):.2%} of the training rows"
        in result.score("exact_copies").meaning
    )


def test_small_tables_are_judged_against_chance_and_a_shifted_hold_out_is_named(make_related):
    """Honest 30-row tables were poor one time in four; a hold-out from another population made honest rows
    "memorised"."""
    verdicts = [
        privacy(
            prepare(
                make_related(30, seed=s), make_related(30, seed=s + 100), train=make_related(30, seed=s + 200)
            )
        ).verdict
        for s in range(20)
    ]
    assert verdicts.count("poor") <= 1
    train = make_related(500, seed=1)
    shifted = make_related(500, seed=2).assign(x=lambda f: f["x"] + 3, y=lambda f: f["y"] + 6)
    result = privacy(prepare(shifted, make_related(500, seed=3), train=train))
    assert result.score("closer_to_train").verdict == "not computed"
    assert any("they are not like the training rows" in w for w in result.warnings)


def test_identifiers_reused_says_it_counts_training_ids(make_related):
    """ "Real identifiers reused 0.000 good" beside 3 synthetic rows on real ids: those of hold-out rows,
    which the score counts as chance, not as reuse. Its label says which ids it counts."""
    train, holdout = make_related(300, seed=1), make_related(300, seed=2)
    train["patient"] = [f"P-{i:05d}" for i in range(300)]
    holdout["patient"] = [f"P-{i:05d}" for i in range(300, 600)]
    on_holdout_ids = make_related(300, seed=3).assign(patient=holdout["patient"].to_numpy())
    reused = privacy(prepare(holdout, on_holdout_ids, train=train)).score("identifiers_reused")
    assert reused.value == 0.0 and reused.label == "Training identifiers reused"
    assert "carry a training row's identifier" in reused.meaning


def test_real_identifiers_in_synthetic_rows_are_a_privacy_risk(make_related):
    train, holdout = make_related(300, seed=1), make_related(300, seed=2)
    train["patient"] = [f"P-{i:05d}" for i in range(300)]
    holdout["patient"] = [f"P-{i:05d}" for i in range(300, 600)]
    fresh = make_related(300, seed=3).assign(patient=train["patient"].to_numpy())  # new rows, real ids
    result = privacy(prepare(holdout, fresh, train=train))
    assert result.score("identifiers_reused").value == 1.0 and result.verdict == "poor"
    drawn = fresh.assign(patient=[f"Q-{i:05d}" for i in range(300)])
    assert privacy(prepare(holdout, drawn, train=train)).score("identifiers_reused").verdict == "good"


def test_a_few_real_identifiers_beyond_chance_are_not_good(make_related):
    """Synthetic rows of which 1% carry a training row's patient id, none a hold-out one, read "good": the
    share beyond chance was allowed 2 points. Ids hitting training and hold-out ids alike stay good."""
    train, holdout = make_related(400, seed=1), make_related(100, seed=2)
    train["patient"] = [f"P{i:06d}" for i in range(400)]
    holdout["patient"] = [f"P{i:06d}" for i in range(400, 500)]
    fresh = make_related(2000, seed=3).assign(patient=[f"Q{i:06d}" for i in range(2000)])
    fresh.loc[:19, "patient"] = train["patient"].iloc[:20].to_numpy()
    assert privacy(prepare(holdout, fresh, train=train)).score("identifiers_reused").verdict == "poor"
    fresh.loc[:4, "patient"] = (
        holdout["patient"].iloc[:5].to_numpy()
    )  # 15 training and 5 hold-out ids: chance
    assert privacy(prepare(holdout, fresh, train=train)).score("identifiers_reused").verdict == "good"


def test_real_identifiers_beyond_chance_keep_the_family_from_good(make_related):
    """2,000 synthetic rows of which 20 carry a training id and 5 a hold-out id (what fresh ids hit by
    chance): the score read "fair" (odds 0.002, 0.75% beyond chance) but the family "good", without a
    warning. Fresh ids that hit both sets alike leave the family good."""
    train, holdout = make_related(2000, seed=1), make_related(2000, seed=2)
    train["patient"] = [f"P{i:06d}" for i in range(2000)]
    holdout["patient"] = [f"P{i:06d}" for i in range(2000, 4000)]
    fresh = make_related(2000, seed=3).assign(patient=[f"Q{i:06d}" for i in range(2000)])
    fresh.loc[:19, "patient"] = train["patient"].iloc[:20].to_numpy()
    fresh.loc[20:24, "patient"] = holdout["patient"].iloc[:5].to_numpy()
    result = privacy(prepare(holdout, fresh, train=train))
    assert result.score("identifiers_reused").verdict == "fair"
    assert result.verdict == "fair"
    assert any("20 of 2,000 synthetic rows (1.0%) carry a real training" in w for w in result.warnings)
    fresh.loc[:19, "patient"] = [f"Q{i:06d}" for i in range(2000, 2020)]
    fresh.loc[:3, "patient"] = train["patient"].iloc[:4].to_numpy()  # 4 training and 5 hold-out ids
    result = privacy(prepare(holdout, fresh, train=train))
    assert result.verdict == "good" and not any("identifier" in w for w in result.warnings)


def test_training_rows_copied_beyond_chance_keep_the_family_from_good(make_related):
    """2,000 fresh synthetic rows of which 5 copy training rows: exact copies read "fair" (odds 0.031) but
    the family "good" behind a good closer-to-train share, without a warning; a copied row is as much a
    leak as a reused id."""
    train, holdout = make_related(2000, seed=1), make_related(2000, seed=2)
    fresh = make_related(2000, seed=3)
    fresh.iloc[:5] = train.iloc[:5].to_numpy()
    result = privacy(prepare(holdout, fresh, train=train))
    assert result.score("closer_to_train").verdict == "good"
    assert result.score("exact_copies").verdict == "fair"
    assert result.verdict == "fair" and result.concern.name == "exact_copies"
    copied = (
        "5 of 2,000 synthetic rows (0.2%) are exact copies of training rows that no hold-out row equals, "
        "where about 0 would by"
    )
    assert any(w.startswith(copied) for w in result.warnings)
    fresh.iloc[:5] = make_related(5, seed=4).to_numpy()  # fresh rows again: no copy, no warning
    result = privacy(prepare(holdout, fresh, train=train))
    assert result.verdict == "good" and not any("exact copies" in w for w in result.warnings)


def test_reused_identifiers_are_found_whatever_the_synthetic_index(make_related):
    """Synthetic rows indexed 500..799 that all carry training ids scored 0% reused, "good": the ids kept
    the caller's index while the compared rows were renumbered from 0."""
    train, holdout = make_related(300, seed=1), make_related(300, seed=2)
    train["patient"] = [f"P-{i:05d}" for i in range(300)]
    holdout["patient"] = [f"P-{i:05d}" for i in range(300, 600)]
    fresh = make_related(300, seed=3).assign(patient=train["patient"].to_numpy())
    shifted = fresh.set_axis(range(500, 800))
    result = privacy(prepare(holdout.set_axis(range(1000, 1300)), shifted, train=train))
    assert result.score("identifiers_reused").value == 1.0
    assert result.score("identifiers_reused").verdict == "poor"


def test_natural_copies_and_ids_drawn_from_a_small_space_are_not_leaks():
    """A perfect generator of a table whose rows repeat (50,000 rows drawn from the real ones, 1,000 held
    out) was poor: the hold-out's copy rate was taken as exact. Ids drawn from C0000 - C9999 hit 10% of
    the training ids by chance, and were called reused."""
    import numpy as np

    rng = np.random.default_rng(0)
    population = pd.DataFrame(
        {
            "a": rng.choice(list("abcd"), 20_000, p=[0.55, 0.25, 0.15, 0.05]),
            "b": rng.choice(list("xyz"), 20_000),
        }
    )
    population["c"] = np.where(rng.random(20_000) < 0.8, population["a"], "e")
    train, holdout, rest = population.iloc[:1000], population.iloc[1000:2000], population.iloc[2000:]
    verdicts = [
        privacy(prepare(holdout, rest.sample(50_000, replace=True, random_state=seed), train=train))
        .score("exact_copies")
        .verdict
        for seed in range(4)
    ]
    assert "poor" not in verdicts
    train = train.assign(customer=[f"C{i:04d}" for i in range(1000)])
    holdout = holdout.assign(customer=[f"C{i:04d}" for i in range(1000, 2000)])
    drawn = rest.sample(5_000, random_state=0).assign(
        customer=[f"C{i:04d}" for i in rng.integers(0, 10_000, 5_000)]
    )
    assert privacy(prepare(holdout, drawn, train=train)).score("identifiers_reused").verdict == "good"


def test_hold_out_rows_that_match_training_rows_naturally_stay_in_the_hold_out():
    """Rows over 8,000 equally likely combinations: 1,000 hold-out rows match training rows 12% of the time
    by nature (and repeat one another as often): no contamination to remove, no warning."""
    import numpy as np

    rng = np.random.default_rng(0)
    table = pd.DataFrame({name: rng.integers(0, 20, 3_000).astype(str) for name in "abc"})
    train, holdout, synthetic = table.iloc[:1000], table.iloc[1000:2000], table.iloc[2000:]
    result = privacy(prepare(holdout, synthetic, train=train))
    assert result.score("exact_copies_holdout").value > 0.05  # natural matches, kept
    assert not any("training rows; they were left out" in w for w in result.warnings)
    assert result.verdict == "good"


def test_one_fresh_row_repeated_is_not_taken_for_memorised_rows(related_train, related_test, make_related):
    """A collapsed generator (400 copies of one row it never saw) was called memorising 7 times in 10:
    whether that one row lies nearer a training row is one coin flip, judged as if it were 400."""
    verdicts = _one_row_repeated_verdicts(
        "closer_to_train", range(10, 20), related_train, related_test, make_related
    )
    assert "poor" not in verdicts


def _one_row_repeated_verdicts(score, seeds, train, holdout, make_related) -> list[str]:
    """``score``'s verdict on 400 copies of one fresh row (a collapsed generator), one per seed."""
    return [
        privacy(prepare(holdout, pd.concat([make_related(1, seed=seed)] * 400), train=train))
        .score(score)
        .verdict
        for seed in seeds
    ]


def test_rows_copied_from_both_real_sets_are_a_privacy_risk(related_train, related_test, make_related):
    """Real rows resampled (or a generator fitted on all the real rows) copy training and hold-out rows in
    proportion to their numbers: the DCR share read 54%, both copy scores good, no warning; half fresh rows
    and half real ones made the family good."""
    real = pd.concat([related_train, related_test], ignore_index=True)
    resampled = real.sample(900, replace=True, random_state=0)
    half_real = pd.concat([make_related(450, seed=7), real.sample(450, random_state=1)], ignore_index=True)
    for synthetic in (resampled, half_real):
        result = privacy(prepare(related_test, synthetic, train=related_train))
        assert result.score("real_copies").verdict == "poor" and result.verdict == "poor"
        assert result.score("exact_copies").verdict == "poor"
        assert result.score("holdout_copies").verdict == "poor"
        assert result.score("closer_to_train").verdict == "not computed"
        assert result.score("membership_auc").verdict == "not computed"
        found = [w for w in result.warnings if "exact copies of real rows" in w]
        assert len(found) == 1 and "fit the generator on the training rows only" in found[0]
    assert result.score("real_copies").value == 0.5
    # a copy of the training rows alone keeps its own, sharper warning
    memorised = privacy(prepare(related_test, related_train.copy(), train=related_train))
    assert memorised.score("real_copies").verdict == "poor"
    assert not any("exact copies of real rows" in w for w in memorised.warnings)


def test_ordinary_synthetic_rows_are_not_taken_for_copies_of_real_rows(make_related):
    """Fresh rows, a Gaussian copula's rows on sklearn's breast cancer table, and rows of a few categories
    that match real rows by nature (12% of the time), over several seeds: no copy score is poor."""
    import numpy as np
    from sklearn.datasets import load_breast_cancer

    from synthloom.models.copula import GaussianCopula

    cancer = load_breast_cancer(as_frame=True).frame
    rng = np.random.default_rng(0)
    categories = pd.DataFrame({name: rng.integers(0, 20, 6_000).astype(str) for name in "abc"})
    for seed in range(3):
        train, holdout = make_related(500, seed=seed), make_related(400, seed=seed + 50)
        order = np.random.default_rng(seed).permutation(len(cancer))
        cancer_train, cancer_holdout = cancer.iloc[order[:340]], cancer.iloc[order[340:]]
        copula = GaussianCopula(random_state=seed).fit(cancer_train).sample(340)
        drawn = categories.sample(frac=1, random_state=seed)
        for result in (
            privacy(prepare(holdout, make_related(500, seed=seed + 100), train=train)),
            privacy(prepare(cancer_holdout, copula, train=cancer_train)),
        ):
            assert result.score("real_copies").verdict == "good"
            assert "poor" not in {result.score(name).verdict for name in ("exact_copies", "holdout_copies")}
            assert result.score("closer_to_train").verdict != "not computed"
        result = privacy(prepare(drawn.iloc[1000:2000], drawn.iloc[2000:], train=drawn.iloc[:1000]))
        assert result.score("real_copies").verdict == "good"
        assert result.score("real_copies").value > 0.15  # 4,000 rows over 8,000 combinations: by nature
        assert not any("exact copies of real rows" in w for w in result.warnings)


def test_the_nndr_of_a_few_distinct_rows_allows_for_chance(related_train, related_test, make_related):
    """One fresh row repeated 400 times (a collapsed generator) had its NNDR judged as 400 rows: poor 9
    times in 30, making the family poor, where the ratio of one row is one draw."""
    verdicts = _one_row_repeated_verdicts("nndr", range(100, 130), related_train, related_test, make_related)
    assert "poor" not in verdicts
    copied = privacy(prepare(related_test, related_train.copy(), train=related_train))
    assert copied.score("nndr").verdict == "poor"  # many distinct rows that single out training rows


def test_one_training_row_repeated_is_a_copy_and_too_few_rows_for_the_distance_shares(
    related_train, related_test
):
    """Every synthetic row a copy of one training row: the closer-to-train share (100%) and the NNDR (0.0)
    were "good", since one distinct row is within chance of anything; they are now not judged, and said so."""
    synthetic = pd.concat([related_train.iloc[[5]]] * 1_500, ignore_index=True)
    result = privacy(prepare(related_test, synthetic, train=related_train))
    assert result.score("closer_to_train").value == 1.0
    assert result.score("closer_to_train").verdict == "not computed"
    assert result.score("nndr").verdict == "not computed"
    assert result.score("exact_copies").verdict == "poor" and result.verdict == "poor"
    assert any("holds 1 distinct row: too few" in warning for warning in result.warnings)


def test_unseen_rows_of_a_few_categories_are_not_copies_whatever_the_split():
    """Real rows of adult's categorical columns that neither set holds, given as synthetic, were poor with
    3,600 training / 2,400 hold-out rows (copies of training rows, chance 0.0006) and with 2,400 / 3,600
    (copies of hold-out rows): a combination that is not rare lies in the larger set more often than in
    proportion to its size. 30% of the rows copied from the training rows stay poor."""
    import numpy as np

    from synthloom import datasets

    adult = datasets.load("adult")[
        ["workclass", "education", "marital-status", "occupation", "relationship", "sex"]
    ]
    for seed in range(3):
        order = np.random.default_rng(seed).permutation(len(adult))
        unseen = adult.iloc[order[6_000:8_000]]
        for train_rows in (3_600, 2_400):
            train, holdout = adult.iloc[order[:train_rows]], adult.iloc[order[train_rows:6_000]]
            result = privacy(prepare(holdout, unseen, train=train))
            verdicts = {result.score(name).verdict for name in ("exact_copies", "holdout_copies")}
            assert "poor" not in verdicts, (seed, train_rows)
            if seed == 0:
                leaky = pd.concat([train.sample(600, random_state=seed), unseen.iloc[:1_400]])
                assert privacy(prepare(holdout, leaky, train=train)).score("exact_copies").verdict == "poor"


def test_draws_that_repeat_a_combination_are_not_copies_of_hold_out_rows():
    """4,000 rows drawn over 8,000 equally likely combinations (1,000 training, 1,000 hold-out rows) made
    the copies of hold-out rows poor for 1 seed in 6: the split of the matches was set by the tables'
    sizes, not by what unseen real rows show. 30% of the rows copied from the training rows stay poor."""
    import numpy as np

    rng = np.random.default_rng(0)
    categories = pd.DataFrame({name: rng.integers(0, 20, 6_000).astype(str) for name in "abc"})
    for seed in range(6):
        drawn = categories.sample(frac=1, random_state=seed)
        train, holdout, synthetic = drawn.iloc[:1000], drawn.iloc[1000:2000], drawn.iloc[2000:]
        result = privacy(prepare(holdout, synthetic, train=train))
        assert result.verdict == "good", seed
    leaky = pd.concat([train.sample(1_200, replace=True, random_state=1), synthetic.iloc[:2_800]])
    result = privacy(prepare(holdout, leaky, train=train))
    assert result.score("exact_copies").verdict == "poor" and result.verdict == "poor"


def test_an_honest_split_of_categorical_rows_is_not_taken_for_a_shifted_hold_out():
    """Random splits of adult's categorical rows, 4,500 / 1,500 and 1,500 / 4,500, were "not like the
    training rows" (their own closer-to-train share 61% / 39%, against 75% / 25% from the sizes), and the
    family not computed: most hold-out rows tie with rows of both sets, and ties count half. A hold-out of
    one race the training rows rarely have is still named."""
    import numpy as np

    from synthloom import datasets

    adult = datasets.load("adult")
    adult = adult[[name for name in adult.columns if adult[name].dtype == object]]
    for seed in range(2):
        rows = adult.iloc[np.random.default_rng(seed).permutation(len(adult))]
        for train_rows in (4_500, 3_000, 1_500):
            train, holdout = rows.iloc[:train_rows], rows.iloc[train_rows:6_000]
            result = privacy(prepare(holdout, rows.iloc[6_000:8_000], train=train))
            assert result.score("closer_to_train").verdict != "not computed", (seed, train_rows)
            assert not any("they are not like the training rows" in w for w in result.warnings)
    others = rows.iloc[6_000:]
    shifted = others[others["race"] == "Asian-Pac-Islander"]  # 3% of the training rows
    result = privacy(prepare(shifted, rows.iloc[6_000:8_000], train=rows.iloc[:4_500]))
    assert result.score("closer_to_train").verdict == "not computed"
    assert any("they are not like the training rows" in w for w in result.warnings)


def test_a_small_hold_out_that_rarely_repeats_is_not_taken_for_training_rows():
    """300 hold-out rows over 64,000 combinations match 20,000 training rows 27% of the time by nature but
    rarely repeat one another: with no repeat, 3 seeds in 4 dropped them all as training rows, the natural
    level of copies fell to 0, and honest rows were copies (family poor)."""
    import numpy as np

    for seed in (0, 2):
        rng = np.random.default_rng(seed)
        table = pd.DataFrame({name: rng.integers(0, 40, 22_300).astype(str) for name in "abc"})
        train, holdout, synthetic = table.iloc[:20_000], table.iloc[20_000:20_300], table.iloc[20_300:]
        result = privacy(prepare(holdout, synthetic, train=train))
        assert not any("training rows; they were left out" in w for w in result.warnings), seed
        assert result.score("exact_copies_holdout").value > 0.2
        assert result.verdict == "good", seed


def test_a_few_training_rows_among_a_collapsed_generators_are_not_copies_of_both_sets(
    related_train, related_test, make_related
):
    """200 distinct fresh rows repeated, beside 3 training rows, were called copies of training and
    hold-out rows "alike" (0.3% and 0.0%), and the closer-to-train share and membership AUC were switched
    off as if the hold-out had been seen."""
    synthetic = pd.concat([make_related(197, seed=77)] * 5 + [related_train.iloc[:3]], ignore_index=True)
    result = privacy(prepare(related_test, synthetic, train=related_train))
    assert not any("alike" in warning for warning in result.warnings)
    assert result.score("closer_to_train").verdict != "not computed"
    assert result.score("membership_auc").verdict != "not computed"
    assert result.score("holdout_copies").verdict == "good"


def test_real_keys_of_an_id_named_column_are_counted_as_reused_identifiers():
    """Every synthetic ``account_id`` a training account (a repeated key, learned as a category) read
    "0.0% of synthetic rows carry a training row's identifier", privacy good. Now the share counts them:
    said, not judged, where the hold-out shares the accounts (rows split at random); poor where the split
    kept the hold-out's accounts apart."""
    import numpy as np

    rng = np.random.default_rng(0)
    accounts = np.array([f"AC{i:05d}" for i in range(200)])

    def rows(n: int, pool: np.ndarray) -> pd.DataFrame:
        return pd.DataFrame({"account_id": rng.choice(pool, n), "amount": rng.normal(50, 10, n).round(2)})

    train, synthetic = rows(1_200, accounts), rows(600, accounts)
    result = privacy(prepare(rows(400, accounts), synthetic, train=train))
    reused = result.score("identifiers_reused")
    # rows drawn without memory are good (with ranks learned from the training rows alone, the distances
    # had put the hold-out apart, and the family read "not computed")
    assert reused.value > 0.99 and reused.verdict == "info" and result.verdict == "good"
    assert "nan" not in reused.meaning and "No column is judged" in reused.meaning  # read "nan% do"
    assert any(
        w.startswith("column 'account_id': ") and "of synthetic rows carry a real account_id (" in w
        for w in result.warnings
    )
    train = rows(1_200, accounts[:150])
    result = privacy(prepare(rows(400, accounts[150:]), rows(600, accounts[:150]), train=train))
    assert result.score("identifiers_reused").verdict == "poor" and result.verdict == "poor"


def test_hold_out_rows_without_a_key_do_not_thin_the_share_of_shared_keys():
    """Hold-out rows whose ``account_id`` is missing counted as rows keeping the split's accounts apart:
    every present key a training one, on 40% of the hold-out rows, read 40% shared (under
    ``SHARED_KEYS``), and the reuse was judged poor as copying."""
    import numpy as np

    rng = np.random.default_rng(0)
    accounts = np.array([f"AC{i:05d}" for i in range(200)])

    def rows(n: int) -> pd.DataFrame:
        return pd.DataFrame({"account_id": rng.choice(accounts, n), "amount": rng.normal(50, 10, n).round(2)})

    hold_out = rows(400)
    hold_out.loc[hold_out.index[:240], "account_id"] = None
    result = privacy(prepare(hold_out, rows(600), train=rows(1_200)))
    assert result.score("identifiers_reused").verdict == "info", result.score("identifiers_reused")
    assert any("(100% of hold-out rows carry a training one too" in w for w in result.warnings), (
        result.warnings
    )


def test_rows_drawn_without_memory_are_as_close_to_the_training_rows_as_the_sizes_give():
    """Numbers were ranked among the training rows alone: rows falling between the same two training values
    tied at distance 0, so an unseen row's nearest row was a hold-out one far more often than the sizes
    give. A fresh draw of 600 rows read 0.67 closer to train, where 750 training rows beside 150 hold-out
    ones give 0.83; rows off the data's line (a noisy copy of derived columns) read 0.90, "poor: may have
    memorised"; and an even split's own baseline read 0.26, so the scores were "not computed"."""
    import numpy as np

    def table(n: int, seed: int, noise: float = 0.0) -> pd.DataFrame:
        rng = np.random.default_rng(seed)
        x = rng.normal(size=n)
        z = x + rng.normal(scale=noise, size=n)
        return pd.DataFrame(
            {"x": x, "v": 2 * z + 1, "c": np.where(z > 0.3, "hi", "lo"), "k": np.round(3 * z).astype(int)}
        )

    real = table(900, 0)
    for noise in (0.0, 0.5):
        result = privacy(prepare(real.iloc[750:], table(600, 123, noise), train=real.iloc[:750]))
        closer = result.score("closer_to_train")
        assert abs(closer.value - 750 / 900) < 0.05 and closer.verdict == "good", closer
        assert result.verdict == "good"
    even = privacy(prepare(real.iloc[450:], table(600, 123), train=real.iloc[:450]))
    assert abs(even.score("closer_to_train_holdout").value - 0.5) < 0.1
    assert even.score("closer_to_train").verdict == "good"
    assert abs(even.score("membership_auc").value - 0.5) < 0.1


def test_ids_unique_in_each_split_are_identifiers_though_a_few_recur_across_them():
    """11 of 3,000 patient ids in both the training and the hold-out rows (a readmitted patient) made
    ``patient_id`` a category, and synthetic rows carrying every training patient's id read "good"
    (training identifiers reused: not computed)."""
    import numpy as np

    def patients(n: int, seed: int) -> pd.DataFrame:
        rng = np.random.default_rng(seed)
        ids = [f"P{i:07d}" for i in rng.choice(10**6, n, replace=False)]
        return pd.DataFrame(
            {"patient_id": ids, "age": rng.integers(18, 90, n), "sex": rng.choice(["F", "M"], n)}
        )

    train, hold_out, honest = patients(3_000, 0), patients(3_000, 1), patients(3_000, 2)
    assert len(set(train["patient_id"]) & set(hold_out["patient_id"])) == 11
    leaked = honest.assign(patient_id=train["patient_id"].to_numpy())
    result = privacy(prepare(hold_out, leaked, train=train))
    assert result.score("identifiers_reused").verdict == "poor" and result.verdict == "poor"
    assert privacy(prepare(hold_out, honest, train=train)).score("identifiers_reused").verdict == "good"


def test_a_small_training_set_of_few_combinations_is_no_sign_of_a_hold_out_made_of_training_rows():
    """2,000 hold-out rows of 84 combinations beside 500 training rows (a `fit --holdout 0.8` split) match
    some training row 97% of the time, as rows of common combinations do: taken as training rows given as
    hold-out, they were dropped and honest synthetic rows read "poor: the synthetic data holds real
    records"."""
    import numpy as np

    rng = np.random.default_rng(0)

    def rows(n: int) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "a": rng.choice(list("abcd"), n, p=[0.5, 0.3, 0.15, 0.05]),
                "b": rng.choice(list("xyz"), n, p=[0.6, 0.3, 0.1]),
                "k": rng.poisson(1.5, n),
            }
        )

    hold_out, synthetic, train = rows(2_000), rows(1_000), rows(500)
    result = privacy(prepare(hold_out, synthetic, train=train))
    assert result.verdict == "good" and not result.warnings


def test_synthetic_rows_equal_to_training_rows_are_listed_by_position():
    """A reviewer told "8 of 5,000 synthetic rows are copies" could not find them without a merge."""
    import numpy as np

    rng = np.random.default_rng(0)

    def rows(n: int) -> pd.DataFrame:
        return pd.DataFrame(
            {"x": rng.normal(size=n), "y": rng.gamma(2.0, size=n), "c": rng.choice(list("ab"), n)}
        )

    train, hold_out, synthetic = rows(600), rows(600), rows(500)
    synthetic.iloc[[7, 300]] = train.iloc[[42, 5]].to_numpy()
    copied = privacy(prepare(hold_out, synthetic, train=train)).tables["copied_rows"]
    assert copied.to_dict("list") == {
        "synthetic_row": [7, 300],
        "training_row": [42, 5],
        "hold_out_holds_it_too": [False, False],
    }


def test_real_values_of_a_nearly_unique_category_are_said_at_evaluation():
    """Names that rarely repeat are learned as a category, so every synthetic name is a training patient's:
    `fit` warned of it, and evaluating the rows said nothing (identifiers reused: 0%)."""
    import numpy as np

    rng = np.random.default_rng(0)
    first, last = [f"F{i}" for i in range(30)], [f"L{i}" for i in range(600)]

    def rows(n: int) -> pd.DataFrame:
        names = [f"{a} {b}" for a, b in zip(rng.choice(first, n), rng.choice(last, n), strict=True)]
        return pd.DataFrame({"name": names, "age": rng.integers(18, 90, n)})

    train, hold_out = rows(1_500), rows(1_500)
    copied = rows(1_500).assign(name=rng.choice(train["name"], 1_500))
    said = r"column 'name': 100% of synthetic values are values of the training rows \(hold-out rows: \d+%\)"
    assert any(re.search(said, w) for w in privacy(prepare(hold_out, copied, train=train)).warnings)
    fresh = privacy(prepare(hold_out, rows(1_500), train=train))
    assert not any("of synthetic values are values of the training rows" in w for w in fresh.warnings)
