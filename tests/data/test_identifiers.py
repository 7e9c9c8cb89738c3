"""Identifiers: new ids in the real ids' form, one per output row."""

import warnings

import numpy as np
import pandas as pd
import pytest

from synthloom import get_model, load
from synthloom.data.metadata import Metadata
from synthloom.errors import DataError, DataWarning


def test_text_ids_keep_their_shape_and_are_new():
    import uuid

    from synthloom.data.identifiers import IdentifierEncoder
    from synthloom.data.metadata import ColumnKind, ColumnSpec

    rng = np.random.default_rng(0)
    n = 2000
    spec = ColumnSpec(ColumnKind.IDENTIFIER)
    real = {
        "tx": pd.Series([f"TX-{v:08X}" for v in rng.integers(0, 2**32, n)]),
        "uuid": pd.Series([str(uuid.UUID(bytes=rng.bytes(16), version=4)) for _ in range(n)]),
        "seq": pd.Series([f"P{i:05d}" for i in range(n)]),  # a small space: 2,000 of 100,000 taken
    }
    drawn = {
        name: IdentifierEncoder(name, spec).fit(ids, rng).inverse(np.zeros((3000, 0)), rng)
        for name, ids in real.items()
    }
    assert drawn["tx"].str.fullmatch(r"TX-[0-9A-F]{8}").all()  # prefix and hex kept (was "ST-M0U4266F")
    assert all(uuid.UUID(u).version == 4 and u[19] in "89ab" for u in drawn["uuid"])  # valid UUIDs
    assert drawn["seq"].str.fullmatch(r"P\d{5}").all() and drawn["seq"].isin(real["seq"]).mean() < 0.05
    assert not drawn["tx"].isin(real["tx"]).any() and drawn["tx"].nunique() == 3000
    old = IdentifierEncoder.from_state("tx", spec, {"start": 0, "template": "TX-0012a", "dtype": "object"})
    assert old.inverse(np.zeros((50, 0)), rng).str.fullmatch(r"[A-Z]{2}-\d{4}[a-z]").all()  # older files


def test_uuids_from_a_few_real_ones_keep_their_version_and_variant():
    """From 100 version-4 UUIDs, the variant digit (first of the fourth group: 8, 9, a or b) was drawn as
    any hex digit: 3 in 4 drawn UUIDs were not RFC 4122 ones, which strict validators refuse."""
    import uuid

    rng = np.random.default_rng(0)
    real = pd.DataFrame(
        {"u": [str(uuid.UUID(bytes=rng.bytes(16), version=4)) for _ in range(100)], "x": rng.normal(size=100)}
    )
    drawn = get_model("copula", random_state=0).fit(real).sample(2000, random_state=0)["u"]
    parsed = [uuid.UUID(u) for u in drawn]
    assert all(u.variant == uuid.RFC_4122 and u.version == 4 for u in parsed)
    assert drawn.is_unique and not drawn.isin(real["u"]).any()
    assert drawn.str[19].nunique() == 4 and drawn.str[20].nunique() == 16  # a random digit stays free


def test_no_drawn_id_is_a_real_one_and_the_model_keeps_no_real_id():
    """Patient ids "P" + 6 digits: 58 of 20,000 synthetic rows carried a real patient's id (drawn from the
    whole form, real ids included); ids drawn by shape coincided with about 1% of real ones."""
    import json

    from synthloom.data.identifiers import IdentifierEncoder
    from synthloom.data.metadata import ColumnKind, ColumnSpec

    rng = np.random.default_rng(0)
    spec = ColumnSpec(ColumnKind.IDENTIFIER)
    real = {
        "patient": pd.Series([f"P{v:06d}" for v in rng.choice(10**6, 2000, replace=False)]),
        "customer": pd.Series([f"CUST-{i}" for i in rng.permutation(5000)[:1500] + 1]),
        "number": pd.Series(rng.choice(10**6, 2000, replace=False)),
    }
    for name, ids in real.items():
        state = IdentifierEncoder(name, spec).fit(ids, rng).state()
        assert not any(str(i) in json.dumps(state) for i in ids.iloc[:200] if len(str(i)) > 6)
        drawn = IdentifierEncoder.from_state(name, spec, state).ids(0, 40_000)  # as a model file holds it
        assert drawn.is_unique and not drawn.isin(ids).any(), name
    frame = pd.DataFrame({"patient": real["patient"], "x": rng.normal(size=2000)})
    fake = get_model("copula", random_state=0).fit(frame).sample(20_000)
    assert fake["patient"].str.fullmatch(r"P\d{6}").all() and fake["patient"].is_unique
    assert not fake["patient"].isin(real["patient"]).any()


def test_a_small_set_of_ids_draws_longer_digit_runs_not_real_ids():
    """100 ids "CUST-1" to "CUST-100" were drawn as "CUST-" and two digits (90% of them are that long): 1,000
    rows held 900 repeats, 900 real ids and "CUST-02", a form no real id has. They are drawn by shape, the
    digit runs longer where the real ids fill them: unique, none real, no leading zero."""
    rng = np.random.default_rng(0)
    real = pd.DataFrame({"customer": [f"CUST-{i}" for i in range(1, 101)], "x": rng.normal(size=100)})
    drawn = get_model("copula", random_state=0).fit(real).sample(1000, random_state=0)["customer"]
    assert drawn.is_unique and not drawn.isin(real["customer"]).any()
    assert drawn.str.fullmatch(r"CUST-[1-9]\d{2,4}").all()
    assert (drawn.str.len() == len("CUST-100")).mean() > 0.3  # the real ids' lengths first, where free


def test_ids_of_many_lengths_are_drawn_by_shape_new_and_unique():
    """E-mail addresses were drawn position by position at the most common length ("abhuo.srluzw29cbqn"
    without an "@"); they keep their shape now, common runs (domains, first names) as they are, rare ones
    (surnames held by one person) never copied."""
    from synthloom.data.identifiers import IdentifierEncoder
    from synthloom.data.metadata import ColumnKind, ColumnSpec

    rng = np.random.default_rng(0)
    n = 1500
    first = rng.choice(["john", "mary", "li", "ahmed", "sofia"], n)
    surnames = ["".join(rng.choice(list("abcdefghijklmnopqrstuvwxyz"), rng.integers(3, 9))) for _ in range(n)]
    domains = rng.choice(["gmail.com", "example.org", "corp.co.uk"], n)
    emails = pd.Series(
        [f"{f}.{s}{i}@{d}" for i, (f, s, d) in enumerate(zip(first, surnames, domains, strict=True))]
    )
    customers = pd.Series([f"CUST-{i}" for i in rng.permutation(5000)[:n] + 1])
    spec = ColumnSpec(ColumnKind.IDENTIFIER)
    drawn = {
        name: IdentifierEncoder(name, spec).fit(ids, rng).inverse(np.zeros((4000, 0)), rng)
        for name, ids in {"email": emails, "customer": customers}.items()
    }
    shape = r"^(?P<first>[a-z]+)\.(?P<last>[a-z]+)(?P<n>[1-9]\d*|0)@(?P<domain>.+)$"
    parts = drawn["email"].str.extract(shape)
    assert parts.notna().all().all()  # every drawn address has the real ones' shape
    assert set(parts["first"]) == set(first) and set(parts["domain"]) == set(domains)
    assert parts["last"].isin(surnames).mean() < 0.01  # rare runs are drawn at random, not copied
    assert drawn["email"].is_unique and not drawn["email"].isin(emails).any()
    assert drawn["customer"].str.fullmatch(r"CUST-[1-9]\d*").all() and drawn["customer"].is_unique
    assert drawn["customer"].str.len().nunique() > 1  # several lengths, as the real ids
    # 1,500 of the 5,000 ids "CUST-1" to "CUST-5000" are taken: drawn longer, few drawn ids are real ones
    assert drawn["customer"].isin(customers).mean() < 0.02


