"""Errors of the reports that callers catch without loading a renderer (python-docx, openpyxl
take a third of a second to import; a command that writes HTML never needs them)."""


class DocxTemplateError(Exception):
    """A house-style template that cannot be used; the message is one line for people."""
