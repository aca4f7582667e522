"""The baseline for the collect benchmark: only read workbooks with openpyxl in read-only mode.

Usage: /usr/bin/python3 scripts/openpyxl_read.py FILE.xlsx...
Loads each workbook read-only and reads every cell of every sheet; prints the cell count.
"""
import sys

import openpyxl

cells = 0
for path in sys.argv[1:]:
    wb = openpyxl.load_workbook(path, read_only=True)
    for ws in wb.worksheets:
        # Read-only mode trusts the file's <dimension>, which some writers set wrong
        # (excelize writes A1 after edits): reset it so every cell is read.
        ws.reset_dimensions()
        for row in ws.iter_rows(values_only=True):
            cells += len(row)
    wb.close()
print(f"{len(sys.argv) - 1} files, {cells} cells")
