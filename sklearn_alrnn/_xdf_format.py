"""XDF, the Extensible Data Format of the Lab Streaming Layer (LSL): what LabRecorder writes when an
experiment streams EEG, eye tracking or motion capture and its stimulus markers over LSL, each stream
time-stamped on the clock of the computer that sent it.

The file starts with "XDF:", then chunks: a length (how many bytes it takes, 1, 4 or 8, then the
length, little-endian), a 2-byte tag and the content. Tag 1 is the file's header (XML); 2 a stream's
header (its id, then XML: name, type, channel count, nominal rate, 0 for an irregular stream such as
markers, channel format and, under ``desc``, the channels' labels); 3 samples (the stream's id, a
count, and each sample: a time stamp in seconds, or none for the one before plus the sampling
interval, then its values, numbers or strings of a length each); 4 a clock offset (the stream's id,
when it was measured and the offset from the sender's clock to the recorder's); 5 a boundary (16
fixed bytes from which a reader resumes after damage); 6 a stream's footer (its sample count). As
pyxdf 1.17 reads them, the time stamps are moved onto the recorder's clock by a robust line through
the clock offsets, a line of their own after each reset of the sender's clock, and a regular
stream's by a line through them between breaks (a jump of more than a second, or of 500 samples):
each break a pause. (Read by hand from the specification, github.com/sccn/xdf, and pyxdf's rules.)
"""

import gzip
import math
import os
import struct
import xml.etree.ElementTree as ElementTree
import zlib

import numpy as np

from ._recording_time import Signals, main_signals, pauses_as_gaps
from ._warnings import warn_user

__all__ = ["load_xdf", "load_xdf_markers"]

#: The channel formats of numeric streams and their NumPy types.
_FORMATS = {"float32": "<f4", "double64": "<f8", "int8": "<i1", "int16": "<i2", "int32": "<i4", "int64": "<i8"}
#: The content of every boundary chunk, where a reader resumes after damage.
_BOUNDARY = bytes.fromhex("43a546dccbf5410fb30ed5467383cbe4")
#: pyxdf's clock reset: a jump between clock offsets' measuring times of more than 5 s and 5 median
#: absolute deviations of the steps, with a jump of the offsets of more than 1 s and 10 deviations.
_RESET_TIMES, _RESET_OFFSETS = (5.0, 5.0), (1.0, 10.0)
#: pyxdf's scale of the residuals of its robust line through clock offsets: beyond 0.1 ms a
#: measurement weighs by its distance, not its square, so a delayed measurement does not tilt the line.
_HUBER_SCALE = 1e-4


def _varlen(data, at):
    """A variable-length integer at ``at`` (a byte giving its width, 1, 4 or 8, then the integer) and
    the position after it."""
    width = data[at] if at < len(data) else None
    if width not in (1, 4, 8) or at + 1 + width > len(data):
        raise ValueError(f"a length at byte {at} is no XDF length")
    return int.from_bytes(data[at + 1: at + 1 + width], "little"), at + 1 + width


def _chunks(data, path):
    """(tag, content, byte where it starts) of each chunk of an XDF file's bytes; a chunk that runs past
    the end (the recorder stopped while writing) ends the file with a warning, and damage is passed
    over to the next boundary chunk, with a warning."""
    at = 4
    while at < len(data):
        try:
            length, start = _varlen(data, at)
            if length < 2:
                raise ValueError(f"a chunk at byte {at} is {length} bytes long, too short for its tag")
        except ValueError as exc:
            resume = data.find(_BOUNDARY, at)
            warn_user(f"{os.path.basename(path)}: {exc}; the file is damaged there, and read on from "
                      + ("the next boundary chunk" if resume >= 0 else "nowhere: the chunks before it are read"),
                      UserWarning)
            if resume < 0:
                return
            at = resume + len(_BOUNDARY)
            continue
        if start + length > len(data):
            warn_user(f"{os.path.basename(path)}: it ends inside a chunk of {length} bytes at byte {at} (the recorder "
                      "stopped while writing it); the chunks before it are read", UserWarning)
            return
        yield int.from_bytes(data[start: start + 2], "little"), data[start + 2: start + length], at
        at = start + length


