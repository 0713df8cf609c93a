"""figdig from Python: the numbers behind published vector figures as pandas DataFrames, and
scaling-law fits as objects.

The Rust library does all the work (the same code as the ``figdig`` command line); this package
turns its results into DataFrames and dicts. Extraction, audits and fits release the GIL, so
threads (or a Dask cluster's workers) run figures in parallel.

Example::

    >>> import figdig
    >>> ex = figdig.extract("chinchilla_figure_4.svg")
    >>> ex.points.head()                     # the rows of points.csv
    >>> fit = figdig.fit(ex.dataset, bootstrap=200, seed=0)
    >>> fit.params["alpha"], fit.se["alpha"]
    >>> figdig.optimal(fit, flops=[1e24])
"""

from __future__ import annotations

import base64
import html
import io
import json
import os
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Sequence, Union

import numpy as np
import pandas as pd

from . import _native
from ._native import (
    DatasetError,
    FigdigError,
    FitError,
    InputError,
    NoPanelsError,
    ProfileError,
    SceneError,
    UnreadableTicksError,
    UsageError,
)

__all__ = [
    "extract",
    "fit",
    "optimal",
    "read_manifest",
    "corpus",
    "Extraction",
    "Fit",
    "FigureWarning",
    "POINTS_COLUMNS",
    "FigdigError",
    "UsageError",
    "InputError",
    "SceneError",
    "NoPanelsError",
    "UnreadableTicksError",
    "ProfileError",
    "DatasetError",
    "FitError",
]

#: The columns of points.csv, in order.
POINTS_COLUMNS = [
    "panel", "series", "x", "y", "value", "x_svg", "y_svg", "fill", "source", "value_halfwidth",
    "y2", "mark", "line", "piece", "index", "flags", "x_lo", "x_hi", "y_lo", "y_hi",
]
_FLOAT_COLUMNS = {
    "x", "y", "value", "x_svg", "y_svg", "value_halfwidth", "y2", "x_lo", "x_hi", "y_lo", "y_hi",
}
_INT_COLUMNS = {"line", "piece", "index"}
_TEXT_COLUMNS = {"series", "fill", "source", "mark", "flags"}
_EMPTY_COLUMNS = {c: ((b"", []) if c in _TEXT_COLUMNS else b"") for c in POINTS_COLUMNS}


@dataclass(frozen=True)
class FigureWarning:
    """One warning of a figure (figure.json's ``warnings``): its kind (``axis_not_read``,
    ``twin_axis``, ``colour_scale``, ...), the panel and axis it concerns, and the message."""

    kind: str
    panel: Optional[int]
    axis: Optional[str]
    message: str

    def __str__(self) -> str:
        return self.message


def _points_frame(cols: Dict[str, Any]) -> pd.DataFrame:
    data: Dict[str, Any] = {}
    for name in POINTS_COLUMNS:
        v = cols[name]
        if name == "panel":
            data[name] = np.frombuffer(v, dtype="<i8")
        elif name in _FLOAT_COLUMNS:
            data[name] = np.frombuffer(v, dtype="<f8")
        elif name in _INT_COLUMNS:
            f = np.frombuffer(v, dtype="<f8")
            mask = np.isnan(f)
            ints = np.where(mask, 0, f).astype("int64")
            data[name] = pd.arrays.IntegerArray(ints, mask)
        else:
            codes, values = v
            categories = pd.CategoricalDtype(pd.Index(np.array(values, dtype=object), dtype=object))
            data[name] = pd.Categorical.from_codes(np.frombuffer(codes, dtype="<i4"), dtype=categories)
    return pd.DataFrame(data, columns=POINTS_COLUMNS, copy=False)


