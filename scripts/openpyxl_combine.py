"""The baseline for the collect benchmark: what a short openpyxl script does with the returns.

Usage: /usr/bin/python3 scripts/openpyxl_combine.py OUT.xlsx FILE.xlsx...
Loads each workbook read-only, reads every cell of every sheet, and writes the rows of all of
them into one combined sheet (write-only mode), with the file's name in front of each row:
the least a script that consolidates the returns does. It checks nothing and archives nothing.
"""
import os
import sys

import openpyxl

out, paths = sys.argv[1], sys.argv[2:]
combined = openpyxl.Workbook(write_only=True)
sheet = combined.create_sheet("汇总")
cells = 0
for path in paths:
    wb = openpyxl.load_workbook(path, read_only=True)
    name = os.path.basename(path)
    for ws in wb.worksheets:
        # Read-only mode trusts the file's <dimension>, which some writers set wrong
        # (excelize writes A1 after edits): reset it so every cell is read.
        ws.reset_dimensions()
        for row in ws.iter_rows(values_only=True):
            cells += len(row)
            sheet.append([name, ws.title, *row])
    wb.close()
combined.save(out)
print(f"{len(paths)} files, {cells} cells, written to {out}")
