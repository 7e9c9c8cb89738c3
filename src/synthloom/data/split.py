"""Hold-out splits a fit and a later evaluation agree on, for images and tables alike.

``synthloom image fit --holdout`` and ``synthloom fit --holdout`` keep a seeded share of the data out of
training and record the split in the model file (with ``fingerprint``-style digests of the data), so that
``image evaluate`` and ``evaluate --model`` score against exactly the items the model never saw.
"""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pandas as pd

from synthloom.errors import ConfigError

SPLIT_SEED = 20_240_601  # fixed, not the user's seed: fit and evaluate must agree on the held-out items


def holdout_indices(count: int, fraction: float, seed: int = SPLIT_SEED) -> tuple[np.ndarray, np.ndarray]:
    """Positions of the (train, test) parts of a seeded split of ``count`` items, ``fraction`` of them
    held out (``seed``: the one a model file recorded, for a split made by another version).

    Raises:
        ConfigError: ``fraction`` outside [0, 1).

    Example:
        >>> train, test = holdout_indices(10, 0.3)
        >>> len(train), len(test)
        (7, 3)
    """
    if not 0 <= fraction < 1:
        raise ConfigError(f"holdout must be in [0, 1), not {fraction!r}")
    order = np.random.default_rng(seed).permutation(count)
    n_test = round(fraction * count)
    return order[n_test:], order[:n_test]


def holdout_rows(
    table: pd.DataFrame, fraction: float, seed: int = SPLIT_SEED, keep_index: bool = False
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split a table's rows into (train, test) as ``holdout_indices`` does, each part numbered from 0
    (``keep_index``: keeping the table's row labels, e.g. the data rows a file numbers).

    Example:
        >>> train, test = holdout_rows(datasets.load("default"), 0.3)
        >>> len(train), len(test)
        (7000, 3000)
    """
    train, test = (table.iloc[rows] for rows in holdout_indices(len(table), fraction, seed))
    if keep_index:
        return train, test
    return train.reset_index(drop=True), test.reset_index(drop=True)


def table_fingerprint(table: pd.DataFrame) -> str:
    """A digest of a table's content (column names and every cell as the model reads it; not its index, nor
    how the file typed the values): the same rows read from a CSV (stamps as text, missing as NaN) or from
    a Parquet copy (stamps as datetimes, missing as None) give one digest, so a split recorded at fit is
    known again later, wherever the table is read from. Each cell is read as ``_cells`` says.

    Example:
        >>> table_fingerprint(read_table("tx.csv")) == table_fingerprint(read_table("tx.parquet"))
        True
    """
    digest = hashlib.sha256(json.dumps([str(name) for name in table.columns]).encode())
    for _, column in table.items():
        form, cells = _cells(column)
        digest.update(form.encode())
        if form == "number" and (exact := _exact_wholes(column, cells.to_numpy())):
            digest.update(exact.encode())
        if form == "text":
            missing = cells.isna().to_numpy()
            digest.update(np.packbits(missing).tobytes())  # one marker for None, NaN and pd.NA alike
            cells = cells.where(~missing, "")
        digest.update(pd.util.hash_pandas_object(cells, index=False).to_numpy().tobytes())
    return digest.hexdigest()


# object columns whose values are numbers (pandas' ``infer_dtype`` names), read as numbers
_NUMBER_OBJECTS = ("integer", "floating", "mixed-integer-float", "decimal", "boolean")


def _cells(column: pd.Series) -> tuple[str, pd.Series]:
    """One column's cells as the model reads them, whatever dtype the file gave them, and which of these
    forms they take: "number" (float64: integers, booleans and decimals alike, NaN where missing), "instant"
    (stamps, text ones read as inference reads them, as UTC seconds since the epoch), else "text" (each
    value as ``str``, missing ones None). Text that is not stamps throughout stays text: its digest then
    tells it from real stamps rather than reading some of it as missing."""
    from synthloom.data.encoders import epoch_seconds, read_datetimes
    from synthloom.data.metadata import is_missing_mark, is_time_objects, text_datetime_format

    if isinstance(column.dtype, pd.CategoricalDtype):  # the values, not the codes of one file's categories
        column = column.astype(object)
    kind = pd.api.types.infer_dtype(column, skipna=True)
    stamp_objects = kind in ("datetime", "date") or is_time_objects(column)
    if pd.api.types.is_datetime64_any_dtype(column) or stamp_objects:
        return "instant", _numbers(epoch_seconds(read_datetimes(column, None)))
    if pd.api.types.is_bool_dtype(column) or pd.api.types.is_numeric_dtype(column) or kind in _NUMBER_OBJECTS:
        return "number", _numbers(column.to_numpy(dtype="float64", na_value=np.nan))
    present = column.notna()
    text = column.astype(object).where(present, None)
    text = text.where(~present, text.astype(str))
    written = text[present.to_numpy()]
    datetime_format = text_datetime_format(written) if len(written) else None
    if datetime_format is not None:
        stamps = read_datetimes(written, datetime_format)
        if not (stamps.isna() & ~is_missing_mark(written)).any():  # stamps throughout, missing marks aside
            seconds = np.full(len(column), np.nan)
            seconds[present.to_numpy()] = epoch_seconds(stamps)
            return "instant", _numbers(seconds)
    return "text", text.reset_index(drop=True)


def _exact_wholes(column: pd.Series, floats: np.ndarray) -> str:
    """What whole numbers past float64's exact range (``FLOAT_EXACT_LIMIT``: card numbers, 64-bit keys)
    differ by from their float64 ``floats`` (``_cells``), by position, as text; "" where none does.
    Hashed as floats only, 2**60 and 2**60 + 1 were one content; numbers float64 holds exactly (1 and 1.0
    alike, every table without such numbers) keep the digest they had."""
    from synthloom.data.metadata import FLOAT_EXACT_LIMIT

    beyond = np.flatnonzero(np.abs(np.nan_to_num(floats)) >= FLOAT_EXACT_LIMIT)
    if not beyond.size:
        return ""
    differences: dict[int, str] = {}
    for at, value, near in zip(
        beyond.tolist(), column.to_numpy(dtype=object)[beyond], floats[beyond].tolist(), strict=True
    ):
        try:
            whole = int(value)
        except (TypeError, ValueError, OverflowError):
            continue
        if whole == value and whole != int(near):  # exact Python or numpy integers, whole Decimals
            differences[at] = str(whole - int(near))
    return json.dumps(differences) if differences else ""


def _numbers(values: np.ndarray) -> pd.Series:
    """Numbers (or seconds) as the digest hashes them: one NaN for every missing value and 0.0 for -0.0,
    whose bits differ although they are the same number."""
    values = np.asarray(values, dtype="float64") + 0.0
    return pd.Series(np.where(np.isnan(values), np.nan, values))