class Extraction:
    """One figure's extraction (what ``figdig extract`` writes into a figure's folder).

    Attributes:
        points: the rows of points.csv as a DataFrame: numbers as float64 (NaN for an empty
            cell), ``panel`` int64, ``line``/``piece``/``index`` Int64 (<NA> on marker rows),
            text columns (``series``, ``fill``, ``source``, ``mark``, ``flags``) categorical
            (NaN for an empty cell; a million-vertex line stores its name once).
        dataset: dataset.csv as a DataFrame, or None when the figure shows no FLOPs / model
            size / loss panel.
        figure: figure.json's content as a dict.
        warnings: figure.json's warnings as :class:`FigureWarning` entries.
        status: ``ok``, ``partial`` (an axis was not read) or ``failed`` (no point has both x
            and y), as ``figdig extract`` reports it.

    In a notebook the object shows its audit (audit.png, inline) with a summary.

    Example::

        >>> ex = figdig.extract("figures/demo.svg")
        >>> ex.points[["x", "y", "value"]].describe()
        >>> open("audit.png", "wb").write(ex.audit_png())
    """

    def __init__(self, native: "_native.Native"):
        self._native = native
        self._points: Optional[pd.DataFrame] = None
        self._figure: Optional[dict] = None
        self._dataset: Optional[pd.DataFrame] = None
        self._dataset_read = False

    @property
    def name(self) -> str:
        """The figure's file name."""
        return self._native.name

    @property
    def points(self) -> pd.DataFrame:
        if self._points is None:
            self._points = _points_frame(self._native.point_columns())
        return self._points

    @property
    def dataset(self) -> Optional[pd.DataFrame]:
        if not self._dataset_read:
            text = self._native.dataset_csv()
            self._dataset = None if text is None else pd.read_csv(io.StringIO(text), keep_default_na=False,
                                                                   na_values=[""])
            self._dataset_read = True
        return self._dataset

    @property
    def figure(self) -> dict:
        if self._figure is None:
            self._figure = json.loads(self._native.figure_json())
        return self._figure

    @property
    def warnings(self) -> List[FigureWarning]:
        return [
            FigureWarning(w.get("kind"), w.get("panel"), w.get("axis"), w.get("message", ""))
            for w in self.figure.get("warnings", [])
        ]

    @property
    def status(self) -> str:
        return self._native.status()

    def summary(self) -> str:
        """The summary line ``figdig extract`` prints for the figure."""
        return self._native.summary()

    def certificate(self) -> dict:
        """certificate.json's content: every point mapped back through its axes, colours
        through their bar, tick residuals; ``pass`` says whether all checks passed."""
        return json.loads(self._native.certificate_json())

    def audit_png(self, scale: float = 1.0) -> bytes:
        """audit.png's bytes: the figure with every recovered point ringed, ticks marked and
        line series traced (drawn smaller when over a full-HD screen's pixels)."""
        return self._native.audit_png(scale)

    def audit_html(self) -> str:
        """audit.html's text: the self-contained interactive audit page."""
        return self._native.audit_html()

    def _repr_html_(self) -> str:
        png = base64.b64encode(self.audit_png()).decode("ascii")
        warn = "".join(f"<li>{html.escape(str(w))}</li>" for w in self.warnings)
        return (
            f"<div class='figdig-extraction'><p><b>{html.escape(self.name)}</b> ({self.status}): "
            f"{html.escape(self.summary()).splitlines()[0]}</p>"
            f"<img alt='figdig audit of {html.escape(self.name)}' src='data:image/png;base64,{png}'/>"
            f"{'<ul>' + warn + '</ul>' if warn else ''}</div>"
        )

    def __repr__(self) -> str:
        return f"<figdig.Extraction {self.name!r}: {len(self.points)} rows, {self.status}>"


PathOrBytes = Union[str, "os.PathLike[str]", bytes, bytearray, memoryview]


def extract(source: PathOrBytes, page: Optional[int] = None, *, filter: str = "replication",
            name: Optional[str] = None, profile: Optional[str] = None) -> Extraction:
    """Extract a figure's data points, as ``figdig extract`` does.

    Args:
        source: a file path (SVG, gzip-compressed .svgz, PDF) or the bytes of an SVG.
        page: the PDF page (1-based; may be left out for a one-page PDF). A UsageError on SVG.
        filter: which rule marks dataset rows excluded: ``replication`` (the 5 highest
            losses), ``robust`` or ``none``.
        name: the figure's name for bytes input (default ``figure.svg``).
        profile: for bytes input, the text of a profile TOML (a file's profile is read from
            ``<stem>.toml`` beside it, as the command line does).

    Raises:
        InputError, SceneError, NoPanelsError, UnreadableTicksError, ProfileError, UsageError:
        with the command line's message, naming the file.

    Example::

        >>> ex = figdig.extract("figures/demo.svg")
        >>> len(ex.points), ex.status
    """
    if isinstance(source, (bytes, bytearray, memoryview)):
        if page is not None:
            raise UsageError("page applies to PDF files; bytes are read as SVG")
        return Extraction(_native.extract_bytes(bytes(source), name or "figure.svg", profile, filter))
    if profile is not None:
        raise UsageError("profile= applies to bytes input; a file's profile is <stem>.toml beside it")
    return Extraction(_native.extract_file(os.fspath(source), page, filter))