def test_ids_of_mixed_lengths_keep_the_real_lengths_and_older_files_draw_as_before():
    """Each run of an id by shape drew its length alone: letters-digits-letters ids of 4 to 12 characters
    ("8IBHVKSG79HKG") came back 2 to 24 long, 10% of them outside the real range. The runs' lengths are
    drawn together now, as the real ids hold them; a model file without them draws as it did."""
    import string

    from synthloom.data.identifiers import IdentifierEncoder
    from synthloom.data.metadata import ColumnKind, ColumnSpec

    rng = np.random.default_rng(1)
    chars = list(string.ascii_uppercase + string.digits)
    real = pd.Series(
        list(dict.fromkeys("".join(rng.choice(chars, rng.integers(4, 13))) for _ in range(2000)))
    )
    spec = ColumnSpec(ColumnKind.IDENTIFIER)
    encoder = IdentifierEncoder("mid", spec).fit(real, np.random.default_rng(0))
    drawn = encoder.ids(0, 30_000, 7)
    assert drawn.str.len().between(4, 12).all()  # was 10% outside
    assert drawn.str.len().value_counts(normalize=True).min() > 0.05  # every real length, about as often
    assert drawn.str.fullmatch("[A-Z0-9]+").all() and drawn.is_unique and not drawn.isin(real).any()
    chunks = pd.concat(
        [encoder.ids(first, 10_000, 7) for first in range(0, 30_000, 10_000)], ignore_index=True
    )
    assert chunks.equals(drawn)
    state = encoder.state()
    for shape in state["shapes"]:
        del shape["run_lengths"]
    old = IdentifierEncoder.from_state("mid", spec, state).ids(0, 30_000, 7)
    assert list(old[:4]) == ["11025F", "8IBHVKSG79HKG", "1X9UO", "XD6TX5S6"]  # as the source before drew
    assert (~old.str.len().between(4, 12)).mean() > 0.05


def test_rare_runs_draw_each_letter_from_those_seen_in_its_place():
    """Ids "x", four of "abcd", "-N": the runs fewer than 5 ids share were drawn from a to z ("ekgqm-1827",
    4.45% of the ids); they keep the "x" and the "a" to "d" now, and are never a real id's."""
    from synthloom.data.identifiers import IdentifierEncoder
    from synthloom.data.metadata import ColumnKind, ColumnSpec

    rng = np.random.default_rng(2)
    runs = ["x" + "".join(rng.choice(list("abcd"), 4)) for _ in range(2000)]
    real = pd.Series([f"{run}-{i}" for i, run in enumerate(runs)])
    spec = ColumnSpec(ColumnKind.IDENTIFIER)
    encoder = IdentifierEncoder("a_id", spec).fit(real, np.random.default_rng(0))
    drawn = encoder.ids(0, 20_000)
    assert drawn.str.fullmatch(r"x[abcd]{4}-\d+").all()  # was 4% of a to z
    assert drawn.is_unique and not drawn.isin(real).any()
    state = encoder.state()
    for slot in state["shapes"][0]["slots"]:
        slot.pop("positions", None)
    old = IdentifierEncoder.from_state("a_id", spec, state).ids(0, 20_000)  # a file written before
    assert not old.str.fullmatch(r"x[abcd]{4}-\d+").all() and old.is_unique


def test_id_runs_shared_alone_are_not_drawn_in_a_combination_few_ids_hold():
    """ "john" and "smith" may each be common while "john.smith" names one person: a drawn id holds only
    combinations of kept runs that at least MIN_SHARED_RUN real ids hold."""
    from synthloom.data.identifiers import MIN_SHARED_RUN, IdentifierEncoder
    from synthloom.data.metadata import ColumnKind, ColumnSpec

    rng = np.random.default_rng(1)
    # 30 first names and surnames (6 letters: a run drawn at random is none of them): pairs are rare
    names = [f"{a}{b}rian" for a in "bcdfgh" for b in "aeiou"]
    pairs = pd.DataFrame({"first": rng.choice(names, 400), "last": rng.choice(names, 400)})
    ids = pd.Series([f"{f}.{s}-{i}" for i, (f, s) in enumerate(pairs.itertuples(index=False))])
    encoder = IdentifierEncoder("id", ColumnSpec(ColumnKind.IDENTIFIER)).fit(ids, rng)
    drawn = encoder.inverse(np.zeros((3000, 0)), rng).str.extract(r"^(?P<first>[a-z]+)\.(?P<last>[a-z]+)-")
    held = pairs.value_counts()
    both_real = drawn["first"].isin(names) & drawn["last"].isin(names)
    assert drawn["first"].isin(names).any() or drawn["last"].isin(names).any()  # common runs kept
    assert all(held.get((f, s), 0) >= MIN_SHARED_RUN for f, s in drawn[both_real].itertuples(index=False))


def test_ids_keep_their_case_missing_share_and_whole_column_and_an_empty_id_is_no_error():
    """One "John.Smith" among lower-case addresses made every drawn letter a random case; ids were learned
    from the first 10,000 rows only (a sorted file: its first names); missing ids were filled; "" crashed."""
    from synthloom.data.identifiers import IdentifierEncoder
    from synthloom.data.metadata import ColumnKind, ColumnSpec

    rng = np.random.default_rng(0)
    letters = list("abcdefghijklmnopqrstuvwxyz")
    names = sorted("".join(rng.choice(letters, 6)) for _ in range(18))
    first = np.repeat(names, 1200)  # sorted: the first 10,000 rows hold 9 of the 18 names
    ids = pd.Series([f"{f}.{''.join(rng.choice(letters, 7))}{i}@mail.org" for i, f in enumerate(first)])
    ids[0], ids[5], ids[8] = "John.Smith@mail.org", "", None
    ids[10:3000] = None
    encoder = IdentifierEncoder("e", ColumnSpec(ColumnKind.IDENTIFIER)).fit(ids, rng)
    # the model's rows say which ids are missing (their indicator): here real rows drawn again
    drawn = encoder.inverse(encoder.transform(ids.sample(6000, replace=True, random_state=0)), rng)
    present = drawn.dropna()
    assert abs(drawn.isna().mean() - ids.isna().mean()) < 0.03
    assert present.str.fullmatch(r"[a-z]+\.[a-z]+\d+@mail\.org").mean() > 0.99
    assert present.str.split(".").str[0].isin(names[9:]).mean() > 0.3  # names past the first 10,000 rows


