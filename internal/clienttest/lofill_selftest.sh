#!/bin/sh
# Self-check for internal/clienttest/lofill.py: build a workbook with openpyxl, fill it
# with LibreOffice through lofill.py, read it back with openpyxl and assert.
#   sh testdata/lofill_selftest.sh            (N=20 copies for timing: N=80 sh ...)
set -eu
PY=/usr/bin/python3
HERE=$(cd "$(dirname "$0")" && pwd)
N=${N:-20}
T=$(mktemp -d "${TMPDIR:-/tmp}/lofill-selftest.XXXXXX")
trap 'rm -rf "$T"' EXIT
cd "$T"

# ------------------------------------------------------------------ 1. build
$PY - <<'EOF'
import zipfile, shutil
import openpyxl
from openpyxl.styles import Protection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.workbook.protection import WorkbookProtection

wb = openpyxl.Workbook()
ws = wb.active
ws.title = "任务进展"
ws.append(["序号", "任务", "责任人", "计划", "权重", "合计", "进展", "完成率", "翻倍", "日期", "等级"])
for i in range(1, 6):
    ws.append([i, "任务%d" % i, "张三", 10 * i, i, "=D%d+E%d" % (i + 1, i + 1)])
# G:K are the clerk's input columns: unlocked, everything else locked
for row in ws.iter_rows(min_row=2, max_row=50, min_col=7, max_col=11):
    for c in row:
        c.protection = Protection(locked=False)
dv = DataValidation(type="list", formula1='"序时推进,滞后,已完成"', allow_blank=True)
ws.add_data_validation(dv)
dv.add("G2:G50")
ws.protection.sheet = True            # protected, no password
ws.protection.formatColumns = False   # "False" = allowed in OOXML terms
ws.column_dimensions["B"].width = 30

h = wb.create_sheet("说明")
h["A1"] = "hidden sheet"
h.sheet_state = "hidden"
vh = wb.create_sheet("配置")
vh["A1"] = "very hidden sheet"
vh.sheet_state = "veryHidden"
wb.defined_names.append(openpyxl.workbook.defined_name.DefinedName(
    "进展列", attr_text="'任务进展'!$G$2:$G$50"))
wb.security = WorkbookProtection(lockStructure=True)
wb.save("plain.xlsx")

# openpyxl 3.0.9 has no custom document properties: inject docProps/custom.xml
CUSTOM = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
  '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
  'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
  '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="planreport_template">'
  '<vt:lpwstr>progress-v1</vt:lpwstr></property></Properties>')
zin = zipfile.ZipFile("plain.xlsx")
with zipfile.ZipFile("in.xlsx", "w", zipfile.ZIP_DEFLATED) as zout:
    for item in zin.infolist():
        data = zin.read(item.filename)
        if item.filename == "[Content_Types].xml":
            data = data.replace(b"</Types>",
                b'<Override PartName="/docProps/custom.xml" ContentType='
                b'"application/vnd.openxmlformats-officedocument.custom-properties+xml"/></Types>')
        elif item.filename == "_rels/.rels":
            data = data.replace(b"</Relationships>",
                b'<Relationship Id="rIdCustom1" Type="http://schemas.openxmlformats.org/'
                b'officeDocument/2006/relationships/custom-properties" '
                b'Target="docProps/custom.xml"/></Relationships>')
        zout.writestr(item, data)
    zout.writestr("docProps/custom.xml", CUSTOM)
EOF

# ------------------------------------------------------------------ 2. fill
$PY - "$N" <<'EOF'
import json, shutil, sys
n = int(sys.argv[1])
S = "任务进展"
files = [{
    "in": "in.xlsx", "out": "out.xlsx", "unprotect": True,
    "cells": [
        {"sheet": S, "cell": "G2", "value": "序时推进"},
        {"sheet": S, "cell": "H2", "value": 80},
        {"sheet": S, "cell": "H3", "value": 12.5},
        {"sheet": S, "cell": "I2", "formula": "=H2*2"},
        {"sheet": S, "cell": "K2", "formula": '=IF(H2>50,"高","低")'},
        {"sheet": S, "cell": "J2", "date": "2024-01-05"},
        {"sheet": S, "cell": "B3", "value": "改了锁定单元格"},
    ],
}, {
    "in": "in.xlsx", "out": "broken.xlsx", "unprotect": True,
    "ops": [
        {"rename_sheet": {"from": S, "to": "Sheet1"}},
        {"delete_rows": {"sheet": "Sheet1", "row": 3}},
        {"insert_row": {"sheet": "Sheet1", "row": 2}},
        {"sheet": "Sheet1", "cell": "B2", "value": "插入的行"},
    ],
}]
for i in range(n):
    shutil.copy("in.xlsx", "in%02d.xlsx" % i)
    files.append({"in": "in%02d.xlsx" % i, "out": "out%02d.xlsx" % i, "unprotect": True,
                  "cells": [{"sheet": S, "cell": "G%d" % (2 + i % 5), "value": "滞后"},
                            {"sheet": S, "cell": "H2", "value": i}]})
json.dump({"files": files}, open("job.json", "w"), ensure_ascii=False)
# negative job: locked cell on a protected sheet without "unprotect"
json.dump({"files": [{"in": "in.xlsx", "out": "bad.xlsx",
                      "cells": [{"sheet": S, "cell": "B2", "value": "x"}]}]},
          open("bad.json", "w"), ensure_ascii=False)
EOF

start=$(date +%s.%N)
$PY "$HERE/lofill.py" job.json
end=$(date +%s.%N)
echo "selftest: whole run ($((N + 2)) files incl. soffice start/stop): $(echo "$end - $start" | bc)s"

if $PY "$HERE/lofill.py" bad.json 2>bad.err; then
    echo "FAIL: locked-cell job should have failed" >&2; exit 1