class Fit:
    """A fit of L(N, D) = E + A/N^alpha + B/D^beta (fit.json's content).

    Attributes:
        params: A, B, E, alpha, beta.
        se: bootstrap standard errors (also of ``a`` = beta / (alpha + beta)).
        ci95: bootstrap 95% intervals, as [low, high].
        holdout: held-out prediction errors (with ``holdout=``), else None.
        objective, n_points: the best objective and the points fitted.

    Example::

        >>> fit = figdig.fit("dataset.csv", bootstrap=200, seed=0)
        >>> fit.params["alpha"], fit.ci95["alpha"]
    """

    def __init__(self, report: dict):
        self._report = report

    @property
    def params(self) -> Dict[str, float]:
        return dict(self._report["params"])

    @property
    def se(self) -> Dict[str, float]:
        return dict(self._report["se"])

    @property
    def ci95(self) -> Dict[str, List[float]]:
        return {k: list(v) for k, v in self._report["ci95"].items()}

    @property
    def holdout(self) -> Optional[dict]:
        return self._report.get("holdout")

    @property
    def objective(self) -> float:
        return self._report["objective"]

    @property
    def n_points(self) -> int:
        return self._report["n_points"]

    @property
    def warnings(self) -> List[str]:
        return [w if isinstance(w, str) else json.dumps(w) for w in self._report.get("warnings", [])]

    def to_dict(self) -> dict:
        """The whole report, as figdig fit writes it to fit.json."""
        return json.loads(json.dumps(self._report))

    def to_json(self) -> str:
        return json.dumps(self._report)

    def __repr__(self) -> str:
        p = self.params
        return (f"<figdig.Fit on {self.n_points} points: A={p['A']:.4g}, B={p['B']:.4g}, E={p['E']:.4g}, "
                f"alpha={p['alpha']:.4f}, beta={p['beta']:.4f}>")


def fit(data: Union[pd.DataFrame, str, "os.PathLike[str]"], *, form: str = "chinchilla",
        loss: str = "huber:1e-3", holdout: Optional[str] = None, bootstrap: int = 4000, seed: int = 0,
        starts: str = "default", bootstrap_unit: str = "run", filter: str = "none",
        columns: Optional[str] = None, reference: str = "none") -> Fit:
    """Fit the Chinchilla law (and ``form`` beside it), as ``figdig fit`` does.

    Args:
        data: a DataFrame (e.g. ``Extraction.dataset``) or a CSV path: a loss column and two of
            N, D, C by common names (or ``columns="N=..,L=.."``); an ``excluded`` column's
            non-empty cells leave rows out.
        form, loss, holdout, bootstrap, seed, starts, bootstrap_unit, filter, columns,
        reference: the options of ``figdig fit`` (``--form`` and so on), same values.

    Raises:
        DatasetError (the CSV or its columns), FitError (the fit), UsageError (an option).

    Example::

        >>> fit = figdig.fit("dataset.csv", holdout="largest:1", bootstrap=200, seed=0)
        >>> fit.holdout["median_rel_err"]
    """
    if isinstance(data, pd.DataFrame):
        text, source = data.to_csv(index=False), "DataFrame"
    else:
        source = os.fspath(data)
        try:
            with open(source, encoding="utf-8") as f:
                text = f.read()
        except OSError as e:
            raise DatasetError(f"opening {source}: {e.strerror}") from None
    report = _native.fit_csv(text, source, form=form, loss=loss, holdout=holdout, bootstrap=bootstrap,
                             seed=seed, starts=starts, bootstrap_unit=bootstrap_unit, filter=filter,
                             columns=columns, reference=reference)
    return Fit(json.loads(report))


def optimal(fit: Union[Fit, dict, str, "os.PathLike[str]"], flops: Optional[Sequence[float]] = None, *,
            inference_tokens: Optional[float] = None) -> dict:
    """Compute-optimal N, D and tokens per parameter with 80% intervals, as ``figdig optimal``.

    Args:
        fit: a :class:`Fit`, its ``to_dict()``, or a fit.json path.
        flops: budgets in FLOPs (default: the data's largest compute and 10x beyond).
        inference_tokens: lifetime inference tokens, for the inference-aware allocation.

    Example::

        >>> figdig.optimal(fit, flops=[1e24])["budgets"][0]
    """
    if isinstance(fit, Fit):
        text = fit.to_json()
    elif isinstance(fit, dict):
        text = json.dumps(fit)
    else:
        with open(os.fspath(fit), encoding="utf-8") as f:
            text = f.read()
    return json.loads(_native.optimal_json(text, [float(c) for c in (flops or [])], inference_tokens))


def read_manifest(path: Union[str, "os.PathLike[str]"]) -> pd.DataFrame:
    """A corpus manifest (CSV or JSON Lines) as a DataFrame: ``row``, ``figure`` (the id
    ``figdig corpus`` gives it), ``path`` (as written), ``resolved`` (the file to read), ``page``."""
    rows = _native.manifest(os.fspath(path))
    df = pd.DataFrame(rows, columns=["row", "figure", "path", "resolved", "page"])
    # Absolute, so workers in other processes (or machines sharing the file system) find them.
    df["resolved"] = [os.path.abspath(p) for p in df["resolved"]]
    df["page"] = df["page"].astype("Int64")
    return df


from .corpus import corpus  # noqa: E402  (uses the names above)
