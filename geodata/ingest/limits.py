"""How much a file may hold, and :class:`TextBudget`, which refuses it while it is read.

Other modules read these limits as ``limits.MAX_ROWS`` when a file is read, never as a
copy taken at import, so a test lowers one with
``monkeypatch.setattr(geodata.ingest.limits, "MAX_ROWS", 100)``; the names
:mod:`geodata.ingest` re-exports are copies, and patching them changes nothing.
"""

from __future__ import annotations

from geodata.ingest.errors import ImportFileError

MAX_BYTES = 60 * 2**20
"""Largest accepted upload (bytes)."""
ZIP_MAX_UNCOMPRESSED = 200 * 2**20
"""Largest total uncompressed size of an XLSX's members."""
ZIP_MAX_RATIO = 100
"""Largest compression ratio of one XLSX member bigger than :data:`ZIP_RATIO_MIN_SIZE`."""
ZIP_RATIO_MIN_SIZE = 2**20
ZIP_MAX_MEMBERS = 10_000
MAX_COLUMNS = 256
"""Most columns a table may have (a county table has a few dozen); checked on the first
pass, before any per-column work, so a line of 30,000 commas costs milliseconds."""
MAX_CELL_CHARS = 32_767
"""Longest cell, in characters: Excel's own limit, so no real spreadsheet exceeds it."""
MAX_TEXT_CHARS = 24 * 2**20
"""Most characters a file may decode to, summed over its cells as read.  An XLSX cell
that points at a shared string counts that string again (openpyxl and every later step
copy it per cell), so 2,000 cells pointing at one 0.9 MB string are refused at once.
With :data:`MAX_BYTES` this bounds the importer's peak memory (docs/import.md)."""
MAX_ROWS = 200_000
"""Most rows a file may have: a national list of children's homes (over 80,000) fits
with room; a county table has about 2,900."""
PROBLEM_QUOTE_CHARS = 200
"""Longest quote of a cell (and of a header) in a report's problem list."""
MAX_CELLS = 3_000_000
"""Most cells (rows x columns, as padded) a file may hold."""
HEADER_SCAN_ROWS = 30
"""Rows searched for the header (title rows above it are common)."""


class TextBudget:
    """Counts what a file decodes to and refuses it past the limits, while reading.

    Reading stops at the first cell or row past a limit, so memory never grows beyond
    the bound however the file is built (repeated shared strings, very wide rows).

    Examples
    --------
    >>> b = TextBudget(max_chars=10)
    >>> b.row(["abc", "de"], 1)
    ['abc', 'de']
    >>> b.row(["x" * 6], 2)
    Traceback (most recent call last):
    ...
    geodata.ingest.errors.ImportFileError: refused: the file decodes to more than 10 characters of text (limit 10); row 2
    """

    def __init__(
        self,
        max_chars: int | None = None,
        max_cell: int | None = None,
        max_columns: int | None = None,
        max_cells: int | None = None,
        max_rows: int | None = None,
    ) -> None:
        # The module's limits are read when a file is read, not when this is defined.
        self.max_chars = max_chars or MAX_TEXT_CHARS
        self.max_cell = max_cell or MAX_CELL_CHARS
        self.max_columns = max_columns or MAX_COLUMNS
        self.max_cells = max_cells or MAX_CELLS
        self.max_rows = max_rows or MAX_ROWS + HEADER_SCAN_ROWS
        self.chars = self.cells = self.width = self.rows = 0

    def row(self, cells: list[str], rownum: int) -> list[str]:
        """Account for one row (trailing blank cells dropped) and return it."""
        while cells and cells[-1] == "":
            cells.pop()
        n = len(cells)
        if n:  # blank (formatted but empty) spreadsheet rows are not counted
            self.rows += 1
            if self.rows > self.max_rows:
                raise ImportFileError(
                    f"refused: the file has more than {self.max_rows - HEADER_SCAN_ROWS:,} "
                    "rows; split it by province"
                )
        if n > self.max_columns:
            raise ImportFileError(
                f"refused: row {rownum} has {n:,} columns (limit {self.max_columns}); "
                "a county table has a few dozen"
            )
        self.width = max(self.width, n)
        self.cells += n
        if self.cells > self.max_cells:
            raise ImportFileError(
                f"refused: the file has more than {self.max_cells:,} cells; row {rownum}"
            )
        for j, c in enumerate(cells):
            length = len(c)
            if length > self.max_cell:
                raise ImportFileError(
                    f"refused: the cell in row {rownum}, column {j + 1} holds {length:,} "
                    f"characters (limit {self.max_cell:,}, as in Excel)"
                )
            self.chars += length
        if self.chars > self.max_chars:
            raise ImportFileError(
                f"refused: the file decodes to more than {self.max_chars:,} characters "
                f"of text (limit {self.max_chars:,}); row {rownum}"
            )
        return cells
