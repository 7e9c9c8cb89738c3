"""Numbers written as text with a currency, a unit or thousands separators: "$1,638.23", "12.5%", "1,200 kg".

A column of such text is learned as numbers and written back in its format, so the amounts keep their
distribution and their ties to other columns (drawn as identifiers, their digits would be random) and the
synthetic file reads like the real one.

The format is a spreadsheet-style pattern kept in the column's metadata (``number_format``): a prefix, then
``#,##0`` (thousands grouped with ",") or ``0``, then optionally "." with a ``0`` for each decimal always
written and a ``#`` for each one written when not zero, then a suffix: "$#,##0.00", "0.##%", "#,##0 kg".
Negative numbers are read with their minus before or after the prefix ("-$5.00", "$-5.00") and written where
most real ones write it ("$-5.00": the pattern "$#,##0.00;$-#,##0.00"), or in parentheses where the real ones
are ("($5.00)": "$#,##0.00;($#,##0.00)"); positive numbers keep a "+" where most real ones have one
("+5.2%": "+0.0%;-0.0%"). Values may
leave the prefix or suffix out ("5.00" among "$5.00").

Numbers written with a decimal comma ("104,70", "1.234,56 €", as spreadsheets in much of Europe write
them) are a format too, its pattern spelt the same way ("0,00", "#.##0,00 €"): a column is read so where
some value cannot be read with a decimal point ("0,478", "3,5"); "1,234" alone is one thousand two hundred
and thirty-four.

To tell amounts from codes ("INV-1001", "#12", "A12"), a prefix is a currency: a currency symbol, up to two
capitals before it ("US$", "R$"), or a common ISO code ("USD ", "EUR"); a suffix is "%", a currency or a
unit (letters and a few unit signs: " kg", "°C", " mg/dL").
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from synthloom.errors import ConfigError

_PATTERN = re.compile(
    r"^(?P<prefix>[^#0;]*?)(?P<whole>#,##0|0)(?:\.(?P<fixed>0*)(?P<optional>#*))?(?P<suffix>[^#0;]*)$"
)
# a grouped number starts with 1 to 3 digits, not with "0,": "0,478" is a decimal comma's
_VALUE = re.compile(
    r"^(?P<open>\(?)(?P<sign>[-+]?)(?P<prefix>[^\d.,+()-]*?)(?P<inner_sign>[-+]?)"
    r"(?P<whole>[1-9]\d{0,2}(?:,\d{3})+|\d+)(?:\.(?P<fraction>\d+))?(?P<suffix>[^\d.,+()-]*)(?P<close>\)?)$"
)
_CURRENCY_CODES = frozenset(
    {"USD", "EUR", "GBP", "JPY", "CHF", "CAD", "AUD", "NZD", "CNY", "HKD", "SGD", "INR"}
    | {"BRL", "MXN", "ZAR", "SEK", "NOK", "DKK", "PLN", "CZK", "HUF", "RUB", "TRY", "KRW"}
)
_UNIT = re.compile(r"^[A-Za-zµμΩ°/%‰²³·]{1,10}$")
# more decimals than a float holds are not a format's
MAX_TEXT_DECIMALS = 15
# a decimal comma's text with its two marks swapped is a decimal point's ("1.234,56" <-> "1,234.56"); an
# affix holds neither mark (``_VALUE``), so only the digits change
_SWAP_MARKS = str.maketrans(".,", ",.")


# An exponent of ten digits or more ("1e2147483648", as one 12-character hex id in 300 reads): pandas' text
# parser crashes the process on some of them (pandas 2.3: a segmentation fault; `fit` on 1,000 hex ids died
# with exit code 139) and misreads others ("1e4294967296" as 1.0), so Python's float reads those
_HUGE_EXPONENT = re.compile(r"[eE][+-]?\d{10,}\s*$")


def to_numbers(values: pd.Series) -> pd.Series:
    """``pd.to_numeric(values, errors="coerce")``, safe on text with huge exponents (``_HUGE_EXPONENT``:
    read as Python reads them, "1e2147483648" as inf, "1e-2147483648" as 0). Every synthloom reading of
    text as numbers goes through it.

    Example:
        >>> to_numbers(pd.Series(["1.5", "1e2147483648", "c3e4294967296", "x"])).tolist()
        [1.5, inf, nan, nan]
    """
    if values.dtype == object or pd.api.types.is_string_dtype(values):
        huge = values.astype("string").str.contains(_HUGE_EXPONENT, na=False).to_numpy(dtype=bool)
        if huge.any():
            values = values.astype(object).copy()
            values[huge] = [_python_float(value) for value in values[huge]]
    return pd.to_numeric(values, errors="coerce")


def _python_float(text: object) -> float:
    try:
        return float(str(text))
    except ValueError:
        return np.nan


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
    parentheses: bool = False  # negative numbers written "($5.00)", as accounts do
    plus: bool = False  # positive numbers written with their sign ("+5.2%", as changes are)
    sign_after_prefix: bool = False  # signs written after the prefix ("$-7.08")
    decimal_comma: bool = False  # "1.234,56": the decimal mark a comma, thousands grouped with "."

    @classmethod
    def parse(cls, pattern: str) -> NumberFormat:
        """The format a pattern names; a ``ConfigError`` for one that is not a number pattern."""
        positive = pattern.partition(";")[0] if isinstance(pattern, str) else ""
        formats = []
        for decimal_comma in (False, True):  # "0" names the decimal point's format, first
            marks = positive.translate(_SWAP_MARKS) if decimal_comma else positive
            found = _PATTERN.match(marks.replace("+", "", 1))
            # a sign is no prefix or suffix ("-0.0%" would write every positive number negative)
            if found is None or any(sign in found["prefix"] + found["suffix"] for sign in "+-"):
                continue
            fixed, optional = len(found["fixed"] or ""), len(found["optional"] or "")
            if fixed + optional > MAX_TEXT_DECIMALS:
                raise ConfigError(f"number_format {pattern!r} asks for over {MAX_TEXT_DECIMALS} decimals")
            grouped = found["whole"] == "#,##0"
            formats += [
                cls(found["prefix"], found["suffix"], grouped, fixed, optional, *flags, decimal_comma)
                for flags in itertools.product((False, True), repeat=3)
            ]
        # the pattern names one format when it is that format's own writing (both sections spelt out too)
        named = next((c for c in formats if pattern in (str(c), ";".join(c._sections()))), None)
        if named is None:
            raise ConfigError(
                f"number_format {pattern!r} is not a number pattern; write it as prefix + '#,##0' or '0' + "
                "optional '.' with '0' per fixed and '#' per optional decimal + suffix, e.g. '$#,##0.00' "
                "(negative numbers in parentheses: '$#,##0.00;($#,##0.00)'; a sign after the prefix: "
                "'$0.00;$-0.00'; positive numbers with a sign: '+0.0%;-0.0%'; a decimal comma: '#.##0,00 €')"
            )
        return named

    def __str__(self) -> str:
        positive, negative = self._sections()
        plain = not (self.parentheses or self.plus or self.sign_after_prefix)
        return positive if plain else f"{positive};{negative}"

    def _sections(self) -> tuple[str, str]:
        """The pattern's positive and negative sections, spelt out."""
        decimals = "0" * self.fixed + "#" * self.optional
        whole = "#,##0" if self.grouped else "0"
        number = self._marked(whole + ("." + decimals if decimals else "")) + self.suffix
        negative = f"({self.prefix}{number})" if self.parentheses else self._signed("-", number)
        return self._signed("+" if self.plus else "", number), negative

    def _marked(self, digits: str) -> str:
        """``digits`` written with a decimal point and "," between thousands, in this format's marks."""
        return digits.translate(_SWAP_MARKS) if self.decimal_comma else digits

    def _as_point(self, text: pd.Series) -> pd.Series:
        """Text in this format's marks written with a decimal point (``_marked`` undone)."""
        return text.str.translate(_SWAP_MARKS) if self.decimal_comma else text

    def _signed(self, sign: str, number: str) -> str:
        """``number`` (digits and suffix) behind the prefix, with ``sign`` where this format writes it."""
        if self.sign_after_prefix:
            return f"{self.prefix}{sign}{number}"
        return f"{sign}{self.prefix}{number}"

    @property
    def is_money(self) -> bool:
        """Whether the format names a currency (in its prefix, or as its suffix)."""
        suffix = self.suffix.strip()
        return bool(self.prefix.strip()) or suffix in _CURRENCY_CODES or _is_symbol(suffix)

    @property
    def decimals(self) -> int:
        """The most decimals the format writes."""
        return self.fixed + self.optional

    @classmethod
    def guess(cls, text: pd.Series, decimal_comma: bool = False) -> NumberFormat | None:
        """The format of a column's text values when every one is a number in one format, else None.

        Values may leave the prefix or the suffix out ("1638.23" among "$1,638.23"); the caller leaves
        missing-value marks ("?", "N/A") out. The format must be more than a plain number's, which pandas
        reads itself. With ``decimal_comma`` the values are read with a decimal comma ("3,5", "1.234,56 €";
        see ``writes_decimal_commas``), which a plain number's is not.
        """
        parts = _parts(text.str.translate(_SWAP_MARKS) if decimal_comma else text)
        if parts["whole"].isna().any() or ((parts["sign"] != "") & (parts["inner_sign"] != "")).any():
            return None
        # one form: "$5" and "7%" are two, though each value writes one affix
        forms = set(zip(parts["prefix"].str.strip(), parts["suffix"].str.strip(), strict=True))
        if len(forms - {("", "")}) > 1:
            return None
        prefix, suffix = _one_form(parts["prefix"]), _one_form(parts["suffix"])
        if prefix is None or suffix is None or not (_is_currency(prefix) and _is_suffix(suffix)):
            return None
        # most values write the prefix or suffix: one "$5" among plain numbers is a stray, not the format
        if (prefix or suffix) and _affixed_share(parts) < 0.5:
            return None
        grouped = bool(parts["whole"].str.contains(",", regex=False).any())
        parentheses = bool((parts["open"] != "").any())
        if not (prefix or suffix or grouped or parentheses or decimal_comma):
            return None
        # a number written with a leading zero ("$007") is a code; a minus after no prefix, a typo
        if parts["whole"].str.match(r"0\d").any() or ((parts["inner_sign"] != "").any() and not prefix):
            return None
        widths = set(parts["fraction"].fillna("").str.len())
        if max(widths) > MAX_TEXT_DECIMALS:
            return None
        # signs as most values write them: "+5.2%" for positive changes, "$-7.08" after the prefix
        signed = (parts["sign"] != "") | (parts["inner_sign"] != "")
        positive = (parts["sign"] != "-") & (parts["inner_sign"] != "-") & (parts["open"] == "")
        with_plus = (parts["sign"] == "+") | (parts["inner_sign"] == "+")
        plus = bool(positive.any() and with_plus[positive].mean() >= 0.5)
        after = bool(prefix and signed.any() and (parts["inner_sign"] != "")[signed].mean() >= 0.5)
        signs = (parentheses, plus, after)
        if widths <= {0, max(widths)}:  # "$5" among "$5.50": amounts in cents, written "$5.00"
            return cls(prefix, suffix, grouped, max(widths), 0, *signs, decimal_comma)
        return cls(prefix, suffix, grouped, min(widths), max(widths) - min(widths), *signs, decimal_comma)

    def read(self, series: pd.Series) -> pd.Series:
        """Floats from text in this format (numbers as they are); anything else becomes NaN.

        A value without the prefix or the suffix ("1638.23" in a "$" column) is read too.
        """
        if holds_numbers(series):
            return series.astype("float64")
        parts = _parts(self._as_point(series.astype(str)))  # a missing value reads "nan" or "None": no number
        fits = parts["prefix"].str.strip().isin(["", self.prefix.strip()]) & parts["suffix"].str.strip().isin(
            ["", self.suffix.strip()]
        )
        digits = parts["whole"].str.replace(",", "", regex=False) + "." + parts["fraction"].fillna("0")
        numbers = pd.to_numeric(digits.where(fits), errors="coerce").astype("float64")
        negative = (parts["sign"] == "-") | (parts["inner_sign"] == "-") | (parts["open"] == "(")
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
            zero = float(digits.replace(",", "")) == 0
            digits = self._marked(digits)
            if value < 0 and not zero and self.parentheses:
                written.append(f"({self.prefix}{digits}{self.suffix})")
                continue
            # a zero takes the positive section, as spreadsheets and "%+.1f" write it ("+0.0%")
            sign = "-" if value < 0 and not zero else "+" if self.plus else ""
            written.append(self._signed(sign, digits + self.suffix))
        return pd.Series(written, name=name, dtype=object)


