"""Type hints of figdig's Rust extension (``figdig._native``). Use the ``figdig`` package's
functions (``extract``, ``fit``, ``optimal``, ``read_manifest``, ``corpus``); this module is
what they call."""

from typing import Dict, List, Optional, Tuple, Union

class FigdigError(Exception):
    """Base class of every figdig error."""

class UsageError(FigdigError):
    """An option or argument figdig cannot use (the command line's exit status 2)."""

class InputError(FigdigError):
    """The input could not be read: missing, an image, too large, a PDF page MuPDF could not convert."""

class SceneError(FigdigError):
    """The input is not an SVG figure figdig can parse (not XML, not SVG, over a limit)."""

class NoPanelsError(FigdigError):
    """No plot area with readable axes was found."""

class UnreadableTicksError(FigdigError):
    """A plot frame was found but its tick labels cannot be read; the message holds a profile template."""

class ProfileError(FigdigError):
    """The figure's profile (<stem>.toml) is not valid."""

class DatasetError(FigdigError):
    """A dataset CSV could not be read: bad CSV, missing or ambiguous columns, bad values."""

class FitError(FigdigError):
    """The fit could not be made, or a fit report cannot be used."""

# A text column: (little-endian int32 category codes, -1 for empty; the categories).
TextColumn = Tuple[bytes, List[str]]

class Native:
    """One figure's extraction, held in Rust."""

    @property
    def name(self) -> str: ...
    def point_columns(self) -> Dict[str, Union[bytes, TextColumn]]:
        """points.csv's columns: floats as little-endian f64 bytes (NaN = empty), ``panel`` as
        little-endian i64 bytes, text columns as (codes, categories)."""
    def figure_json(self) -> str: ...
    def dataset_csv(self) -> Optional[str]: ...
    def certificate_json(self) -> str: ...
    def audit_png(self, scale: float = 1.0) -> bytes: ...
    def audit_html(self) -> str: ...
    def summary(self) -> str: ...
    def status(self) -> str: ...
    def counts(self) -> Tuple[int, int, int, int, int]:
        """(data panels, markers, rows of points.csv, warnings, elements skipped)."""

def extract_file(path: str, page: Optional[int] = None, filter: str = "replication") -> Native: ...
def extract_bytes(data: bytes, name: str = "figure.svg", profile: Optional[str] = None,
                  filter: str = "replication") -> Native: ...
def fit_csv(csv_text: str, source: str, form: str = "chinchilla", loss: str = "huber:1e-3",
            holdout: Optional[str] = None, bootstrap: int = 4000, seed: int = 0, starts: str = "default",
            bootstrap_unit: str = "run", filter: str = "none", columns: Optional[str] = None,
            reference: str = "none") -> str:
    """fit.json's text."""
def optimal_json(fit_json: str, flops: List[float] = ..., inference_tokens: Optional[float] = None) -> str: ...
def manifest(path: str) -> List[Tuple[int, str, str, str, Optional[int]]]:
    """(row, id, path as written, path to read, page) per manifest row."""
def _time_extract(svg: bytes, repeat: int, columns: bool = False) -> List[float]:
    """Rust in-process seconds per extraction, for benchmarks."""
