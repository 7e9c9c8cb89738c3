"""Reversible table transformer: DataFrame <-> float32 matrix plus the span layout models build on.

>>> transformer = TableTransformer(numeric="gmm", random_state=0).fit(real, Metadata.infer(real))
>>> matrix = transformer.transform(real)            # (N, transformer.output_dim) float32
>>> back = transformer.inverse_transform(matrix)     # the same table: dtypes, missing values, bounds
"""

from __future__ import annotations

import decimal
from typing import Any

import numpy as np
import pandas as pd

from synthloom.data.encoders import (
    DECIMAL_DTYPE,
    CategoricalEncoder,
    ColumnEncoder,
    ConstantEncoder,
    NumericEncoder,
    Span,
    as_boolean,
    is_missing_value,
)
from synthloom.data.identifiers import IdentifierEncoder
from synthloom.data.metadata import (
    DISCRETE_KINDS,
    ColumnKind,
    Metadata,
    no_missing_error,
    unknown_level_error,
)
from synthloom.errors import ConditionError, ConfigError, NotFittedError

NUMERIC_METHODS = ("gmm", "quantile", "spikes")
ENCODER_TYPES: dict[str, type[ColumnEncoder]] = {
    encoder.type_name: encoder
    for encoder in (NumericEncoder, CategoricalEncoder, ConstantEncoder, IdentifierEncoder)
}


