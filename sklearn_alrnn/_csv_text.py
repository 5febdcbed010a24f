"""CSV text as spreadsheets and other packages write it: compressed or not, in UTF-8, UTF-16 or
Windows-1252, cells separated by commas, semicolons, tabs or runs of spaces, decimal points or commas,
a header row or none, blank lines and missing-value marks; a Parquet table read as its CSV."""

import bz2
import codecs
import csv
import gzip
import io
import itertools
import json
import lzma
import os
import re

#: The opening bytes of binary files given where a CSV table is read, what they are and how to make the CSV
#: (a Parquet table is read as its CSV: ``_parquet_as_csv``).
_BINARY_FORMATS = {
    b"ARROW1": ("Feather", "pandas writes it as CSV: pd.read_feather(path).to_csv('data.csv', index=False)"),
    b"PK\x03\x04": ("zip", "extract the CSV file from it, or for an Excel workbook (.xlsx): "
                            "pd.read_excel(path).to_csv('data.csv', index=False)"),
    b"\xd0\xcf\x11\xe0": ("Excel .xls", "pd.read_excel(path).to_csv('data.csv', index=False)"),
    b"\x89HDF": ("HDF5", "read its table with h5py or pandas and write it with .to_csv"),
    b"\x93NUMPY": ("NumPy .npy", "give it a .npy name: reconstruct reads such arrays"),
}


def _parquet_as_csv(data):
    """A Parquet table's text as CSV, its index too where that names the rows (dates, say), so that it
    reads as the same table would from a CSV file; pandas and pyarrow read it."""
    try:
        import pandas as pd

        table = pd.read_parquet(io.BytesIO(data))
    except ImportError as error:
        raise ValueError(f"it is a Parquet file, which needs pandas and pyarrow to read ({error})") from None
    return table.to_csv(index=not isinstance(table.index, pd.RangeIndex))


def _json_as_csv(text):
    """A JSON table's text as CSV: an array of records (``[{"id": 0, "x": 0.5}, ...]``), a record per
    line (JSON Lines) or an object of columns (``{"x": {"0": 0.5, ...}}``), as pandas' ``to_json``
    writes them, or an array of numbers or of rows (``json.dump(X.tolist())``), without a header;
    None for text that is no JSON, a ValueError for JSON that is no table."""
    if not re.match(r"\s*[\[{]", text):  # before copying the text: CSV files start otherwise
        return None
    stripped = text.strip()
    try:
        parsed = json.loads(stripped)
    except RecursionError:
        raise ValueError("it is JSON nested deeper than Python's parser reads, and no table") from None
    except ValueError:
        try:
            parsed = [json.loads(line) for line in stripped.splitlines() if line.strip()]
        except (ValueError, RecursionError):
            return None
    if isinstance(parsed, list) and parsed and all(isinstance(row, (list, int, float)) for row in parsed):
        return "".join(",".join("" if value is None else json.dumps(value) for value in  # a series: numbers, or rows
                                (row if isinstance(row, list) else [row])) + "\n" for row in parsed)
    records = isinstance(parsed, list) and parsed and all(isinstance(record, dict) for record in parsed)
    columns = isinstance(parsed, dict) and parsed and all(isinstance(cells, (dict, list)) for cells in parsed.values())
    if not (records or columns):
        raise ValueError("it is JSON, but no table: an array of records ([{\"x\": 0.5}, ...]), a record per line, "
                         "an object of columns ({\"x\": [0.5, ...]}) or an array of numbers or of rows is read as one")
    try:
        import pandas as pd
    except ImportError as error:
        raise ValueError(f"it is a JSON table, which needs pandas to read ({error})") from None
    return (pd.DataFrame.from_records(parsed) if records else pd.DataFrame(parsed)).to_csv(index=False)


def open_csv(path):
    """A CSV file's text (a Parquet or JSON table's as ``_parquet_as_csv`` and ``_json_as_csv`` write it):
    gzip, bz2 or xz compressed by its suffix, as pandas reads them; UTF-8 (without the byte-order mark spreadsheets write), UTF-16
    after its byte-order mark (spreadsheets' "Unicode text"), else Windows-1252, the encoding
    spreadsheets save CSV in on Western European Windows."""
    opener = {".gz": gzip.open, ".bz2": bz2.open, ".xz": lzma.open}.get(os.path.splitext(path)[1].lower(), open)
    with opener(path, "rb") as file:
        data = file.read()
    if data.startswith(b"PAR1"):
        return io.StringIO(_parquet_as_csv(data), newline="")
    if data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        return _text_handle(data.decode("utf-16"))
    if b"\x00" in data[:65536]:
        kind, advice = next((found for magic, found in _BINARY_FORMATS.items() if data.startswith(magic)),
                            ("binary", "a NUL byte near its start"))
        raise ValueError(f"it is a {kind} file, not a CSV text table ({advice})")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    table = _json_as_csv(text)
    return _text_handle(text) if table is None else io.StringIO(table, newline="")