def holds_numbers(values: pd.Series | Any) -> bool:
    """Whether a column (or a dtype) holds numbers: a numeric dtype that is not a boolean one."""
    return pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)


def fixed_text_decimals(texts: pd.Series | Any) -> int | None:
    """The decimals every text number of a column writes ("26.00", "15.70": 2), so synthetic ones write as
    many (as pandas writes them, 9% of prices came back "15.7", "26.0"); None where they differ, none write
    any or some are not plain decimals ("1e-05").

    ``texts``: a column's values, or a pyarrow array of its text (nulls: missing values), as a CSV's
    columns are checked, whole, without a Python string per value.
    """
    import pyarrow.compute as pc

    present = _present_texts(texts)
    first = re.fullmatch(r"[+-]?[0-9]*\.([0-9]+)", present[0].as_py()) if len(present) else None
    if first is None:
        return None
    decimals = len(first[1])  # every value written as the first is: one pass over the column
    every = pc.all(pc.match_substring_regex(present, rf"^[+-]?[0-9]*\.[0-9]{{{decimals}}}$")).as_py()
    return decimals if every else None


def writes_plus(texts: pd.Series | Any) -> bool:
    """Whether a column of text numbers writes "+" before every one it does not write with "-" ("+1.26"
    beside "-0.40", changes as "%+.2f" writes them, "+0.00" too); ``texts`` as ``fixed_text_decimals``
    takes them. One positive value without it is a column written as pandas writes numbers."""
    import pyarrow.compute as pc

    present = _present_texts(texts)
    plus, minus = pc.starts_with(present, "+"), pc.starts_with(present, "-")
    return bool(pc.any(plus).as_py()) and bool(pc.all(pc.or_(plus, minus)).as_py())