def _stream_header(content):
    """A stream's header fields from a stream header chunk's content (after the stream's id)."""
    try:
        info = ElementTree.fromstring(content[4:].decode("utf-8", errors="replace"))
    except ElementTree.ParseError as exc:
        raise ValueError(f"its header is no XML ({exc})") from None
    text = {field: (info.findtext(field) or "").strip() for field in
            ("name", "channel_count", "nominal_srate", "channel_format")}
    try:
        n_channels, rate = int(text["channel_count"]), float(text["nominal_srate"])
    except ValueError:
        raise ValueError(f"its header gives {text['channel_count']!r} channels at {text['nominal_srate']!r} Hz, "
                         "not numbers") from None
    if n_channels < 1 or not np.isfinite(rate) or rate < 0:
        raise ValueError(f"its header gives {n_channels} channels at {rate:g} Hz")
    if text["channel_format"] not in _FORMATS and text["channel_format"] != "string":
        raise ValueError(f"its channel format is {text['channel_format']!r}, not one of XDF's "
                         f"({', '.join(_FORMATS)}, string)")
    labels = [(channel.findtext("label") or "").strip() for channel in info.iterfind("./desc/channels/channel")]
    drops = (info.findtext("./desc/synchronization/can_drop_samples") or "").strip().lower() == "true"
    return {"name": text["name"] or "stream", "n_channels": n_channels, "rate": rate, "format": text["channel_format"],
            "labels": labels if len(labels) == n_channels else None, "stamps": [], "values": [],
            "clock": [], "last": 0.0, "drops_samples": drops, "count": None}


def _footer_count(content):
    """The sample count a stream's footer chunk's content (after the stream's id) gives, None where it
    gives none."""
    try:
        count = ElementTree.fromstring(content[4:].decode("utf-8", errors="replace")).findtext("sample_count")
        return int(count)
    except (ElementTree.ParseError, TypeError, ValueError):
        return None


def _samples(content, stream):
    """The time stamps and values of a samples chunk's content (after the stream's id), the stamps a
    sample leaves out deduced from the one before."""
    count, at = _varlen(content, 4)
    numeric = stream["format"] != "string"
    width = stream["n_channels"] * np.dtype(_FORMATS[stream["format"]]).itemsize if numeric else 0
    if count * (1 + (width if numeric else 2 * stream["n_channels"])) > len(content):  # a sample's fewest bytes
        raise ValueError(f"a samples chunk of {len(content)} bytes promises {count} samples")
    interval, last = (1 / stream["rate"] if stream["rate"] else 0.0), stream["last"]
    laid_out = _laid_out(content, at, count, width, last, interval) if numeric and count > 1 else None
    if laid_out is not None:
        stamps, starts = laid_out
        at, last = starts[-1] + width, stamps[-1]
    else:
        stamps, starts, texts, at, last = _sample_by_sample(content, at, count, width, stream, last, interval)
    if at > len(content):
        raise ValueError(f"a samples chunk of {len(content)} bytes ends inside its {count} samples")
    stream["last"] = last
    stream["stamps"].append(stamps)
    if numeric and count:
        raw = np.frombuffer(content, np.uint8)[starts[:, None] + np.arange(width)]
        stream["values"].append(raw.view(_FORMATS[stream["format"]]).reshape(count, stream["n_channels"]))
    elif not numeric:
        stream["values"] += texts