fi
echo "selftest: expected failure: $(cat bad.err)"

# the watchdog must kill soffice and exit 2, leaving no process behind
set +e
LOFILL_TIMEOUT=0.5 $PY "$HERE/lofill.py" job.json >/dev/null 2>timeout.err
rc=$?
set -e
if [ "$rc" != 2 ]; then echo "FAIL: timeout run exited $rc, want 2" >&2; cat timeout.err >&2; exit 1; fi
echo "selftest: expected timeout: $(cat timeout.err)"
sleep 0.5
if ps -eo args | grep -v grep | grep -q "lofill-profile-"; then
    echo "FAIL: soffice left running:" >&2; ps -eo pid,args | grep "lofill-profile-" >&2; exit 1
fi

# ------------------------------------------------------------------ 3. check
$PY - "$N" <<'EOF'
import datetime, re, sys, zipfile
import openpyxl

n = int(sys.argv[1])
fails = []
def check(cond, what):
    print("  %-4s %s" % ("ok" if cond else "FAIL", what))
    if not cond:
        fails.append(what)

S = "任务进展"
f = openpyxl.load_workbook("out.xlsx")
v = openpyxl.load_workbook("out.xlsx", data_only=True)
ws, wv = f[S], v[S]
print("out.xlsx:")
check(ws["G2"].value == "序时推进" and ws["G2"].data_type == "s", "G2 string %r" % ws["G2"].value)
check(ws["H2"].value == 80 and isinstance(ws["H2"].value, int), "H2 int %r" % ws["H2"].value)
check(ws["H3"].value == 12.5, "H3 float %r" % ws["H3"].value)
check(ws["B3"].value == "改了锁定单元格", "B3 locked cell written after unprotect")
check(ws["I2"].value == "=H2*2", "I2 formula text (data_only=False) %r" % ws["I2"].value)
check(wv["I2"].value == 160, "I2 cached value (data_only=True) %r" % wv["I2"].value)
check(ws["K2"].value == '=IF(H2>50,"高","低")', "K2 comma-formula text %r" % ws["K2"].value)
check(wv["K2"].value == "高", "K2 cached value %r" % wv["K2"].value)
check(ws["F2"].value == "=D2+E2", "F2 openpyxl formula kept %r" % ws["F2"].value)
print("       F2 cached value (openpyxl wrote none): %r" % wv["F2"].value)
check(ws["J2"].value == datetime.datetime(2024, 1, 5) and ws["J2"].is_date,
      "J2 date %r fmt %r" % (ws["J2"].value, ws["J2"].number_format))
check(ws.protection.sheet, "sheet protection still on")
check(ws.protection.password in (None, ""), "no password added (%r)" % ws.protection.password)
check(ws.protection.formatColumns is False or ws.protection.formatColumns == "0",
      "protection option formatColumns allowed kept (%r)" % ws.protection.formatColumns)
check(ws["G3"].protection.locked is False and ws["B2"].protection.locked is True,
      "cell lock flags kept")
check(f["说明"].sheet_state == "hidden", "hidden sheet state %r" % f["说明"].sheet_state)
print("       veryHidden sheet state after LO: %r" % f["配置"].sheet_state)
dvs = ws.data_validations.dataValidation
check(len(dvs) == 1 and dvs[0].type == "list" and "G2:G50" in str(dvs[0].sqref),
      "data validation %s" % [(d.type, d.formula1, str(d.sqref)) for d in dvs])
# LibreOffice 7.4 neither imports a password-less <workbookProtection
# lockStructure="1"/> nor exports workbook structure protection: observe only.
print("       workbook structure protection after LO: %r"
      % (f.security and f.security.lockStructure))
check("进展列" in [d.name for d in f.defined_names.definedName], "defined name kept")
check(abs((ws.column_dimensions["B"].width or 0) - 30) < 1,
      "column B width %r" % ws.column_dimensions["B"].width)
z = zipfile.ZipFile("out.xlsx")
custom = z.read("docProps/custom.xml").decode() if "docProps/custom.xml" in z.namelist() else ""
check("planreport_template" in custom and "progress-v1" in custom,
      "custom property survived: %s" % (re.findall(r'name="[^"]+"', custom) or "absent"))
app = z.read("docProps/app.xml").decode()
print("       app.xml Application: %s" % re.findall(r"<Application>([^<]*)", app))

print("broken.xlsx:")
b = openpyxl.load_workbook("broken.xlsx")
check(b.sheetnames[0] == "Sheet1" and S not in b.sheetnames, "renamed: %s" % b.sheetnames)
bs = b["Sheet1"]
check(bs["B2"].value == "插入的行" and bs["B3"].value == "任务1" and bs["B4"].value == "任务3",
      "insert row 2 + delete old row 3: B2..B5 = %r" % [bs["B%d" % r].value for r in range(2, 6)])
check(bs["F4"].value == "=D4+E4", "formula refs shifted: F4 = %r" % bs["F4"].value)
check(bs.protection.sheet, "renamed sheet still protected")
check([str(d.sqref) for d in bs.data_validations.dataValidation] == ["G3:G50"],
      "validation after row ops: %s" % [str(d.sqref) for d in bs.data_validations.dataValidation])
print("       defined name after rename: %s" % [(d.name, d.attr_text) for d in b.defined_names.definedName])

for i in range(n):
    w = openpyxl.load_workbook("out%02d.xlsx" % i)[S]
    if w["G%d" % (2 + i % 5)].value != "滞后" or w["H2"].value != i:
        fails.append("out%02d.xlsx" % i)
check(True, "%d batch files checked" % n)

if fails:
    print("selftest: FAILED: %s" % fails); sys.exit(1)
print("selftest: PASS")
EOF
