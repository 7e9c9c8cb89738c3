"""Numbers written as text with a currency, a unit or thousands separators: "$1,638.23", "12.5%", "1,200 kg".

A column of such text is learned as numbers and written back in its format, so the amounts keep their
distribution and their ties to other columns (drawn as identifiers, their digits would be random) and the
synthetic file reads like the real one.

The format is a spreadsheet-style pattern kept in the column's metadata (``number_format``): a prefix, then
``#,##0`` (thousands grouped with ",") or ``0``, then optionally "." with a ``0`` for each decimal always
written and a ``#`` for each one written when not zero, then a suffix: "$#,##0.00", "0.##%", "#,##0 kg".
Negative numbers are read with their minus before or after the prefix ("-$5.00", "$-5.00") and written before
it. A decimal comma is not read: "1,234" is one thousand two hundred and thirty-four.

To tell amounts from codes ("INV-1001", "#12", "A12"), a prefix is a currency: a currency symbol, up to two
capitals before it ("US$", "R$"), or a common ISO code ("USD ", "EUR"); a suffix is "%", a currency or a
unit (letters and a few unit signs: " kg", "°C", " mg/dL").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd

from synthloom.errors import ConfigError

_PATTERN = re.compile(
    r"^(?P<prefix>[^#0]*?)(?P<whole>#,##0|0)(?:\.(?P<fixed>0*)(?P<optional>#*))?(?P<suffix>[^#0]*)$"
)
_VALUE = re.compile(
    r"^(?P<sign>[-+]?)(?P<prefix>[^\d.,+-]*?)(?P<inner_sign>[-+]?)"
    r"(?P<whole>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<fraction>\d+))?(?P<suffix>[^\d.,+-]*)$"
)
_CURRENCY_CODES = frozenset(
    {"USD", "EUR", "GBP", "JPY", "CHF", "CAD", "AUD", "NZD", "CNY", "HKD", "SGD", "INR"}
    | {"BRL", "MXN", "ZAR", "SEK", "NOK", "DKK", "PLN", "CZK", "HUF", "RUB", "TRY", "KRW"}
)
_UNIT = re.compile(r"^[A-Za-zµμΩ°/%‰²³·]{1,10}$")
# more decimals than a float holds are not a format's
_MAX_DECIMALS = 15


@dataclass(frozen=True)
class NumberFormat:
    """How a text column writes its numbers (see the module docstring for the pattern).

    Example:
        >>> NumberFormat.parse("$#,##0.00").write(np.array([1638.234, -5.0]), "amount").tolist()
        ['$1,638.23', '-$5.00']
    """

    prefix: str
    suffix: str
    grouped: bool
    fixed: int  # decimals always written
    optional: int  # further decimals, written when not zero

    @classmethod
    def parse(cls, pattern: str) -> NumberFormat:
        """The format a pattern names; a ``ConfigError`` for one that is not a number pattern."""
        found = _PATTERN.match(pattern) if isinstance(pattern, str) else None
        if found is None:
            raise ConfigError(
                f"number_format {pattern!r} is not a number pattern; write it as prefix + '#,##0' or '0' + "
                "optional '.' with '0' per fixed and '#' per optional decimal + suffix, e.g. '$#,##0.00'"
            )
        fixed, optional = len(found["fixed"] or ""), len(found["optional"] or "")
        if fixed + optional > _MAX_DECIMALS:
            raise ConfigError(f"number_format {pattern!r} asks for over {_MAX_DECIMALS} decimals")
        return cls(found["prefix"], found["suffix"], found["whole"] == "#,##0", fixed, optional)

    def __str__(self) -> str:
        decimals = "0" * self.fixed + "#" * self.optional
        whole = "#,##0" if self.grouped else "0"
        return self.prefix + whole + ("." + decimals if decimals else "") + self.suffix

    @property
    def decimals(self) -> int:
        """The most decimals the format writes."""
        return self.fixed + self.optional

    @classmethod
    def guess(cls, text: pd.Series) -> NumberFormat | None:
        """The format of a column's text values when every one is a number in one format, else None.

        The caller leaves missing-value marks ("?", "N/A") out; the format must be more than a plain
        number's, which pandas reads itself.
        """
        parts = text.str.strip().str.extract(_VALUE)
        if parts["whole"].isna().any():
            return None
        prefixes, suffixes = parts["prefix"].unique(), parts["suffix"].unique()
        if len(prefixes) != 1 or len(suffixes) != 1:
            return None
        prefix, suffix = str(prefixes[0]), str(suffixes[0])
        grouped = bool(parts["whole"].str.contains(",", regex=False).any())
        if not (prefix or suffix or grouped) or not (_is_currency(prefix) and _is_suffix(suffix)):
            return None
        # a number written with a leading zero ("$007") is a code
        if parts["whole"].str.match(r"0\d").any() or ((parts["inner_sign"] != "").any() and not prefix):
            return None
        widths = parts["fraction"].fillna("").str.len()
        fixed, widest = int(widths.min()), int(widths.max())
        if widest > _MAX_DECIMALS:
            return None
        return cls(prefix, suffix, grouped, fixed, widest - fixed)

    def read(self, series: pd.Series) -> pd.Series:
        """Floats from text in this format (numbers as they are); anything else becomes NaN.

        A value without the prefix or the suffix ("1638.23" in a "$" column) is read too.
        """
        if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
            return series.astype("float64")
        text = series.astype(str).str.strip()  # a missing value reads "nan" or "None": no number
        parts = text.str.extract(_VALUE)
        fits = parts["prefix"].isin(["", self.prefix.strip(), self.prefix]) & parts["suffix"].isin(
            ["", self.suffix.strip(), self.suffix]
        )
        digits = parts["whole"].str.replace(",", "", regex=False) + "." + parts["fraction"].fillna("0")
        numbers = pd.to_numeric(digits.where(fits), errors="coerce").astype("float64")
        negative = (parts["sign"] == "-") | (parts["inner_sign"] == "-")
        return numbers.where(~negative, -numbers).rename(series.name)

    def write(self, values: np.ndarray, name: str) -> pd.Series:
        """Numbers as text in this format; NaN stays missing."""
        grouping = "," if self.grouped else ""
        written = []
        for value in values.tolist():
            if value != value:  # NaN
                written.append(np.nan)
                continue
            digits = f"{abs(value):{grouping}.{self.decimals}f}"
            if self.optional:
                # the optional decimals lose their trailing zeros, the fixed ones stay
                whole, _, fraction = digits.partition(".")
                fraction = fraction[: self.fixed] + fraction[self.fixed :].rstrip("0")
                digits = whole + ("." + fraction if fraction else "")
            sign = "-" if value < 0 and float(digits.replace(",", "")) != 0 else ""
            written.append(f"{sign}{self.prefix}{digits}{self.suffix}")
        return pd.Series(written, name=name, dtype=object)


def read_number_text(series: pd.Series, number_format: str | None) -> pd.Series:
    """``series`` read as numbers in ``number_format`` when the column has one, else ``series`` itself."""
    return series if number_format is None else NumberFormat.parse(number_format).read(series)


def _is_currency(prefix: str) -> bool:
    """Whether a prefix names a currency: "$", "US$", "€ ", "USD ", "EUR" (or is empty)."""
    core = prefix.rstrip(" ")
    if not core:
        return prefix == ""
    if core in _CURRENCY_CODES:
        return True
    symbol, letters = core[-1], core[:-1]
    return unicodedata.category(symbol) == "Sc" and len(letters) <= 2 and (letters.isupper() or not letters)


def _is_suffix(suffix: str) -> bool:
    """Whether a suffix is a percent sign, a currency or a unit (" kg", "°C"), or empty."""
    core = suffix.lstrip(" ")
    if not core:
        return suffix == ""
    return (
        core in _CURRENCY_CODES
        or (len(core) == 1 and unicodedata.category(core) == "Sc")
        or bool(_UNIT.match(core))
    )