def test_unique_names_are_drawn_in_their_shape_not_copied():
    rng = np.random.default_rng(0)
    first = rng.choice(["Anna", "Omar", "Li", "Peter", "Sofia"], 600)
    last = ["".join(rng.choice(list("abcdefghij"), 7)).title() for _ in range(600)]
    frame = pd.DataFrame(
        {"name": [f"{f} {s}" for f, s in zip(first, last, strict=True)], "x": rng.normal(size=600)}
    )
    fake = get_model("copula", random_state=0).fit(frame).sample(600)
    assert not fake["name"].isin(frame["name"]).any()
    assert fake["name"].str.fullmatch(r"(Anna|Omar|Li|Peter|Sofia) [A-Z][a-z]+").mean() > 0.9


@pytest.mark.parametrize(
    ("edit", "fragment"),
    [
        (lambda slot, shape: slot["lengths"].update({"1000000000": 1}), "longer than"),
        (lambda slot, shape: slot["cases"].update(shouting=1), "unknown case"),
        (lambda slot, shape: shape["combos"].update({"a": 1}), "does not fit its shape"),
        (lambda slot, shape: shape["run_lengths"].popitem(), "combinations their shape does not hold"),
        (
            lambda slot, shape: next(iter(shape["run_lengths"].values())).update({"\x00-\x001000000000": 1}),
            "do not fit their combination",
        ),
        (lambda slot, shape: slot.update(positions={"3": ["a", "b"]}), "per position do not fit"),
    ],
)
def test_id_shapes_from_a_damaged_file_are_refused(edit, fragment):
    """A model file's shapes are drawn from at sampling: a run of 10^9 letters would take the memory."""
    from synthloom.data.identifiers import IdentifierEncoder
    from synthloom.data.metadata import ColumnKind, ColumnSpec

    spec = ColumnSpec(ColumnKind.IDENTIFIER)
    ids = pd.Series([f"CUST-{i}" for i in range(1, 3000, 7)])
    state = IdentifierEncoder("id", spec).fit(ids, np.random.default_rng(0)).state()
    shape = state["shapes"][0]
    edit(next(slot for slot in shape["slots"] if "literal" not in slot), shape)
    with pytest.raises(ValueError, match=fragment):
        IdentifierEncoder.from_state("id", spec, state)


def test_an_id_space_is_used_up_before_ids_grow_longer_and_that_is_told():
    """Drawn at random, ids among as many possible ones hold about 63% distinct; a permutation of the space
    left free of the real ids' parts holds them all, and rows past it draw longer ids (with a warning)."""
    from synthloom.data.identifiers import IdentifierEncoder, _unpacked
    from synthloom.data.metadata import ColumnKind, ColumnSpec
    from synthloom.errors import DataWarning

    ids = pd.Series([f"P{i:05d}" for i in range(2000)])  # "P" and five digits: 100,000 ids
    encoder = IdentifierEncoder("seq", ColumnSpec(ColumnKind.IDENTIFIER)).fit(ids, np.random.default_rng(0))
    taken = encoder.taken
    free = int((~_unpacked(taken["bits"], taken["size"])).sum()) * taken["part"]
    assert 40_000 < free < 98_000
    drawn = encoder.ids(0, free)
    assert drawn.is_unique and drawn.str.fullmatch(r"P\d{5}").all() and not drawn.isin(ids).any()
    assert encoder.ids(30_000, 10).tolist() == drawn.iloc[30_000:30_010].tolist()  # the row decides the id
    assert encoder.fixed_room() == free
    with pytest.warns(
        DataWarning, match=rf"'seq': the real ids' form holds {free:,} new ids, so rows {free + 1:,}"
    ):
        past = encoder.ids(free - 10, 20)
    assert past.iloc[:10].str.fullmatch(r"P\d{5}").all() and past.iloc[10:].str.fullmatch(r"P\d{6}").all()


@pytest.mark.parametrize(
    ("real", "rows"),
    [
        ([f"CUST-{i}" for i in range(10, 100)], 1000),
        ([f"K{i}" for i in range(10, 100)], 2000),
        ([f"K{i}" for i in range(10, 90)], 200),
        ([f"K{i}" for i in range(100, 1000)], 100),
        (["X1"] * 300, 300),
    ],
)
def test_ids_that_fill_their_form_draw_longer_ids_never_real_ones(real, rows):
    """90 ids "CUST-10" to "CUST-99" mark every part of the 100 ids "CUST-" and two digits: 900 of 1,000 rows
    drew real ids (the whole form, drawn where no part was free), the warning saying the form held 100 new
    ids; "K100" to "K999" drew 89 real ids in 100 rows without a word, one id "X1" itself in 10% of rows.
    Rows the form has no free id for draw it longer, past the lengths of the real ids that spell it."""
    from synthloom.data.identifiers import IdentifierEncoder
    from synthloom.data.metadata import ColumnKind, ColumnSpec

    spec = ColumnSpec(ColumnKind.IDENTIFIER)
    encoder = IdentifierEncoder("code", spec).fit(pd.Series(real), np.random.default_rng(0))
    with pytest.warns(DataWarning, match=r"'code': the real ids' form holds (\d+ new ids|no new id)"):
        drawn = IdentifierEncoder.from_state("code", spec, encoder.state()).ids(0, rows)
    assert drawn.is_unique and not drawn.isin(set(real)).any()
    assert (drawn.str[0] == real[0][0]).all() and (drawn.str.len() > len(real[-1])).mean() > 0.5


def test_ids_past_their_form_skip_the_lengths_of_real_ids_of_that_form():
    """Ids mostly "P" and six digits, a few seven: rows past the six-digit form's room draw eight digits."""
    from synthloom.data.identifiers import IdentifierEncoder
    from synthloom.data.metadata import ColumnKind, ColumnSpec

    six = np.random.default_rng(0).choice(10**6, 100, replace=False)
    real = pd.Series([f"P{i:06d}" for i in six] + [f"P{i}" for i in range(10**6, 10**6 + 5)])
    encoder = IdentifierEncoder("code", ColumnSpec(ColumnKind.IDENTIFIER)).fit(real, np.random.default_rng(0))
    assert encoder.alphabets is not None and encoder.longer == 2
    with pytest.warns(DataWarning, match=r"draw ids 2 characters longer"):
        drawn = encoder.ids(encoder.fixed_room() - 5, 10)
    assert drawn.iloc[:5].str.fullmatch(r"P\d{6}").all() and drawn.iloc[5:].str.fullmatch(r"P\d{8}").all()


