"""Reading a text file a user gave us, or an error that names the file, the line and the fix.

Every input of a build (the survey list, the survey database's CSV files, the arXiv
snapshot, the curation file) is text. A wrong file -- a binary, a NUL-padded download, a
file saved in Latin-1, a 50 MB runaway -- must stop the run with a message, never with a
traceback from deep inside a parser, and never after something was written.
"""

from __future__ import annotations

from pathlib import Path

from ingest.errors import SurveyInputError


def read_text_input(path: Path, *, what: str, max_bytes: int,
                    error: type[ValueError] = SurveyInputError) -> str:
    """The UTF-8 text of ``path`` (a leading BOM dropped), or ``error`` naming ``path``, the
    line and the fix when it is missing, larger than ``max_bytes``, binary or not UTF-8.
    ``what`` names the input in messages ("the survey list")."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise error(f"{path}: {size / 1e6:.1f} MB is more than {what} can be (at most {max_bytes / 1e6:g} MB): "
                        "is it the right file?")
        data = path.read_bytes()
    except OSError as exc:
        raise error(f"{path}: cannot read {what} ({exc.strerror}); check the path") from exc
    if b"\x00" in data:
        line = data[:data.index(b"\x00")].count(b"\n") + 1
        raise error(f"{path}: line {line} holds NUL bytes: a binary or padded file, not {what}; "
                    "pass the right file, saved as text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise error(f"{path}: line {line}, column {column}: byte 0x{data[exc.start]:02x} is not UTF-8; "
                    "save the file as UTF-8 and run again") from None