class TableTransformer:
    """Encodes every column of a table with its kind's encoder and concatenates the blocks.

    Args:
        numeric: "gmm" (mode-specific normalisation, for GANs and VAEs), "quantile" (normal scores) or
            "spikes" (normal scores, and frequent exact values as categories; see ``NumericEncoder``).
        max_categories: one-hot width cap per categorical column; rarer levels share an "other" slot.
        random_state: seed for the subsample the mixtures are fitted on and for decoding draws.
    """

    def __init__(self, numeric: str = "gmm", max_categories: int = 500, random_state: int | None = 0) -> None:
        if numeric not in NUMERIC_METHODS:
            raise ConfigError(f"numeric encoding must be one of {NUMERIC_METHODS}, not {numeric!r}")
        self.numeric = numeric
        self.max_categories = max_categories
        self.random_state = random_state

    def _encoder_for(self, name: str, series: pd.Series, metadata: Metadata) -> ColumnEncoder:
        spec = metadata.columns[name]
        if spec.kind == ColumnKind.IDENTIFIER:
            return IdentifierEncoder(name, spec)
        present = series.dropna()
        if present.empty or (len(present) == len(series) and present.nunique() == 1):
            return ConstantEncoder(name, spec)
        if spec.kind in DISCRETE_KINDS:
            return CategoricalEncoder(name, spec, self.max_categories)
        return NumericEncoder(name, spec, self.numeric)

    def fit(self, data: pd.DataFrame, metadata: Metadata | None = None) -> TableTransformer:
        """Learn each column's encoding from the real table."""
        self.metadata_ = metadata if metadata is not None else Metadata.infer(data)
        self.metadata_.check_matches(data)
        rng = np.random.default_rng(self.random_state)
        self.encoders_ = [
            self._encoder_for(name, data[name], self.metadata_).fit(data[name], rng)
            for name in self.metadata_.columns
        ]
        self._layout()
        return self

    def _layout(self) -> None:
        self.spans_: list[Span] = []
        self.blocks_: list[tuple[int, int]] = []
        offset = 0
        for encoder in self.encoders_:
            self.spans_ += [
                Span(s.column, s.start + offset, s.width, s.activation, s.role) for s in encoder.spans
            ]
            self.blocks_.append((offset, offset + encoder.width))
            offset += encoder.width
        self.output_dim_ = offset

    def _check_fitted(self) -> None:
        if not hasattr(self, "encoders_"):
            raise NotFittedError("this TableTransformer is not fitted yet; call fit(data) first")

    def transform(self, data: pd.DataFrame) -> np.ndarray:
        """Encode a table to a (n_rows, output_dim) float32 matrix."""
        self._check_fitted()
        self.metadata_.check_matches(data)
        blocks = [encoder.transform(data[encoder.name]) for encoder in self.encoders_]
        return np.hstack(blocks).astype(np.float32, copy=False) if blocks else np.zeros((len(data), 0))

    def unlearned(self, data: pd.DataFrame) -> dict[str, pd.Series]:
        """Per column, the present values of ``data`` the transformer did not learn and ``transform`` cannot
        encode as they are: a category not among the levels, text in a number column (a streamed file's
        rows outside the sample the transformer learned from)."""
        self._check_fitted()
        found = {encoder.name: encoder.unlearned(data[encoder.name]) for encoder in self.encoders_}
        return {name: values for name, values in found.items() if len(values)}

    def inverse_transform(
        self,
        matrix: np.ndarray,
        random_state: int | None = None,
        first_row: int | None = 0,
        id_seed: int = 0,
    ) -> pd.DataFrame:
        """Decode a matrix (real-valued model output is fine: one-hot groups are read by argmax); the
        rows are rows ``first_row`` onwards of an output whose identifiers are drawn with ``id_seed``
        (``first_row=None``: rows still to be chosen among, whose ids ``number_identifiers`` gives)."""
        self._check_fitted()
        rng = np.random.default_rng(self.random_state if random_state is None else random_state)
        columns = {}
        for encoder, (start, stop) in zip(self.encoders_, self.blocks_, strict=True):
            block = matrix[:, start:stop]
            column = (
                encoder.inverse(block, rng, first_row, id_seed)
                if isinstance(encoder, IdentifierEncoder)
                else encoder.inverse(block, rng)
            )
            columns[encoder.name] = column.reset_index(drop=True)
        return pd.DataFrame(columns)

    def scored_rows(self, matrix: np.ndarray) -> dict[int, np.ndarray]:
        """Matrix column of each number column's normal score -> the rows of ``matrix`` where that score
        holds a value (``NumericEncoder.scored_rows``); only numbers encoded "quantile" or "spikes" have
        one."""
        scored = {}
        for encoder, (start, stop) in zip(self.encoders_, self.blocks_, strict=True):
            if isinstance(encoder, NumericEncoder):
                rows = encoder.scored_rows(matrix[:, start:stop])
                if rows is not None:
                    scored[start] = rows
        return scored

    def check_identifier_room(self, rows: int) -> None:
        """Refuse, before any draw, an output of ``rows`` rows whose new numeric ids would not fit."""
        for encoder in self.encoders_:
            if isinstance(encoder, IdentifierEncoder):
                encoder.check_room(rows)

    def number_identifiers(self, frame: pd.DataFrame, first_row: int = 0, id_seed: int = 0) -> pd.DataFrame:
        """Give ``frame``'s identifier columns the ids of output rows ``first_row`` onwards (rows drawn in
        several rounds, or picked among more, hold every id once); missing ids stay missing."""
        for encoder in self.encoders_:
            if isinstance(encoder, IdentifierEncoder) and encoder.name in frame:
                ids = encoder.ids(first_row, len(frame), id_seed).set_axis(frame.index)
                frame[encoder.name] = ids.where(frame[encoder.name].notna())
        return frame

    # -- the layout contract ---------------------------------------------------------------------------
    @property
    def spans(self) -> list[Span]:
        """Output layout: every span with absolute offsets, in matrix order."""
        self._check_fitted()
        return self.spans_

    @property
    def output_dim(self) -> int:
        self._check_fitted()
        return self.output_dim_

    def discrete_spans(self) -> list[Span]:
        """One-hot spans of categorical columns: what conditional vectors and conditions range over."""
        return [span for span in self.spans if span.is_discrete_column]

    def encoder(self, column: str) -> ColumnEncoder:
        """The fitted encoder of ``column``."""
        self._check_fitted()
        for encoder in self.encoders_:
            if encoder.name == column:
                return encoder
        raise ConditionError(
            f"column {column!r} is not in the data; columns are: {list(self.metadata_.columns)}"
        )

    def category_position(self, column: str, value: Any) -> tuple[Span, int]:
        """Where the one-hot bit of ``column == value`` sits: (span, index within the span).

        A rare level sits at the "other" slot it shares with the column's other rare levels.

        Raises:
            ConditionError: the column is not categorical or never took ``value`` in the real data.
        """
        encoder = self.encoder(column)
        if not isinstance(encoder, CategoricalEncoder):
            raise ConditionError(
                f"column {column!r} is not categorical; give a numeric condition as a range (low, high)"
            )
        span = next(s for s in self.discrete_spans() if s.column == column)
        spelt = encoder.spec.csv_text.missing if encoder.spec.csv_text is not None else None
        if spelt is not None and isinstance(value, str) and value.strip() == spelt.strip():
            value = None  # a missing value as the column's CSV spells it ("N/A"), which its outputs write
        if is_missing_value(value):
            if encoder.missing_code is not None:
                return span, encoder.missing_code
            if None in encoder.rare_levels:  # missing values as rare as the levels in the "other" slot
                return span, encoder.other_code
            raise no_missing_error(column)
        if encoder.dtype == DECIMAL_DTYPE:  # its levels are kept as their text ("50.00")
            value = decimal_level(value, encoder.levels + encoder.rare_levels)
        code = encoder.index.get(value, encoder.index.get(_coerce_like(value, encoder.levels)))
        if code is None:
            raise unknown_level_error(column, value, encoder.levels)
        return span, code

    # -- persistence -----------------------------------------------------------------------------------
    def to_state(self) -> dict[str, Any]:
        """Plain-JSON state: settings, metadata and every encoder's learned state."""
        self._check_fitted()
        return {
            "numeric": self.numeric,
            "max_categories": self.max_categories,
            "random_state": self.random_state,
            "metadata": self.metadata_.to_dict(),
            "encoders": [{"column": e.name, "type": e.type_name, "state": e.state()} for e in self.encoders_],
        }

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> TableTransformer:
        """Rebuild a fitted transformer from ``to_state()`` (pure data: nothing is executed)."""
        transformer = cls(state["numeric"], state["max_categories"], state["random_state"])
        transformer.metadata_ = Metadata.from_dict(state["metadata"])
        transformer.encoders_ = [
            ENCODER_TYPES[item["type"]].from_state(
                item["column"], transformer.metadata_.columns[item["column"]], item["state"]
            )
            for item in state["encoders"]
        ]
        transformer._layout()
        return transformer


