"""A plan arrives as pasted text, a .txt file (UTF-8 or GBK, as Windows saves it) or a .docx."""

from __future__ import annotations

import io
from pathlib import PurePath

from docx import Document
from docx.table import Table

MAX_BYTES = 2_000_000
TEXT_SUFFIXES = (".txt", ".text")


class PlanFileError(ValueError):
    """``code``: unsupported (not .txt/.docx), too_big, not_text, bad_docx."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def check_file(name: str, size: int | None) -> str:
    """The kind of a file by its name ("txt" or "docx"), refused before it is downloaded."""
    suffix = PurePath(name or "").suffix.lower()
    if suffix not in (*TEXT_SUFFIXES, ".docx"):
        raise PlanFileError("unsupported")
    if size is not None and size > MAX_BYTES:
        raise PlanFileError("too_big")
    return "docx" if suffix == ".docx" else "txt"


def read_plan_file(name: str, data: bytes) -> str:
    kind = check_file(name, len(data))
    return docx_text(data) if kind == "docx" else decode_text(data)


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030 (a superset of GBK); binary is refused."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        control = sum(1 for ch in text if ord(ch) < 32 and ch not in "\r\n\t")
        if "\x00" not in text and control <= len(text) // 100:
            return text
    raise PlanFileError("not_text")


def docx_text(data: bytes) -> str:
    """Paragraphs and table rows in document order; a table row's cells become lines."""
    try:
        document = Document(io.BytesIO(data))
    except Exception as error:  # python-docx raises many kinds for a file that is not .docx
        raise PlanFileError("bad_docx") from error
    lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                cells = list(dict.fromkeys(cell.text.strip() for cell in row.cells))
                lines += [text for cell in cells for text in cell.splitlines()]
        else:
            lines.append(block.text)
    return "\n".join(lines)