def test_ids_past_their_form_skip_every_length_real_ids_of_that_form_have():
    """Ids mostly "P" and six digits, a few eight, none seven: only the first longer length was looked at,
    so once the seven-digit ids were used up rows drew eight digits, the real ones' form; they draw nine.
    A model file written before draws as then."""
    from synthloom.data.identifiers import IdentifierEncoder
    from synthloom.data.metadata import ColumnKind, ColumnSpec

    six = np.random.default_rng(0).choice(10**6, 100, replace=False)
    real = pd.Series([f"P{i:06d}" for i in six] + [f"P{i}" for i in range(10**7, 10**7 + 5)])
    encoder = IdentifierEncoder("code", ColumnSpec(ColumnKind.IDENTIFIER)).fit(real, np.random.default_rng(0))
    assert encoder.alphabets is not None and encoder.longer == 1
    past_seven = encoder.fixed_room() + 10**7
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)  # ids past the form's room: said at its first row
        drawn = encoder.ids(past_seven - 5, 10)
        assert drawn.iloc[:5].str.fullmatch(r"P\d{7}").all() and drawn.iloc[5:].str.fullmatch(r"P\d{9}").all()
        reloaded = IdentifierEncoder.from_state("code", encoder.spec, encoder.state())
        assert reloaded.ids(past_seven - 5, 10).equals(drawn)
        state = encoder.state()
        state.pop("skipped")
        old = IdentifierEncoder.from_state("code", encoder.spec, state).ids(past_seven - 5, 10)
    assert old.iloc[:5].equals(drawn.iloc[:5]) and old.iloc[5:].str.fullmatch(r"P\d{8}").all()
    for bad in ([1], [2.0], "2", [10**6]):
        with pytest.raises(ValueError, match="growths to skip"):
            IdentifierEncoder.from_state("code", encoder.spec, {**encoder.state(), "skipped": bad})


def test_runs_that_fill_their_length_are_drawn_not_kept():
    """Two-letter surnames and numbers 10 to 99 are each held by several ids: kept as they are in some ids
    and drawn in others, the two spelled the same id (2,910 repeats in 100,000)."""
    from synthloom.data.identifiers import IdentifierEncoder
    from synthloom.data.metadata import ColumnKind, ColumnSpec

    rng = np.random.default_rng(0)
    letters = list("abcdefghijklmnopqrstuvwxyz")
    names = rng.choice(["john", "mary", "li", "ahmed", "sofia"], 3000)
    ids = pd.Series([f"{a}.{''.join(rng.choice(letters, 2))}{rng.integers(10, 100)}@mail.com" for a in names])
    encoder = IdentifierEncoder("e", ColumnSpec(ColumnKind.IDENTIFIER)).fit(ids, np.random.default_rng(0))
    drawn = encoder.ids(0, 100_000)
    assert (
        drawn.is_unique and drawn.str.fullmatch(r"(john|mary|li|ahmed|sofia)\.[a-z]{2}\d{2}@mail\.com").all()
    )


def test_random_runs_of_other_scripts_draw_their_letters():
    """Cyrillic surnames were drawn in a to z ("Иван Qwxkz"); a script without case keeps its letters."""
    from synthloom.data.identifiers import IdentifierEncoder
    from synthloom.data.metadata import ColumnKind, ColumnSpec

    rng = np.random.default_rng(0)
    cyrillic = list("абвгдежзийклмнопрстуфхцчшщэюя")
    first = rng.choice(["Иван", "Мария", "Олег", "Анна", "Пётр"], 800)
    names = pd.Series([f"{a} {''.join(rng.choice(cyrillic, rng.integers(4, 9))).title()}" for a in first])
    chinese = pd.Series(["".join(rng.choice(list("王李张刘陈杨赵黄周吴"), 2)) + str(i) for i in range(800)])
    spec = ColumnSpec(ColumnKind.IDENTIFIER)
    drawn = IdentifierEncoder("n", spec).fit(names, np.random.default_rng(0)).ids(0, 2000)
    assert drawn.str.fullmatch(r"(Иван|Мария|Олег|Анна|Пётр) [А-Я][а-я]+").all() and drawn.is_unique
    drawn = IdentifierEncoder("c", spec).fit(chinese, np.random.default_rng(0)).ids(0, 2000)
    assert drawn.str.fullmatch(r"[王李张刘陈杨赵黄周吴]{2}[1-9]\d*").all()


def test_ids_follow_the_row_differ_by_column_and_runs_that_meet_are_drawn_again():
    """Files written before ids had a key gave every column of one form the same ids (sender = receiver);
    long ids spelled from a hash moved with the other rows of a draw; a random run spelling a kept one
    ("123/45-C" drawn and kept) repeated ids (131 in 50,000)."""
    from synthloom.data.identifiers import IdentifierEncoder
    from synthloom.data.metadata import ColumnKind, ColumnSpec

    rng = np.random.default_rng(1)
    spec = ColumnSpec(ColumnKind.IDENTIFIER)
    ibans = pd.Series([f"DE{v:08d}" for v in rng.choice(10**8, 500, replace=False)])
    state = IdentifierEncoder("sender", spec).fit(ibans, rng).state()
    del state["key"]
    sender, receiver = (IdentifierEncoder.from_state(name, spec, state).ids(0, 200) for name in ("a", "b"))
    assert not sender.isin(receiver).any()
    words = pd.Series(
        [
            " ".join("".join(rng.choice(list("abcdefgh"), rng.integers(3, 12))).title() for _ in range(3))
            for _ in range(300)
        ]
    )
    names = IdentifierEncoder("name", spec).fit(words, rng)
    assert names.ids(0, 1000).iloc[500:].tolist() == names.ids(500, 500).tolist()
    codes = pd.Series(
        [f"{rng.integers(1, 999)}/{rng.integers(1, 99)}-{rng.choice(list('ABCxyz'))}" for _ in range(30)]
    )
    assert IdentifierEncoder("code", spec).fit(codes.drop_duplicates(), rng).ids(0, 50_000).is_unique