def decimal_level(value: Any, levels: list[Any]) -> Any:
    """The level of a category column of Decimals (kept as their text, "50.00") that ``value`` names as a
    number, as a condition on a number column of Decimals reads it: the class a table's own Decimal
    ("augment" asks for each class so), 50 or "50.0" name "50.00"; ``value`` itself where none is equal."""
    try:
        asked = decimal.Decimal(str(value))  # str: a float's repr, not its binary expansion
    except (decimal.InvalidOperation, TypeError, ValueError):
        return value
    if not asked.is_finite():  # a signalling NaN cannot even be compared
        return value
    return next((level for level in levels if level is not None and decimal.Decimal(level) == asked), value)


def _coerce_like(value: Any, levels: list[Any]) -> Any:
    """Read a condition given as text (e.g. from the command line) as the levels' type."""
    sample = next((level for level in levels if level is not None), None)
    if isinstance(value, bool | np.bool_) and isinstance(sample, str):  # True asked of "true" / "false"
        return next((level for level in levels if as_boolean(level) is bool(value)), value)
    if not isinstance(value, str) or sample is None or isinstance(sample, str):
        return value
    try:
        if isinstance(sample, bool):
            return as_boolean(value)
        return type(sample)(value)
    except (TypeError, ValueError):
        return value