def _text_handle(text):
    """An open handle of a CSV file's text, without the first line "sep=;" by which spreadsheets name the
    delimiter (it would be read as the header), which the handle keeps as ``declared_delimiter``."""
    declared = re.match(r"sep=([^\r\n])\r?\n", text)
    handle = io.StringIO(text[declared.end():] if declared else text, newline="")
    handle.declared_delimiter = declared and declared.group(1)
    return handle


#: A line of one number, maybe quoted, written with a decimal comma (or of two whole numbers
#: separated by a comma), or without a fraction.
_DECIMAL_COMMA_NUMBER = re.compile(r'\s*("?)(-?)(\d+)(?:,(\d+))?([eE][-+]?\d+)?"?\s*$')


def _one_column_of_decimal_commas(lines):
    """Whether ``lines`` (data, after a header where one comes first) are one column of numbers written
    with a decimal comma rather than two of whole numbers: where a header names one column, the
    numbers are quoted, or one reads "-0,5" or "1,05" (no one writes the whole numbers -0 or 05)."""
    data = lines[1:] if lines and not _DECIMAL_COMMA_NUMBER.match(lines[0]) else lines
    numbers = [_DECIMAL_COMMA_NUMBER.match(line) for line in data]
    if not numbers or not all(numbers) or all(number.group(4) is None for number in numbers):
        return False
    one_name = len(data) < len(lines) and "," not in lines[0]
    return one_name or any(quoted or fraction is not None and (sign and whole == "0" or len(fraction) > 1 and
                                                               fraction.startswith("0"))
                           for quoted, sign, whole, fraction, _ in (number.groups() for number in numbers))