def test_integers_past_2_to_53_are_codes_kept_exact(tmp_path):
    """Card and account numbers past 2**53 were learned as quantities through float64: every synthetic
    value a multiple of 128, real ones changed, and a unique uint64 column past int64 could not be drawn."""
    rng = np.random.default_rng(2)
    cards = 9_100_000_000_000_000 + rng.integers(0, 10**15, 300)
    frame = pd.DataFrame(
        {
            "card": rng.choice(cards, 2000),
            "account": rng.choice((10**18 + rng.integers(0, 10**17, 400)).astype(np.uint64), 2000),
            "pan": np.array([9_300_000_000_000_000_000 + int(i) for i in rng.permutation(2000)], np.uint64),
            "amount": rng.gamma(2, 30, 2000).round(2),
        }
    )
    kinds = Metadata.infer(frame).columns
    assert [kinds[c].kind for c in ("card", "account", "pan")] == ["categorical", "categorical", "identifier"]
    model = get_model("copula", random_state=0).fit(frame)
    model.save(tmp_path / "m.synthloom")
    loaded = load(tmp_path / "m.synthloom")
    for fake in (model.sample(500, random_state=0), loaded.sample(500, random_state=0)):
        assert fake["card"].isin(frame["card"]).all() and fake["account"].isin(frame["account"]).all()
        assert fake["pan"].dtype == np.uint64 and not fake["pan"].isin(frame["pan"]).any()
        assert fake["pan"].is_unique and (fake["pan"] > frame["pan"].max()).all()


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_integers_past_2_to_53_with_gaps_stay_exact(tmp_path, fmt):
    """Nullable ids (Int64) gave a model that could not sample ("data type 'Int64' not understood"); from a
    CSV, where pandas reads gaps as floats, 266 ids came back as one value, 4.611686018427388e+18."""
    from synthloom.data.io import read_table

    n = 300
    frame = pd.DataFrame(
        {
            "account": pd.array([2**62 + i if i % 9 else None for i in range(n)], dtype="Int64"),
            "card": pd.array([4 * 10**18 + i % 40 if i % 7 else None for i in range(n)], "Int64"),
            "amount": np.arange(n, dtype=float),
        }
    )
    path = tmp_path / f"real.{fmt}"
    frame.to_parquet(path) if fmt == "parquet" else frame.to_csv(path, index=False)
    real = read_table(path)
    assert real["account"].dtype == "Int64" and real["account"].tolist() == frame["account"].tolist()
    model = get_model("copula", random_state=0).fit(real)
    model.save(tmp_path / "m.synthloom")
    fake = load(tmp_path / "m.synthloom").sample(300, random_state=0)
    drawn = fake["account"].dropna()
    assert drawn.is_unique and (drawn > frame["account"].max()).all()
    assert 0 < fake["account"].isna().mean() < 0.3
    assert fake["card"].dropna().isin(frame["card"].dropna()).all()
    assert fake["card"].nunique() > 30  # every level drawn (mapped through floats, all became one)


def test_ids_that_leave_no_room_for_new_ones_are_refused_at_fit():
    """uint64 ids ending at 2**64 - 2 were drawn as 18446744073709551615, 0, 1, 2 ...: real ids again; then
    such a model fitted and saved, and failed at load as 'corrupt'."""
    ids = np.array([0, 1, 2, 3, *(2**64 - 2 - np.arange(60, dtype=np.uint64))], dtype=np.uint64)
    frame = pd.DataFrame({"id": ids, "x": np.arange(64.0)})
    kinds = {"columns": {"id": {"kind": "identifier"}}}
    with pytest.raises(DataError, match=r"'id': no new id fits in uint64 above the largest real id or below"):
        get_model("copula", random_state=0).fit(frame, metadata=kinds)


def test_ids_counting_down_stay_positive_and_stop_where_they_would_not():
    """int64 ids 5 - 254 and up to 2**63 - 1 counted down into -1, -2 ... (the uint64 ones refused)."""
    ids = np.array([*range(5, 255), *(2**63 - 1 - np.arange(250))], dtype=np.int64)
    frame = pd.DataFrame({"id": ids, "x": np.arange(500.0)})
    kinds = {"columns": {"id": {"kind": "identifier"}}}
    with pytest.warns(DataWarning, match=r"only 5 new ids fit in int64 beside the real ones"):
        model = get_model("copula", random_state=0).fit(frame, metadata=kinds)
    assert sorted(model.sample(5, random_state=0)["id"]) == [0, 1, 2, 3, 4]
    with pytest.raises(
        DataError, match=r"only 5 new ids fit in int64 beside the real ones \(0 above the largest, 5 below"
    ):
        model.sample(6)


def test_small_integer_ids_count_up_then_down_and_never_wrap(tmp_path):
    """uint8 ids 200 - 255: 150 rows drew 0 - 149 (256 and on wrapped round to 0), 201 rows a real id and 300
    rows 44 repeats and every real id; int8 ids 70 - 125 drew 126, 127, -128, -127. Ids count up while
    the column's integers have room, then down from the smallest (to 0 at most), and an output needing
    more is refused before a row is drawn, on the command line too (exit 2, nothing written)."""
    from typer.testing import CliRunner

    from synthloom.cli import app

    rng = np.random.default_rng(0)
    unsigned = pd.DataFrame({"id": np.arange(200, 256, dtype=np.uint8), "x": rng.normal(size=56)})
    signed = pd.DataFrame({"id": np.arange(70, 126, dtype=np.int8), "x": rng.normal(size=56)})
    model = get_model("copula", random_state=0).fit(unsigned)
    drawn = model.sample(200, random_state=0)["id"]
    assert str(drawn.dtype) == "uint8" and drawn.tolist() == list(range(199, -1, -1))
    with pytest.raises(
        DataError, match=r"only 200 new ids fit in uint8 beside the real ones .* 201 are asked"
    ):
        model.sample(201)
    drawn = get_model("copula", random_state=0).fit(signed).sample(72, random_state=0)["id"]
    assert str(drawn.dtype) == "int8" and drawn.tolist() == [126, 127, *range(69, -1, -1)]
    with pytest.raises(DataError, match=r"only 72 new ids fit in int8 .* \(2 above the largest, 70 below"):
        get_model("copula", random_state=0).fit(signed).sample(73)
    model.save(tmp_path / "m.synthloom")
    out = tmp_path / "out.parquet"
    result = CliRunner().invoke(app, ["sample", str(tmp_path / "m.synthloom"), "-n", "300", "-o", str(out)])
    assert result.exit_code == 2 and "only 200 new ids fit in uint8" in result.output
    assert not out.exists()


