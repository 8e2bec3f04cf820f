"""Errors of the reports that callers catch without loading a renderer (python-docx, openpyxl
take a third of a second to import; a command that writes HTML never needs them)."""

from __future__ import annotations

from pathlib import Path


class DocxTemplateError(Exception):
    """A house-style template that cannot be used.

    ``reason`` is ``"missing"``, ``"unreadable"`` (``detail`` says why: the system's words)
    or ``"not_word"``; the command line says it in the user's language (``docx_template_*``
    texts). The message itself is one English line, for logs.
    """

    def __init__(
        self, path: str | Path, reason: str, detail: str = "", cause: OSError | None = None
    ) -> None:
        self.path, self.reason, self.detail = str(path), reason, detail
        self.cause = cause  # what the system said, for the user's own language
        if reason == "missing":
            message = f"{path}: no such file"
        elif reason == "unreadable":
            message = f"{path}: cannot read: {detail}"
        else:
            message = f"{path}: not a Word document or template (.docx, .dotx)"
        super().__init__(message)