def csv_dialect(handle):
    """The dialect of an open CSV file (rewound), and its decimal mark: commas separate cells, or the
    semicolons and tabs of spreadsheets in locales whose decimal mark is the comma, which such a file
    then may use (:func:`_decimal_mark`). None for cells separated by runs of spaces, as
    ``np.savetxt`` and instruments' text files write them."""
    sample = handle.read(65536)
    handle.seek(0)
    lines = [line for line in sample.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    truncated = len(sample) == 65536
    sample = "\n".join(lines)  # without comments, whose commas ("# units: V, V") are no delimiters
    declared = getattr(handle, "declared_delimiter", None)
    # skipinitialspace: the spaces after a delimiter are no part of the next cell ("a", "b" as written by hand).
    if declared or _one_column_of_decimal_commas(lines[:-1] if truncated else lines):
        dialect = type("Declared", (csv.excel,), {"delimiter": declared or ";", "skipinitialspace": True})
        return dialect, _decimal_mark(sample, dialect.delimiter)
    try:
        sniffed = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:  # one column
        sniffed = csv.excel
    dialect = type("Sniffed", (sniffed,), {"skipinitialspace": True})
    first = re.sub(r'"[^"]*"', "", lines[0]) if lines else ""  # outside quotes, where cells may hold any
    counts = {delimiter: first.count(delimiter) for delimiter in ",;\t"}
    if not counts.get(dialect.delimiter) and any(counts.values()):  # the sniffer took one found in texts only
        dialect = type("FirstLine", (csv.excel,), {"delimiter": max(counts, key=counts.get), "skipinitialspace": True})
    data_line = lines[1] if len(lines) > 1 else lines[0] if lines else ""  # the first, where a header precedes it
    if dialect.delimiter not in sample and len(data_line.split()) > 1:
        return None, "."
    return dialect, _decimal_mark(sample, dialect.delimiter)


#: Numbers written with a decimal comma, and with a decimal point.
_COMMA_NUMBER = re.compile(r"[-+]?\d+,\d+(?:[eE][-+]?\d+)?")
_POINT_NUMBER = re.compile(r"[-+]?\d*\.\d+(?:[eE][-+]?\d+)?")


def _decimal_mark(sample, delimiter):
    """"," where more of the ``sample``'s cells are numbers written with a decimal comma than with a
    point (cells separated by semicolons or tabs, as spreadsheets write them where the comma is the
    decimal mark; not a comma inside a text, "costs 1,5"), else "."."""
    if delimiter == ",":
        return "."
    cells = [cell.strip() for row in csv.reader(io.StringIO(sample), delimiter=delimiter, skipinitialspace=True)
             for cell in row]
    commas = sum(_COMMA_NUMBER.fullmatch(cell) is not None for cell in cells)
    return "," if commas > sum(_POINT_NUMBER.fullmatch(cell) is not None for cell in cells) else "."


#: Cells that mark a missing value (upper-cased): an empty cell, R's NA, spreadsheets' #N/A, and the
#: rest of pandas' default ``na_values`` (which ``fit``'s tables are read with), ``<NA>`` among them.
_MISSING_MARKS = {"", "NA", "N/A", "#N/A", "NULL", "NONE", "MISSING", "?", "-", "<NA>", "#NA", "#N/A N/A", "-1.#IND",
                 "-1.#QNAN", "1.#IND", "1.#QNAN"}


def is_gap(cell):
    """Whether a cell marks a missing value (:data:`_MISSING_MARKS`)."""
    return cell.strip().upper() in _MISSING_MARKS


def cell_number(cell, decimal="."):
    """The cell's float, or None for a cell that is not a number; with ``decimal=","``, "1,5" is 1.5."""
    try:
        return float(cell.replace(decimal, "."))
    except ValueError:
        return None


#: How an ISO 8601 date starts (NumPy alone would read "7" as the year 7).
ISO_DATE = re.compile(r"\s*\d{4}-\d{2}")


def _without_a_trailing_empty_column(header, rows):
    """Header and rows without the empty last cell that a delimiter ending every line leaves (as some
    exports write), where every data row has it and the header has it too, blank, or lacks it."""
    if len({len(row) for row in rows}) == 1 and len(rows[0]) > 1 and not any(row[-1].strip() for row in rows) \
            and (header is None or len(header) < len(rows[0]) or not header[-1].strip()):
        rows = [row[:-1] for row in rows]
        if header is not None and len(header) > len(rows[0]):
            header = header[:-1]
    return header, rows


def _cell_kind(cell, decimal):
    """Whether a cell holds a number, an ISO 8601 date or other text."""
    return "number" if cell_number(cell, decimal) is not None else "date" if ISO_DATE.match(cell) else "text"


def is_blank(row):
    """Whether a row of cells holds nothing but spaces."""
    return not any(cell.strip() for cell in row)


def _rows_between_blank_lines(rows):
    """``rows`` from the first that is not blank (no cell but spaces) to the last."""
    filled = [i for i, row in enumerate(rows) if not is_blank(row)]
    return rows[filled[0]: filled[-1] + 1] if filled else []


def _first_values_below(rows):
    """Each column's first value under the first of ``rows`` that is no gap (an empty or NA cell; a gap
    where the column has none), in the rows as wide as the first; None where no such row follows."""
    width, values = len(rows[0]), []
    for j in range(width):
        column = (row[j] for row in itertools.islice(rows, 1, None) if len(row) == width)
        first = next(column, None)
        if first is None:
            return None
        values.append(next((cell for cell in column if not is_gap(cell)), first) if is_gap(first) else first)
    return values


def _names_columns(first, below, decimal):
    """Whether the ``first`` row is a header: a cell of it is no number and (where values ``below``
    follow, :func:`_first_values_below`; else None) of another kind than the value below it, a
    name over numbers or dates, or it is 0, 1, ... over a row with decimals (the names of
    ``pd.DataFrame(X).to_csv``). A first row of dates or labels over the same, beside numbers, is
    data (a file without a header that starts so). A gap (an empty or NA cell) tells nothing: a
    row of numbers and gaps is data, but for an empty first cell beside 0, 1, ... over decimals, or
    over a first column of whole numbers or dates (pandas' index and default names)."""
    names = [cell.strip() for cell in first]
    if names == [str(i) for i in range(len(first))] and below and any(re.search(r"[.eE]", cell) for cell in below):
        return True  # pandas' default names (0, 1, ...: DataFrame(X).to_csv) over numbers written with decimals
    decimals = [re.search(r"[.eE]", cell) is not None for cell in below or []]
    if names[0] == "" and names[1:] == [str(i) for i in range(len(first) - 1)] and below and \
            (any(decimals[1:]) or not decimals[0]):
        return True  # the same beside pandas' index (whose name is empty), or over an index of whole numbers or dates
    kinds = [_cell_kind(cell, decimal) for cell in first]
    gaps = [is_gap(name) for name in names]
    if all(kind == "number" or gap for kind, gap in zip(kinds, gaps)):
        return False  # a first row of data with missing values
    if any(gaps) and below:  # a gap tells nothing: the other cells against those below
        return any(kind != "number" and not gap and kind != _cell_kind(cell, decimal)
                   for kind, gap, cell in zip(kinds, gaps, below))
    if "number" not in kinds or not below:
        return kinds != ["number"] * len(kinds)
    return any(kind != "number" and kind != _cell_kind(cell, decimal) for kind, cell in zip(kinds, below))


def _rows_and_lines(text, dialect):
    """Each row of a CSV ``text`` (cells separated by runs of spaces where ``dialect`` is None) with the
    lines it spans (a quoted cell may hold line breaks)."""
    lines = text.splitlines(keepends=True)
    if dialect is None:
        return [(line.split(), [line]) for line in lines]
    reader, rows, start = csv.reader(lines, dialect), [], 0
    for row in reader:
        rows.append((row, lines[start:reader.line_num]))
        start = reader.line_num
    return rows


def _is_comment(row, dialect):
    """Whether a row is a line starting with # (notes, a units line), not a header whose first column is
    named "#" (row numbers, "#,name,value")."""
    return bool(row) and row[0].lstrip().startswith("#") and (dialect is None or len(row) == 1 or row[0].strip() != "#")


def without_comments(handle, dialect, decimal, above_only=False):
    """An open CSV file's ``handle`` (rewound) without the lines starting with # (an instrument's or a
    logger's notes, a units line), with ``above_only`` those above the first row only (a table's texts
    may start with #: "#blessed morning"); where the first row is data, the last comment line above it
    of as many cells, none a number or a date, is the header (``np.savetxt(header=...)`` writes "# x,y")."""
    text = handle.read(65536) if above_only else handle.read()  # a table's notes are at its start
    handle.seek(0)
    if not (re.match(r"\s*#", text) if above_only else re.search(r"^\s*#", text, re.MULTILINE)):
        return handle
    text = handle.read()
    handle.seek(0)
    rows = _rows_and_lines(text, dialect)
    comments = [_is_comment(row, dialect) for row, _ in rows]
    start = next((i for i, (row, _) in enumerate(rows) if not comments[i] and not is_blank(row)), len(rows))
    if above_only:
        comments[start:] = [False] * (len(rows) - start)
    kept = [(row, lines) for (row, lines), comment in zip(rows, comments) if not comment]
    if len(kept) == len(rows):
        return handle
    data_rows = [row for row, _ in kept if not is_blank(row)]
    header = []
    if data_rows and not _names_columns(data_rows[0], _first_values_below(data_rows), decimal):
        for _, lines in reversed(rows[:start]):  # the comments above the first row, the last first
            named = "".join(lines).lstrip()[1:].lstrip()
            names = _rows_and_lines(named, dialect)[0][0] if named.strip() else []
            if len(names) == len(data_rows[0]) and all(_cell_kind(name, decimal) == "text" for name in names):
                header = [named if named.endswith(("\n", "\r")) else named + "\n"]
                break
    return io.StringIO("".join(header + [line for _, lines in kept for line in lines]), newline="")


def without_repeated_header(handle, dialect):
    """An open CSV file's ``handle`` (rewound) without the later lines that repeat its first of several
    cells (the header of each file where files are joined one after another; a table of one column may
    hold its name as a value), and how many there were."""
    text = handle.read().lstrip()
    handle.seek(0)
    header = next(iter(text[:65536].splitlines()), "").strip()
    if len(header.split() if dialect is None else next(csv.reader([header], dialect))) < 2 or text.count(header) < 2:
        return handle, 0
    lines = text.splitlines(keepends=True)
    kept = lines[:1] + [line for line in lines[1:] if line.strip() != header]
    return io.StringIO("".join(kept), newline=""), len(lines) - len(kept)


def read_csv_rows(path):
    """A CSV file's header (None without one: :func:`_names_columns`), its data rows of cells as
    text, as wide as each other, and its decimal mark. Lines starting with # are comments
    (:func:`without_comments`); blank lines before and after the data are none, and a blank line
    among them is a row of empty cells (of one column, a file has no other way to write a gap)."""
    with open_csv(path) as opened:
        dialect, decimal = csv_dialect(opened)
        handle = without_comments(opened, dialect, decimal)
        reader = (line.split() for line in handle) if dialect is None else csv.reader(handle, dialect)
        rows = _rows_between_blank_lines(list(reader))
    header = rows.pop(0) if rows and _names_columns(rows[0], _first_values_below(rows), decimal) else None
    rows = _rows_between_blank_lines(rows)
    if not rows:
        raise ValueError("no data rows")
    blank = [is_blank(row) for row in rows]
    header, filled = _without_a_trailing_empty_column(header, [row for row, empty in zip(rows, blank) if not empty])
    widths = sorted({len(row) for row in filled})
    if len(widths) > 1:
        raise ValueError(f"rows of {widths} cells; every row must have the same number")
    filled = iter(filled)
    return header, [[""] * widths[0] if empty else next(filled) for empty in blank], decimal