@pytest.mark.parametrize(("top", "dtype"), [(2**64 - 1, "UInt64"), (2**63 - 1, "Int64")])
def test_ids_at_the_top_of_their_integers_count_down_from_the_smallest(top, dtype, tmp_path):
    """Card numbers up to 2**64 - 1 (with gaps) fitted without a word, and every sample then failed: the
    new ids had no room above the largest. Below the smallest there is, and the ids stay positive."""
    ids = pd.array([top - 7 * i for i in range(200)], dtype=dtype)
    ids[::10] = pd.NA
    frame = pd.DataFrame({"id": ids, "x": np.arange(200.0)})
    kinds = {"columns": {"id": {"kind": "identifier"}}}
    model = get_model("copula", random_state=0).fit(frame, metadata=kinds)
    model.save(tmp_path / "m.synthloom")
    drawn = load(tmp_path / "m.synthloom").sample(500, random_state=0)["id"]
    new = drawn.dropna()
    assert str(drawn.dtype) == dtype and new.is_unique and not new.isin(set(ids.dropna())).any()
    # the few ids left above the largest real one first (its row 0 is missing), then down from the smallest
    real = ids.dropna()
    assert new.min() > 0 and not ((new >= int(real.min())) & (new <= int(real.max()))).any()
    assert 0 < (new > int(real.max())).sum() <= top - int(real.max())


def test_unsigned_ids_past_int64_with_gaps_in_a_csv_are_read_exactly(tmp_path):
    """pandas reads them as text (blanks as ''): fit warned of '' as not a number, and sampling failed."""
    from synthloom.data.io import read_table

    path = tmp_path / "u.csv"
    rows = [f"{18_446_744_073_709_000_000 + i if i % 5 else ''},{i}" for i in range(100)]
    path.write_text("account,x\n" + "\n".join(rows) + "\n")
    real = read_table(path)
    assert real["account"].dtype == "UInt64" and real["account"].isna().sum() == 20
    fake = get_model("copula", random_state=0).fit(real).sample(50, random_state=0)
    new = fake["account"].dropna()  # counted on past the largest: 2**64 - 1 leaves room for 551,516
    assert new.is_unique and new.gt(real["account"].max()).all()


def test_conditional_draws_use_no_ids_for_the_rows_they_throw_away():
    """With 100 new ids, 60 rows of a range condition failed: the rejection sampler's discarded rows were
    given ids too (256 asked for)."""
    rng = np.random.default_rng(0)
    ids = np.concatenate([np.arange(100, 400), 2**63 - 1 - np.arange(50)]).astype(np.int64)
    frame = pd.DataFrame({"id": ids, "amount": rng.gamma(2.0, 50.0, len(ids))})
    kinds = {"columns": {"id": {"kind": "identifier"}}}
    with pytest.warns(DataWarning, match="only 100 new ids fit"):
        model = get_model("copula", random_state=0).fit(frame, metadata=kinds)
    fake = model.sample(60, conditions={"amount": (50.0, 100.0)}, random_state=0)
    assert fake["amount"].between(50.0, 100.0).all()
    assert sorted(fake["id"]) == list(range(40, 100))


def test_whole_number_ids_read_as_floats_come_back_as_integers(tmp_path):
    """Integer ids with gaps in a CSV ("1,2,,4") read as float64, and the model drew "1002.0": nine in ten
    synthetic ids broke the ids' form. They come back as nullable integers, the gaps still missing."""
    from synthloom.data.io import read_table

    rng = np.random.default_rng(0)
    ids = pd.array(np.arange(1, 401), dtype="Int64")
    ids[rng.random(400) < 0.1] = pd.NA
    pd.DataFrame({"id": ids, "age": rng.integers(18, 90, 400)}).to_csv(tmp_path / "real.csv", index=False)
    real = read_table(tmp_path / "real.csv")
    assert real["id"].dtype == "float64"  # what a CSV reader makes of them
    drawn = get_model("copula", random_state=0).fit(real).sample(1000, random_state=0)
    assert drawn["id"].dtype == "Int64" and 0.03 < drawn["id"].isna().mean() < 0.2
    drawn.to_csv(tmp_path / "synthetic.csv", index=False)
    written = pd.read_csv(tmp_path / "synthetic.csv", dtype=str, keep_default_na=False)["id"]
    assert written[written != ""].str.fullmatch(r"\d+").all()  # "1002", not "1002.0"


def _in_chunks(encoder, rows: int, chunk: int) -> pd.Series:
    """The ids of an output of ``rows`` rows drawn ``chunk`` rows at a time, as ``sample_to_file`` does."""
    return pd.concat([encoder.ids(s, min(chunk, rows - s)) for s in range(0, rows, chunk)], ignore_index=True)


def test_ids_by_shape_drawn_in_chunks_hold_no_id_twice():
    """Ids drawn in chunks met ids of other chunks where one draw drew them again: rows of a large variant
    drawing a marked id again wrapped round a region too small for them ("CUST-7" to "CUST-20006", 200,000
    rows: 2 repeats), and a random run spelled a run other ids keep ("ana" drawn and kept: e-mails)."""
    from synthloom.data.identifiers import IdentifierEncoder
    from synthloom.data.metadata import ColumnKind, ColumnSpec

    spec = ColumnSpec(ColumnKind.IDENTIFIER)
    cust = IdentifierEncoder("c", spec).fit(
        pd.Series([f"CUST-{i}" for i in range(7, 20_007)]), np.random.default_rng(0)
    )
    drawn = _in_chunks(cust, 200_000, 20_000)
    assert drawn.is_unique and drawn.str.fullmatch(r"CUST-[1-9]\d*").all()
    rng = np.random.default_rng(1)
    first, last = ["ana", "li", "tom", "eva", "sam"], ["chen", "kim", "lee", "ng", "silva"]
    mails = {f"{rng.choice(first)}.{rng.choice(last)}{rng.integers(1, 999)}@mail.ru" for _ in range(3_000)}
    encoder = IdentifierEncoder("e", spec).fit(pd.Series(sorted(mails)), np.random.default_rng(0))
    assert _in_chunks(encoder, 60_000, 6_000).is_unique


def test_ids_that_two_cases_write_alike_are_told_in_later_chunks():
    """One-letter runs written in upper and title case ("C") can meet across chunks: said, not hidden."""
    from synthloom.data.identifiers import IdentifierEncoder
    from synthloom.data.metadata import ColumnKind, ColumnSpec

    rng = np.random.default_rng(0)
    letters = list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
    ids = pd.Series(
        list(
            {f"{''.join(rng.choice(letters, rng.integers(1, 4)))}{rng.integers(0, 99)}" for _ in range(3000)}
        )
    )
    encoder = IdentifierEncoder("m", ColumnSpec(ColumnKind.IDENTIFIER)).fit(ids, np.random.default_rng(0))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        encoder.ids(0, 100)  # one draw draws its repeats again: nothing to say
    with pytest.warns(DataWarning, match="'m': ids of one letter.*chunks or parts may repeat"):
        encoder.ids(100, 100)


