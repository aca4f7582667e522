"""Print what openpyxl, an independent reader, sees in a template, as JSON.

Usage: /usr/bin/python3 openpyxl_view.py TEMPLATE.xlsx
"""
import json
import sys
import xml.etree.ElementTree as ET
import zipfile

import openpyxl

TASKS = "任务进展"

wb = openpyxl.load_workbook(sys.argv[1])
ws = wb[TASKS]
headers = [c.value for c in ws[1] if c.value is not None]
rows = sum(1 for r in ws.iter_rows(min_row=2) if r[0].value not in (None, ""))
unlocked = [ws.cell(row=1, column=c.column).value for c in ws[2] if c.protection is not None and not c.protection.locked]
validations = [
    {"type": dv.type, "formula1": dv.formula1, "sqref": str(dv.sqref), "prompt": dv.prompt}
    for dv in ws.data_validations.dataValidation
]
# Debian's openpyxl (3.0) does not read custom document properties: read docProps/custom.xml.
props = {}
with zipfile.ZipFile(sys.argv[1]) as z:
    if "docProps/custom.xml" in z.namelist():
        root = ET.fromstring(z.read("docProps/custom.xml"))
        for prop in root:
            props[prop.get("name")] = "".join(prop.itertext())
print(json.dumps({
    "sheets": {s.title: s.sheet_state for s in wb.worksheets},
    "protected": {s.title: bool(s.protection.sheet) for s in wb.worksheets},
    "headers": headers,
    "rows": rows,
    "unlocked_columns": unlocked,
    "validations": validations,
    "props": props,
}, ensure_ascii=False))