def _laid_out(content, at, count, width, last, interval):
    """Each sample's time stamp and values' first byte where, as recorders write them, every sample
    after the first carries a time stamp or none does (None otherwise, or where the bytes do not fit:
    read sample by sample); the stamps left out deduced from the one before, in turn."""
    first = content[at]
    if first not in (0, 8):
        return None
    after = at + 1 + first + width
    if after >= len(content) or content[after] not in (0, 8):
        return None
    stride = 1 + content[after] + width
    flags = after + stride * np.arange(count - 1)
    if flags[-1] + stride > len(content):
        return None
    view = np.frombuffer(content, np.uint8)
    if (view[flags] != content[after]).any():
        return None
    first_stamp = struct.unpack_from("<d", content, at + 1)[0] if first == 8 else last + interval
    if content[after] == 8:
        stamps = np.concatenate([[first_stamp], view[(flags + 1)[:, None] + np.arange(8)].view("<f8").ravel()])
    else:
        stamps = np.cumsum(np.concatenate([[first_stamp], np.full(count - 1, interval)]))  # in turn, as added
    if not np.isfinite(stamps).all():
        return None  # read sample by sample, which names the stamp
    return stamps, np.concatenate([[at + 1 + first], flags + 1 + content[after]])


def _sample_by_sample(content, at, count, width, stream, last, interval):
    """The time stamps, values' first bytes (numbers) or texts of a samples chunk read one sample after
    the other from byte ``at``, the byte after them and the last time stamp."""
    numeric = width > 0
    stamps, starts, texts = np.empty(count), np.empty(count, dtype=np.int64), []
    try:
        for k in range(count):
            if content[at] == 8:
                last, at = struct.unpack_from("<d", content, at + 1)[0], at + 9
                if not math.isfinite(last):
                    raise ValueError(f"a sample's time stamp is {last}")
            elif content[at] == 0:
                last, at = last + interval, at + 1
            else:
                raise ValueError(f"a sample's time stamp is given {content[at]} bytes (0 or 8)")
            stamps[k] = last
            if numeric:
                starts[k], at = at, at + width
                continue
            values = []
            for _ in range(stream["n_channels"]):
                length, at = _varlen(content, at)
                values.append(content[at: at + length].decode("utf-8", errors="replace"))
                at += length
            texts.append("/".join(values))
    except (IndexError, struct.error):
        at = len(content) + 1
    return stamps, starts, texts, at, last


def _streams(path):
    """Each stream of an XDF file (``.xdfz``: compressed by gzip) by id: its header fields, time stamps
    on the recorder's clock and values (an array, or a marker stream's texts)."""
    with open(path, "rb") as file:
        data = file.read()
    if path.lower().endswith(".xdfz"):
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as exc:  # zlib.error: damaged bytes inside the stream
            raise ValueError(f"it is no gzip-compressed XDF file ({exc})") from None
    if data[:4] != b"XDF:":
        raise ValueError("it does not start as an XDF file does ('XDF:')")
    streams = {}
    for tag, content, at in _chunks(data, path):
        if tag not in (2, 3, 4, 6) or len(content) < 4:
            continue
        stream_id = int.from_bytes(content[:4], "little")
        if tag == 2:
            try:
                header = _stream_header(content)
            except ValueError as exc:
                raise ValueError(f"its chunk at byte {at}: {exc}") from None
            if any(stream["name"] == header["name"] for i, stream in streams.items() if i != stream_id):
                header["name"] += f" ({stream_id})"  # two amplifiers of one model: streams of their own
            streams[stream_id] = header
        elif stream_id not in streams:
            warn_user(f"{os.path.basename(path)}: its chunk at byte {at} holds data of stream {stream_id}, which no "
                      "header before it describes; it is left out", UserWarning)
        elif tag == 6:
            streams[stream_id]["count"] = _footer_count(content)
        elif tag == 4 and len(content) >= 20:
            measured = struct.unpack_from("<dd", content, 4)
            streams[stream_id]["clock"] += [measured] if np.isfinite(measured).all() else []
        elif tag == 3:
            try:
                _samples(content, streams[stream_id])
            except ValueError as exc:  # the chunks around it are whole: read on
                warn_user(f"{os.path.basename(path)}: its samples chunk at byte {at} is damaged ({exc}) and left "
                          f"out: the samples of stream {streams[stream_id]['name']!r} before and after it are joined",
                          UserWarning)
    streams = {i: stream for i, stream in streams.items() if any(map(len, stream["stamps"]))}  # others hold nothing
    for stream in streams.values():
        stream["stamps"] = np.concatenate(stream["stamps"])
        if stream["format"] != "string":
            stream["values"] = np.concatenate(stream["values"])
        _drop_sample_after_closing(stream, path)
        with np.errstate(all="ignore"):
            stream["stamps"] = _on_recorders_clock(stream, path)
        if not np.isfinite(stream["stamps"]).all():
            raise ValueError(f"the clock offsets of its stream {stream['name']!r} move its time stamps past any time")
    return streams