def _present_texts(texts: pd.Series | Any) -> Any:
    """A column's non-missing values as a pyarrow string array, without the spaces around them."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(texts, pd.Series):
        texts = pa.array(texts.dropna().astype(str), type=pa.string())
    # a column with no value at all may come typed null
    return pc.utf8_trim_whitespace(texts.drop_null().cast(pa.string()))


def looks_like_numbers(text: pd.Series, decimal_comma: bool = False) -> pd.Series:
    """Which values are numbers, plainly or with a prefix, a suffix or thousands separators (with a
    ``decimal_comma``: "3,5", "1.234,56 €")."""
    return _parts(text.str.translate(_SWAP_MARKS) if decimal_comma else text)["whole"].notna()


def writes_decimal_commas(text: pd.Series) -> bool:
    """Whether a column's distinct text values write numbers with a decimal comma: more values are numbers
    only so ("3,5", "0,478", "1.234,56") than only with a decimal point ("12.5", "1,234.5"), which are then
    strays, read as no number. "1,234" is either, and alone a decimal point's (one thousand two hundred and
    thirty-four)."""
    point, comma = looks_like_numbers(text), looks_like_numbers(text, decimal_comma=True)
    return int((comma & ~point).sum()) > int((point & ~comma).sum())


def _parts(text: pd.Series) -> pd.DataFrame:
    """Each value split by ``_VALUE`` (all NaN where it is no number, or opens a parenthesis it does not
    close); the optional parts are "" where absent."""
    parts = text.str.strip().str.extract(_VALUE)
    parts.loc[(parts["open"] == "(") != (parts["close"] == ")")] = np.nan
    return parts


def written_forms(text: pd.Series, decimal_comma: bool = False) -> pd.Series:
    """Each number's form: its prefix and suffix, stripped ("$", "" for "$1,638.23"; "", "" for a plain
    number), as one text ("$ | "); missing where the value is no number."""
    parts = _parts(text.str.translate(_SWAP_MARKS) if decimal_comma else text)
    return (parts["prefix"].str.strip() + " | " + parts["suffix"].str.strip()).where(parts["whole"].notna())


def _affixed_share(parts: pd.DataFrame) -> float:
    """The share of values that write a prefix or a suffix."""
    return float(((parts["prefix"].str.strip() != "") | (parts["suffix"].str.strip() != "")).mean())


def _one_form(affixes: pd.Series) -> str | None:
    """The one prefix (or suffix) that the values write, where some leave it out and spaces around it
    differ ("$ 5", "$5"): its most common form; "" where none writes one; None for two different ones."""
    written = affixes[affixes.str.strip() != ""]
    if written.empty:
        return ""
    if written.str.strip().nunique() != 1:
        return None
    return str(written.mode().iloc[0])


def read_number_text(series: pd.Series, number_format: str | None) -> pd.Series:
    """``series`` read as numbers in ``number_format`` when the column has one, else ``series`` itself."""
    return series if number_format is None else NumberFormat.parse(number_format).read(series)


def read_number(value: Any, number_format: str | None) -> float:
    """One number a user gives: a number, or text, plain or as a column with ``number_format`` writes it
    ("$5,000.00"); NaN for text that reads as none. Raises TypeError or ValueError where it is no number."""
    if isinstance(value, str):
        return float(read_number_text(pd.Series([value]), number_format).iloc[0])
    return float(value)


def _is_currency(prefix: str) -> bool:
    """Whether a prefix names a currency: "$", "US$", "€ ", "USD ", "EUR" (or is empty)."""
    core = prefix.rstrip(" ")
    if not core:
        return prefix == ""
    if core in _CURRENCY_CODES:
        return True
    symbol, letters = core[-1], core[:-1]
    return _is_symbol(symbol) and len(letters) <= 2 and (letters.isupper() or not letters)


def _is_symbol(text: str) -> bool:
    """Whether ``text`` is one currency symbol ("$", "€")."""
    return len(text) == 1 and unicodedata.category(text) == "Sc"


def _is_suffix(suffix: str) -> bool:
    """Whether a suffix is a percent sign, a currency or a unit (" kg", "°C"), or empty."""
    core = suffix.lstrip(" ")
    if not core:
        return suffix == ""
    return core in _CURRENCY_CODES or _is_symbol(core) or bool(_UNIT.match(core))
