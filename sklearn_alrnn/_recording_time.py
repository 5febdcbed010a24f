"""Where the samples of a physiological recording lie in time: the pauses of a recording that pauses,
read as gaps rather than joined over, and the clock the file's annotations count on, so that an
annotation finds its samples (:func:`sklearn_alrnn.datasets.annotation_windows`)."""

import os
from collections import Counter

import numpy as np

from ._warnings import warn_user

__all__ = ["Signals", "main_signals", "pauses_as_gaps", "sample_times"]


class Signals(dict):
    """A recording's signals, label -> (samples, rate), with its clock: seconds from the first sample,
    the clock the file's annotations count on.

    ``start_time`` is the date and time of the first sample (None where the file gives none),
    ``pauses`` (k, 2) says, for each pause read as a gap, where it comes (seconds of samples read)
    and how far the clock moves on there besides the samples' own time, and ``triggers`` names the
    signals whose samples are event codes (BioSemi's "Status"), no signal of the recording's by
    default. Where the signals come from streams of clocks of their own (an XDF file's),
    ``sources`` names each signal's stream and ``times`` gives each signal's sample times on the
    recording's clock (NaN at a gap's row)."""

    def __init__(self, signals, start_time=None, pauses=None):
        super().__init__(signals)
        self.start_time, self.triggers, self.sources, self.times = start_time, [], {}, {}
        self.pauses = np.zeros((0, 2)) if pauses is None else np.asarray(pauses, dtype=float).reshape(-1, 2)

    def group(self, label):
        """What the signals read together share: their rate, and their stream where streams have clocks of
        their own."""
        return self[label][1], self.sources.get(label)


def main_signals(signals):
    """The labels of a recording's main signals, read where none are named: the group of one rate (and
    stream) whose signals hold the most samples (their count times the rate; the higher rate of
    equals), so a sleep study's three EEG and EOG signals at 100 Hz, not its respiration, EMG
    envelope, temperature and event marker at 1 Hz; trigger channels only where there is nothing else."""
    triggers = signals.triggers if len(signals.triggers) < len(signals) else []
    counts = Counter(signals.group(name) for name in signals if name not in triggers)
    shared = max(counts, key=lambda group: (counts[group] * group[0], group[0]))
    return [name for name in signals if signals.group(name) == shared and name not in triggers]


def pauses_as_gaps(signals, pauses, path, where, *, start_time=None, clock_runs_on=False):
    """``signals`` (label -> (samples, rate)) with a NaN at each of the recording's ``pauses``: the
    times (seconds of samples read) where a stretch after a pause starts, each with how long the
    pause lasted (seconds; NaN where the file does not say). A warning names them and ``where`` the
    file marks them; ``reconstruct`` and ``forecast`` cut the series there or fill the row
    (``--gaps``) rather than join the stretches as if the recording had gone on. Where the file's
    annotations count real time (``clock_runs_on``: an EDF+D file's), the clock moves on by each
    pause; where they count the samples stored (EEGLAB's latencies, BrainVision's positions), not."""
    if not len(pauses):
        return Signals(signals, start_time)
    starts, lasted = np.asarray(pauses, dtype=float).reshape(-1, 2).T
    told = "; ".join(f"after {start:g} s of samples" + (f" (for {length:g} s)" if np.isfinite(length) else "")
                     for start, length in zip(starts[:3], lasted[:3])) + "; ..." * (len(starts) > 3)
    warn_user(f"{os.path.basename(path)}: the recording pauses {len(starts)} time{'s' * (len(starts) > 1)}, "
              f"{where}: {told}. Each pause is read as one missing row (NaN), a gap to cut the series at or "
              "to fill (reconstruct's --gaps split or interpolate), not joined over", UserWarning)
    moves = np.nan_to_num(lasted) if clock_runs_on else np.zeros(len(starts))
    return Signals({label: (np.insert(samples, _rows(starts, rate), np.nan), rate)
                    for label, (samples, rate) in signals.items()}, start_time, np.column_stack([starts, moves]))


def _rows(seconds, rate):
    """The rows of samples read at ``rate`` that come ``seconds`` after the first."""
    return np.rint(np.asarray(seconds) * rate).astype(int)


def sample_times(signals, label):
    """The time in seconds of each sample of ``signals[label]`` on the recording's clock (NaN at a
    pause's row), shaped as its samples; an epoched recording's epochs follow one another."""
    if label in signals.times:
        return signals.times[label]
    samples, rate = signals[label]
    pauses = signals.pauses
    n_stored = samples.size - len(pauses)
    times = np.arange(n_stored) / rate
    if not len(pauses):
        return times.reshape(samples.shape)
    rows = _rows(pauses[:, 0], rate)
    times += np.concatenate([[0.0], np.cumsum(pauses[:, 1])])[np.searchsorted(rows, np.arange(n_stored), "right")]
    return np.insert(times, rows, np.nan)