def _drop_sample_after_closing(stream, path):
    """Leave out what a sender closed while recorded appends (pylsl#67, liblsl#246): samples beyond its
    footer's count together with a last clock offset unlike the others (its interval more than 10
    times their median, or its offset more than 10 median absolute deviations from theirs), as pyxdf
    does; either alone is left (a footer written early, a clock reset)."""
    count, clock = stream["count"], stream["clock"]
    if count is None or len(stream["stamps"]) <= count or len(clock) < 3:
        return
    times, offsets = np.array(clock, dtype=float).T
    with np.errstate(all="ignore"):
        usual_interval, last_interval = np.median(np.diff(times)[:-1]), abs(times[-1] - times[-2])
        late = last_interval > 10 * usual_interval if usual_interval > 0 else last_interval > 0
        deviation = 1.4826 * np.median(np.abs(offsets[:-1] - np.median(offsets[:-1])))
        unlike = deviation > np.finfo(float).eps and abs(offsets[-1] - np.median(offsets[:-1])) > 10 * deviation
    if late or unlike:
        warn_user(f"{os.path.basename(path)}: stream {stream['name']!r} holds {len(stream['stamps']) - count} "
                  f"sample(s) beyond the {count} its footer counts and a last clock offset unlike the others, what "
                  "a sender closed while recorded appends (pylsl issue 67): both are left out", UserWarning)
        stream["stamps"], stream["values"] = stream["stamps"][:count], stream["values"][:count]
        stream["clock"] = clock[:-1]


def _on_recorders_clock(stream, path):
    """A stream's time stamps moved onto the recorder's clock by its clock offsets ((when, offset) each;
    none: left as they are), as pyxdf moves them: a robust line through the offsets between resets of
    the sender's clock, each stamp moved by the line of the stretch whose measuring times it is
    nearest (the offsets' last time before a reset, or their first after it)."""
    stamps = stream["stamps"]
    if not stream["clock"]:
        return stamps
    times, offsets = np.array(stream["clock"], dtype=float).T
    stretches = _between_clock_resets(times, offsets)
    if len(stretches) > 1:
        warn_user(f"{os.path.basename(path)}: the clock of stream {stream['name']!r} was reset "
                  f"{len(stretches) - 1} time(s) while recorded (its clock offsets jump at "
                  f"{', '.join(f'{times[start]:.6g} s' for start, _ in stretches[1:4])}); the stamps after each reset "
                  "are moved by the offsets measured after it", UserWarning)
    moved, first = stamps.copy(), 0
    for start, stop in stretches:
        intercept, slope = _robust_line(times[start:stop], offsets[start:stop], stream["name"])
        if stop < len(times):
            nearer = np.abs(stamps[first:] - times[stop - 1]) < np.abs(stamps[first:] - times[stop])
            last = first + (len(nearer) if nearer.all() else int(np.argmin(nearer)))
        else:
            last = len(stamps)
        moved[first:last] += intercept + slope * stamps[first:last]
        first = last
    return moved


def _between_clock_resets(times, offsets):
    """(start, stop) of each stretch of clock offsets between resets of the sender's clock: its
    measuring times going back, or both they and the offsets jumping (pyxdf's rule, _RESET_TIMES and
    _RESET_OFFSETS)."""
    if len(times) < 2:
        return [(0, len(times))]
    time_steps, offset_steps = np.diff(times), np.diff(offsets)
    resets = (time_steps < 0) | (_jumps(time_steps, *_RESET_TIMES) & _jumps(offset_steps, *_RESET_OFFSETS))
    bounds = np.concatenate([[0], np.flatnonzero(resets) + 1, [len(times)]])
    return list(zip(bounds[:-1].tolist(), bounds[1:].tolist()))


