"""Shared helpers of the Python tests: the repository, the CLI binary, ../shared."""

import os
import pathlib
import subprocess

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"


def ci() -> bool:
    return os.environ.get("CI") == "true"


def shared(rel: str) -> pathlib.Path:
    """A file of ../shared; missing, the test fails under CI=true and is skipped otherwise."""
    p = SHARED / rel
    if not p.exists():
        msg = f"../shared/{rel} not found (tests read the reference material from ../shared)"
        if ci():
            pytest.fail(msg + " under CI=true: CI must have ../shared beside the checkout")
        pytest.skip(msg)
    return p


@pytest.fixture(scope="session")
def cli() -> pathlib.Path:
    """The release build of the figdig command line (built when missing)."""
    exe = REPO / "target" / "release" / "figdig"
    if not exe.exists():
        subprocess.run(["cargo", "build", "--release", "--locked"], cwd=REPO, check=True)
    return exe


def run(cli, *args, cwd=None, check=True):
    r = subprocess.run([str(cli), *map(str, args)], capture_output=True, text=True, cwd=cwd)
    if check and r.returncode != 0:
        raise AssertionError(f"figdig {' '.join(map(str, args))} exited {r.returncode}: {r.stderr}")
    return r
