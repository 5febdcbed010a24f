"""Command-line helpers shared by the benchmark scripts."""

import argparse
import ast
import glob
import os

from sklearn_alrnn.datasets import load_ts


def parse_overrides(items):
    """``["readout=last", "n_hidden=64"]`` -> ``{"readout": "last", "n_hidden": 64}`` (Python literals where they parse)."""
    overrides = {}
    for item in items:
        key, _, value = item.partition("=")
        try:
            overrides[key] = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            overrides[key] = value
    return overrides


def archive_sets_parser(description):
    """A parser of ``DIR NAME [NAME ...] [--seeds N]``: archive sets (``NAME_TRAIN.ts`` /
    ``NAME_TEST.ts`` anywhere under DIR) and how many seeds to run each with."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("data_dir")
    parser.add_argument("names", nargs="+")
    parser.add_argument("--seeds", type=int, default=3)
    return parser


def load_archive_set(data_dir, name):
    """``((X_train, y_train), (X_test, y_test))`` of the archive set ``name`` found under ``data_dir``."""
    paths = {part: glob.glob(os.path.join(data_dir, "**", f"{name}_{part}.ts"), recursive=True)
             for part in ("TRAIN", "TEST")}
    missing = [part for part, found in paths.items() if not found]
    if missing:
        raise SystemExit(f"error: no {name}_{missing[0]}.ts under {data_dir}")
    return tuple(load_ts(paths[part][0]) for part in ("TRAIN", "TEST"))