@pytest.mark.parametrize("dtype", ["int64", "int16", "Int64"])
def test_negative_ids_count_on_below_the_smallest_and_keep_their_sign(dtype):
    """Ids -5000 to -1 came back 0 to 4999: counted up past the largest real one into positive numbers.
    They count down past the smallest first, then up from the largest to -1 at most, never a real id."""
    real = pd.Series(np.random.default_rng(0).permutation(np.arange(-5000, 0))[:2000]).astype(dtype)
    frame = pd.DataFrame({"n_id": real, "x": np.arange(2000.0)})
    model = get_model("copula", random_state=0).fit(frame)
    drawn = model.sample(50, random_state=0)["n_id"]
    assert str(drawn.dtype) == dtype and drawn.tolist() == list(
        range(int(real.min()) - 1, int(real.min()) - 51, -1)
    )
    if dtype == "int16":  # -32,768 to the smallest, then the largest to -1; no more
        room = int(real.min()) + 32_768 - int(real.max()) - 1
        drawn = model.sample(room, random_state=0)["n_id"]
        assert drawn.is_unique and (drawn < 0).all() and not drawn.isin(set(real)).any()
        with pytest.raises(DataError, match=r"only [\d,]+ new ids fit in int16 beside the real ones"):
            model.sample(room + 1)


def test_an_output_drawn_in_chunks_tells_once_from_which_row_ids_grow_longer(tmp_path):
    """An output of 400,000 rows said "(37,500 of these 100,000 rows)" of the ids past its form's room: the
    count of its last chunk alone, told in every chunk past the room. It is told once, naming the output's
    first row past the room."""
    from synthloom.data.identifiers import IdentifierEncoder
    from synthloom.sampling import sample_to_file

    rng = np.random.default_rng(0)
    real = pd.Series([f"P{i:03d}" for i in rng.choice(1000, 100, replace=False)])
    model = get_model("copula", random_state=0).fit(pd.DataFrame({"code": real, "x": rng.normal(size=100)}))
    encoder = next(e for e in model.transformer_.encoders_ if isinstance(e, IdentifierEncoder))
    room = encoder.fixed_room()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        sample_to_file(model, 1000, tmp_path / "out.csv", seed=0, chunk_rows=100)
    told = [str(w.message) for w in caught if issubclass(w.category, DataWarning)]
    assert len(told) == 1 and f"so rows {room + 1:,} onward of the output" in told[0]
    drawn = pd.read_csv(tmp_path / "out.csv")["code"]
    assert drawn.is_unique and not drawn.isin(real).any()


def test_a_run_every_id_holds_is_kept_as_part_of_the_form():
    """Ids "INV-2023-" and six digits drew "INV-0243-777040": the form had too little room for 2,000 real
    ids, so the shared digits were drawn too, and 0.02% of rows kept "INV-2023-". A digit every one of
    many ids holds is the form's; rows past the room draw longer ids."""
    from synthloom.data.identifiers import IdentifierEncoder
    from synthloom.data.metadata import ColumnKind, ColumnSpec

    real = pd.Series(
        [f"INV-2023-{i:06d}" for i in np.random.default_rng(0).choice(10**6, 2000, replace=False)]
    )
    encoder = IdentifierEncoder("inv", ColumnSpec(ColumnKind.IDENTIFIER)).fit(real, np.random.default_rng(0))
    drawn = encoder.ids(0, 20_000)
    assert drawn.str.fullmatch(r"INV-2023-\d{6}").all() and drawn.is_unique and not drawn.isin(real).any()


def test_ids_that_fill_their_form_are_told_once_by_a_loaded_model(tmp_path):
    """Loading a model draws two rows to check its file, and that draw said again what the user's first
    draw says ("the real ids' form holds 0 new ids, so rows 1 onward..." twice on the command line)."""
    from synthloom.models.base import load

    frame = pd.DataFrame({"code_id": [f"K{i}" for i in range(10, 100)], "age": np.arange(90)})
    get_model("copula", random_state=0).fit(frame).save(tmp_path / "m.synthloom")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        drawn = load(tmp_path / "m.synthloom").sample(100, random_state=0)["code_id"]
    told = [str(w.message) for w in caught if issubclass(w.category, DataWarning)]
    assert told == [
        "column 'code_id': the real ids' form holds no new id (the real ids fill it), so the output draws "
        "ids 1 character longer (then longer again), of a length no real id of the form has"
    ]
    assert drawn.str.fullmatch(r"K\d{3}").all() and drawn.is_unique


def test_repeated_ids_declared_identifier_keep_their_rows_per_id_and_are_new():
    """An entity's key (``account_id``: 2,000 accounts on 12,000 transactions) declared identifier drew
    12,000 new ids, one per row; its new ids now hold about as many rows each as real ones, none real, the
    same ids whether the output is drawn whole or in parts."""
    from synthloom.data.identifiers import IdentifierEncoder
    from synthloom.data.metadata import ColumnKind, ColumnSpec

    rng = np.random.default_rng(0)
    accounts = np.array([f"AC{v:07d}" for v in rng.choice(10**7, 2000, replace=False)])
    real = {"text": pd.Series(accounts[rng.integers(0, 2000, 12_000)])}
    real["number"] = real["text"].str[2:].astype(int)
    for ids in real.values():
        encoder = IdentifierEncoder("account_id", ColumnSpec(ColumnKind.IDENTIFIER)).fit(ids, rng)
        drawn = encoder.ids(0, 12_000, id_seed=7)
        assert not drawn.isin(ids).any()
        per_id, real_per_id = drawn.value_counts(), ids.value_counts()
        assert abs(per_id.size - real_per_id.size) < 0.05 * real_per_id.size
        assert abs(per_id.mean() - real_per_id.mean()) < 0.3 and per_id.max() > 10
        parts = pd.concat([encoder.ids(0, 5_000, 7), encoder.ids(5_000, 7_000, 7)], ignore_index=True)
        assert parts.equals(drawn)
        reloaded = IdentifierEncoder.from_state("account_id", encoder.spec, encoder.state())
        assert reloaded.ids(0, 12_000, 7).equals(drawn)


def _guests(rows: int = 3_000, seed: int = 0) -> pd.DataFrame:
    """Orders whose customer id is missing exactly on web orders (guests), as QA's guest.csv."""
    rng = np.random.default_rng(seed)
    channel = rng.choice(["store", "web"], rows)
    ids = pd.Series([f"C{n:06d}" for n in rng.choice(1_000_000, rows, replace=False)], dtype=object)
    return pd.DataFrame(
        {"customer_id": ids.where(channel == "store"), "channel": channel, "amt": rng.gamma(2.0, 25.0, rows)}
    )


_GUEST_KINDS = {"columns": {"customer_id": {"kind": "identifier"}}}


def _missing_by_channel(rows: pd.DataFrame) -> dict[str, float]:
    return rows["customer_id"].isna().groupby(rows["channel"]).mean().to_dict()