def _jumps(steps, seconds, deviations):
    """Which ``steps`` stand out: more than ``seconds`` and ``deviations`` median absolute deviations
    from their median."""
    departure = steps - np.median(steps)
    spread = np.median(np.abs(departure)) + np.finfo(float).eps
    return (np.abs(departure) > seconds) & (np.abs(departure) / spread > deviations)


def _robust_line(times, offsets, name):
    """(intercept, slope) of pyxdf's line through clock offsets measured at ``times``: the Huber loss of
    residuals in units of _HUBER_SCALE minimised by 1,000 steps of ADMM (Boyd et al. 2011, section
    6.1.1, as pyxdf takes them); the mean offset where they were all measured at once."""
    if np.ptp(times) == 0:
        return float(np.mean(offsets)), 0.0
    design = np.column_stack([np.ones(len(times)), times / _HUBER_SCALE])
    shift = design[:, 1].min()
    design[:, 1] -= shift
    target = offsets / _HUBER_SCALE
    try:
        lower = np.linalg.cholesky(design.T @ design)
    except np.linalg.LinAlgError:
        raise ValueError(f"the clock offsets of its stream {name!r} fit no line (measured at "
                         f"{times.min():.6g} to {times.max():.6g} s)") from None
    moments = design.T @ target
    fitted, shrunk, dual = np.zeros(2), np.zeros(len(times)), np.zeros(len(times))
    for _ in range(1000):
        fitted = np.linalg.solve(lower.T, np.linalg.solve(lower, moments + design.T @ (shrunk - dual)))
        residual = design @ fitted - target + dual
        inverse = np.divide(1, residual, out=np.zeros_like(residual), where=residual != 0)
        shrunk = residual / 2 + np.maximum(0, 1 - 2 * np.abs(inverse)) * residual / 2  # Huber's proximal step
        dual = residual - shrunk
    return (fitted[0] - fitted[1] * shift) * _HUBER_SCALE, fitted[1]


def _segments(stream):
    """The (start, stop) of each stretch of a regular stream between breaks of its time stamps (a jump of
    more than a second, or of 500 samples), and the stamps on a line through each stretch's own; a
    ValueError where they go back (a clock reset). A stream whose header says it can drop samples
    (video, a headset's frames) keeps its stamps, as pyxdf does: a line would move the frames after a
    dropped one earlier."""
    stamps, name = stream["stamps"], stream["name"]
    breaks = np.flatnonzero(np.abs(np.diff(stamps)) > max(1.0, 500 / stream["rate"])) + 1
    if stream["drops_samples"]:
        breaks = breaks[:0]
    bounds = np.concatenate([[0], breaks, [len(stamps)]])
    regular = stamps.copy()
    with np.errstate(all="ignore"):  # stamps near the largest float (damaged) are refused below
        for start, stop in zip(bounds[:-1], bounds[1:]):
            if stop - start > 1 and not stream["drops_samples"]:
                index = np.arange(start, stop)
                regular[start:stop] = np.polyval(np.polyfit(index, stamps[start:stop], 1), index)
        steps = np.diff(regular)
    if not np.all(steps > 0):
        back = int(np.argmax(~(steps > 0))) + 1
        raise ValueError(f"the time stamps of its stream {name!r} go back at sample {back} ({regular[back - 1]:.6g} s, "
                         f"then {regular[back]:.6g} s): its clock was reset, or the file is damaged")
    return list(zip(bounds[:-1], bounds[1:])), regular


def _regular(streams):
    """The streams of regular samples of numbers."""
    return [stream for stream in streams.values() if stream["rate"] > 0 and stream["format"] != "string"]


def _main_stream(regular):
    """The place in ``regular`` of the main stream, the one :func:`main_signals` reads by default: its
    first sample is the recording clock's 0."""
    shapes = Signals({(i, k): (None, stream["rate"]) for i, stream in enumerate(regular)
                      for k in range(stream["n_channels"])})
    shapes.sources = {key: key[0] for key in shapes}
    return main_signals(shapes)[0][0]


