"""Format front ends: DOCX, XLSX, CSV and PDF plans → rows and text for the one reader core.

``sniff`` tells the format from the content; each ``read_*`` returns a ``Document``
(``document.py``) that ``plan.read_plan_parts`` reads exactly as it reads a text plan.
"""

from __future__ import annotations

from .csv_reader import read_csv
from .document import Document
from .docx_reader import read_docx
from .pdf_reader import read_pdf
from .sniff import DOCX, PDF, TEXT, XLSX, Sniffed, sniff
from .text_reader import decode_text
from .xlsx_reader import read_xlsx

__all__ = ["DOCX", "PDF", "TEXT", "XLSX", "Document", "Sniffed", "decode_text", "read_csv",
           "read_docx", "read_pdf", "read_xlsx", "sniff"]