def test_whether_an_id_is_missing_is_learned_with_the_other_columns():
    """Ids missing exactly on web orders came back missing in 47% of store and of web rows alike (copula
    0.479 / 0.484), and in 47% of rows asked for channel "web": the model saw no column for it, and
    decoding drew missing ids apart from the row. An indicator in the model's matrix ties them."""
    model = get_model("copula", random_state=0).fit(_guests(), metadata=_GUEST_KINDS)
    span = next(s for s in model.transformer_.spans if s.column == "customer_id")
    assert (span.width, span.role, span.is_discrete_column) == (2, "missing", False)  # no category asked
    shares = _missing_by_channel(model.sample(6_000, random_state=1))
    assert shares["web"] - shares["store"] > 0.35  # a copula's two classes overlap: 0.27 / 0.72
    web = model.sample(2_000, conditions={"channel": "web"}, random_state=2)
    store = model.sample(2_000, conditions={"channel": "store"}, random_state=2)
    assert web["customer_id"].isna().mean() - store["customer_id"].isna().mean() > 0.35


def test_missing_ids_follow_the_row_in_rejection_draws_repeated_keys_and_file_fits(tmp_path):
    """Rows drawn to be chosen among (placeholder ids, numbered once chosen), ids repeated as an entity's
    key, and a model fitted from a file in chunks all keep which rows' ids are missing from the model."""
    real = _guests()
    real["customer_id"] = real["customer_id"].str[:5].where(real["customer_id"].notna())  # ~3 rows a key
    real = real.sort_values("customer_id", kind="stable", ignore_index=True)
    model = get_model("ddpm", random_state=0, epochs=30).fit(real, metadata=_GUEST_KINDS)
    assert model.transformer_.encoder("customer_id").per_id is not None
    ranged = model.sample(1_000, conditions={"amt": (10.0, 60.0)}, random_state=0)  # by rejection
    assert ranged["amt"].between(10.0, 60.0).all()
    shares = _missing_by_channel(ranged)
    assert shares["store"] < 0.1 and shares["web"] > 0.9
    present = ranged["customer_id"].dropna()
    assert not present.isin(real["customer_id"]).any() and present.str.fullmatch(r"C\d{4}").all()
    real.to_csv(tmp_path / "guests.csv", index=False)
    streamed = get_model("ddpm", random_state=0, epochs=30)
    streamed.fit_file(tmp_path / "guests.csv", metadata=_GUEST_KINDS, chunk_rows=1_000)
    shares = _missing_by_channel(streamed.sample(2_000, random_state=0))
    assert shares["store"] < 0.1 and shares["web"] > 0.9


def test_model_files_without_the_id_indicator_still_draw_missing_ids_in_their_share():
    """A model file written before ids had a missing indicator holds no column for it: loaded, its
    missing ids are drawn apart from the row, in the real share, as they were."""
    from synthloom.data.transformer import TableTransformer

    transformer = get_model("copula", random_state=0).fit(_guests(), metadata=_GUEST_KINDS).transformer_
    state = transformer.to_state()
    for item in state["encoders"]:
        if item["type"] == "identifier":
            item["state"].pop("has_missing", None)
    old = TableTransformer.from_state(state)
    assert old.output_dim == transformer.output_dim - 2
    matrix = np.zeros((4_000, old.output_dim), dtype=np.float32)
    assert abs(old.inverse_transform(matrix)["customer_id"].isna().mean() - 0.5) < 0.05


def test_a_few_ids_on_very_many_rows_are_drawn_one_per_row():
    """20 store ids over 200,000 rows (10,000 each, past ``MAX_ROWS_PER_KEY``) are no entity's key, as
    ``is_entity_key`` and the README say: declared identifier they drew runs of about 10,000 rows (a
    10,000-row output held one id); they are drawn one per row, as ids a few of which repeat are."""
    from synthloom.data.identifiers import IdentifierEncoder
    from synthloom.data.metadata import ColumnKind, ColumnSpec, is_entity_key

    rng = np.random.default_rng(0)
    stores = pd.Series([f"S{v:03d}" for v in rng.integers(0, 20, 200_000)], name="store_id")
    encoder = IdentifierEncoder("store_id", ColumnSpec(ColumnKind.IDENTIFIER)).fit(stores, rng)
    assert encoder.per_id is None and not is_entity_key("store_id", stores)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)  # "S" and three digits hold 980 new ids: then longer
        assert encoder.ids(0, 10_000, 1).is_unique


def test_a_model_file_with_no_or_malformed_rows_per_id_is_refused():
    """An empty ``per_id`` passed the file's check and failed at the first draw ("max() arg is an empty
    sequence"), one not a mapping with an AttributeError: both are refused as other bad states are."""
    from synthloom.data.identifiers import IdentifierEncoder
    from synthloom.data.metadata import ColumnKind, ColumnSpec

    rng = np.random.default_rng(0)
    ids = pd.Series([f"A{i % 300:04d}" for i in range(3000)], name="acct_id")
    encoder = IdentifierEncoder("acct_id", ColumnSpec(ColumnKind.IDENTIFIER)).fit(ids, rng)
    assert encoder.per_id is not None
    for bad in ({}, [10, 300], "10", {"x": 300}, {"10": "many"}, {"10": 0}):
        state = {**encoder.state(), "per_id": bad}
        with pytest.raises(ValueError, match="rows per id"):
            IdentifierEncoder.from_state("acct_id", encoder.spec, state)


def test_repeated_ids_past_their_form_are_told_once_in_ids():
    """Where rows share ids (``per_id``), the form's room is a count of ids, not rows: the warning named row
    "4,557 onward" where ids past the room began near row 45,570, and came twice where one id's run
    straddled two chunks. It is told once, in ids."""
    from synthloom.data.identifiers import IdentifierEncoder
    from synthloom.data.metadata import ColumnKind, ColumnSpec

    ids = pd.Series([f"A{i % 300:04d}" for i in range(3000)], name="acct_id")
    encoder = IdentifierEncoder("acct_id", ColumnSpec(ColumnKind.IDENTIFIER)).fit(
        ids, np.random.default_rng(0)
    )
    room = encoder.fixed_room()
    assert encoder.per_id == {"10": 300} and room < 5_000
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        chunks = [encoder.ids(first, 997, 3) for first in range(0, 60_000, 997)]
    told = [str(w.message) for w in caught if issubclass(w.category, DataWarning)]
    assert told == [
        f"column 'acct_id': the real ids' form holds {room:,} new ids; ids past them are drawn 1 character "
        "longer (then longer again), of a length no real id of the form has"
    ]
    assert caught[0].filename == __file__
    drawn = pd.concat(chunks, ignore_index=True)
    assert drawn.str.len().gt(5).any() and drawn.drop_duplicates().str.len().le(5).sum() <= room