def load_xdf(path):
    """Read the regular numeric streams of an XDF file (or ``.xdfz``), a signal per channel.

    Parameters
    ----------
    path : str or path-like

    Returns
    -------
    signals : Signals (dict of str -> (ndarray, float))
        Each channel's label (the stream's name and the channel's place where the header gives
        none; the stream's name after a label two streams share) and its samples as stored, with
        its stream's nominal rate (a NaN at each break of the stream's time stamps), by stream;
        each signal's stream (``sources``), and each sample's time on the recording's clock
        (``times``): seconds from the first sample of its main stream (:func:`main_signals`).
    """
    path = os.fspath(path)
    streams = _streams(path)
    regular = _regular(streams)
    if not regular:
        raise ValueError("it holds no stream of regular samples of numbers (only markers, strings or none)")
    unread = [f"{stream['name']!r} ({stream['n_channels']} channels of {stream['format']}, irregular)"
              for stream in streams.values() if stream["rate"] == 0 and stream["n_channels"] > 1]
    if unread:  # a gaze or mouse stream without a nominal rate: neither signals of a rate nor markers
        warn_user(f"{os.path.basename(path)}: its stream(s) {', '.join(unread)} hold samples at irregular times, "
                  "neither signals of a rate nor markers of one channel: left out", UserWarning)
    fitted = [_segments(stream) for stream in regular]
    origin = fitted[_main_stream(regular)][1][0]
    signals, sources, times = {}, {}, {}
    for stream, (segments, stamps) in zip(regular, fitted):
        pauses = [(start / stream["rate"], stamps[start] - stamps[start - 1] - 1 / stream["rate"])
                  for start, _ in segments[1:]]
        labels = []
        for k, label in enumerate(stream["labels"] or [""] * stream["n_channels"]):
            label = label or f"{stream['name']} {k}"
            label = f"{label} ({stream['name']})" if label in signals or label in labels else label
            labels.append(label if label not in signals and label not in labels else f"{label} {k}")
        by_channel = np.asfortranarray(stream["values"], dtype=float)  # each channel's samples side by side
        where = f"where the time stamps of its stream {stream['name']!r} break"
        signals |= pauses_as_gaps({label: (by_channel[:, k], stream["rate"]) for k, label in enumerate(labels)},
                                  pauses, path, where, clock_runs_on=True)
        stream_times = np.insert(stamps - origin, [int(round(start * stream["rate"])) for start, _ in pauses], np.nan)
        sources |= dict.fromkeys(labels, stream["name"])
        times |= dict.fromkeys(labels, stream_times)  # one array for the stream's channels
    signals = Signals(signals)
    signals.sources, signals.times = sources, times
    return signals


def load_xdf_markers(path):
    """The markers of an XDF file: the samples of its irregular streams of one channel (LSL's marker
    streams: stimuli, responses, events).

    Parameters
    ----------
    path : str or path-like

    Returns
    -------
    annotations : list of (float, float, str)
        Each marker's time in seconds on the recording's clock (from the first sample of its main
        stream, :func:`load_xdf`; from the first marker where it has no regular stream), duration
        0, and its text (a number's in decimal), stream after stream.
    start_time : None
        An XDF file's time stamps count from the sending computers' start, not a date.
    """
    streams = _streams(os.fspath(path))
    markers = [stream for stream in streams.values() if stream["rate"] == 0 and stream["n_channels"] == 1]
    regular = _regular(streams)
    if regular:
        main = regular[_main_stream(regular)]
        origin = _segments(main)[1][0]
    else:
        origin = min((stream["stamps"].min() for stream in markers), default=0.0)
    annotations = []
    for stream in markers:
        texts = stream["values"] if stream["format"] == "string" else [f"{value:g}" for value in stream["values"][:, 0]]
        annotations += [(stamp - origin, 0.0, text) for stamp, text in zip(stream["stamps"], texts)]
    return annotations, None
