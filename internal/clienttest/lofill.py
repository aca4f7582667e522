#!/usr/bin/python3
"""Fill .xlsx workbooks with a real spreadsheet client (LibreOffice via UNO), and
save them as .xlsx or, when "out" ends in .ods, in LibreOffice's own format.

Run with Debian's interpreter (python3-uno lives there, not in pyenv):

    /usr/bin/python3 internal/clienttest/lofill.py JOB.json

JOB.json:

    {
      "timeout": 300,                      # optional, seconds for the whole run
      "files": [
        {
          "in": "a.xlsx", "out": "b.xlsx", # relative paths: relative to the cwd
          "unprotect": true,               # unprotect every protected sheet (and
                                           # the workbook structure) first, and
                                           # re-protect exactly those at the end
          "password": "",                  # optional, used for unprotect/protect
          "save_password": "",             # optional: save with a password to open
          "cells": [
            {"sheet": "任务进展", "cell": "G2", "value": "序时推进"},  # string
            {"sheet": "任务进展", "cell": "H2", "value": 80},          # number
            {"sheet": "任务进展", "cell": "I2", "formula": "=1+1"},    # formula
            {"sheet": "任务进展", "cell": "J2", "date": "2024-01-05"}, # date
            {"sheet": 0, "cell": "K2", "value": null}                  # clear
          ],
          "ops": [
            {"rename_sheet": {"from": "任务进展", "to": "Sheet1"}},
            {"delete_rows": {"sheet": "Sheet1", "row": 3, "count": 1}},
            {"insert_row": {"sheet": "Sheet1", "row": 3, "count": 1}},
            {"delete_sheet": {"sheet": "模板标识"}},
            {"clear_properties": {"title": "新标题"}},  # user-defined
                                   # properties removed; the title set
            {"cell": "G3", "sheet": "Sheet1", "value": "x"}          # a cell op
          ]
        }
      ]
    }

Per file, the action keys ("cells", "ops", "rename_sheet", "delete_rows",
"insert_row", "delete_sheet", "clear_properties") are applied in the order
they appear in the file object; each list is applied in its own order. The
operations at file level may be one object or a list of objects. Rows are 1-based
(Excel numbering). "sheet" is a name or a 0-based index. Any cell entry may
carry "format": "<number format code>" (dates default to YYYY-MM-DD, or
YYYY-MM-DD HH:MM:SS when the date string has a time part). Formulas use
Excel file syntax by default ("," separators, 'Sheet'!A1 references, English
names, "_xlfn." prefix for post-2007 functions, i.e. what openpyxl writes);
add "syntax": "lo" to use LibreOffice's own API grammar instead (";"
separators, $Sheet.A1 references).

One soffice process serves the whole job. Output: one line per file.
Exit status: 0 ok, 1 job/document error, 2 timeout, 3 LibreOffice start failure.
"""

import datetime
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid

import uno  # noqa: F401  (must be imported before com.sun.star.*)
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException
from com.sun.star.lang import Locale

SOFFICE = os.environ.get("LOFILL_SOFFICE", "soffice")
XLSX_FILTER = "Calc MS Excel 2007 XML"
# The filter by the output's extension: .ods is LibreOffice's own format.
FILTERS = {".xlsx": XLSX_FILTER, ".ods": "calc8"}
CELL_KEYS = ("value", "formula", "date")
ACTION_KEYS = ("cells", "ops", "rename_sheet", "delete_rows", "insert_row",
               "delete_sheet", "clear_properties")


class JobError(Exception):
    pass


def die(msg, code=1):
    sys.stderr.write("lofill: error: %s\n" % msg)
    sys.stderr.flush()
    return code


def prop(name, value):
    p = PropertyValue()
    p.Name = name
    p.Value = value
    return p


def file_url(path):
    return uno.systemPathToFileUrl(os.path.abspath(path))


class Office:
    """One headless soffice process + one UNO connection."""

    def __init__(self):
        self.proc = None
        self.profile = None
        self.desktop = None

    def start(self, connect_timeout=30.0):
        self.profile = tempfile.mkdtemp(prefix="lofill-profile-")
        pipe = "lofill_%d_%s" % (os.getpid(), uuid.uuid4().hex[:12])
        cmd = [
            SOFFICE, "--headless", "--invisible", "--nologo", "--norestore",
            "--nodefault", "--nolockcheck",
            "-env:UserInstallation=" + uno.systemPathToFileUrl(self.profile),
            "--accept=pipe,name=%s;urp;" % pipe,
        ]
        try:
            # own process group, so we can terminate soffice.bin and its
            # oosplash/shell-script parents together
            self.proc = subprocess.Popen(
                cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE, start_new_session=True)
        except OSError as e:
            raise JobError("cannot start %s: %s" % (SOFFICE, e))

        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext(
            "com.sun.star.bridge.UnoUrlResolver", local)
        url = "uno:pipe,name=%s;urp;StarOffice.ComponentContext" % pipe
        deadline = time.monotonic() + connect_timeout
        last = None
        while True:
            if self.proc.poll() is not None:
                err = self.proc.stderr.read().decode("utf-8", "replace")
                raise JobError("soffice exited early (status %s): %s"
                               % (self.proc.returncode, err.strip()))
            try:
                ctx = resolver.resolve(url)
                break
            except NoConnectException as e:
                last = e
            if time.monotonic() > deadline:
                raise JobError("could not connect to soffice within %.0fs: %s"
                               % (connect_timeout, getattr(last, "Message", last)))
            time.sleep(0.2)
        self.desktop = ctx.ServiceManager.createInstanceWithContext(
            "com.sun.star.frame.Desktop", ctx)

    def kill(self):
        """Terminate soffice; idempotent, safe from the watchdog thread."""
        p = self.proc
        if p is not None and p.poll() is None:
            try:
                os.killpg(p.pid, signal.SIGTERM)
            except (ProcessLookupError, PermissionError):
                pass
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(p.pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
                try:
                    p.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    pass

    def stop(self):
        if self.desktop is not None and self.proc is not None \
                and self.proc.poll() is None:
            try:
                self.desktop.terminate()
            except Exception:  # bridge disposed during terminate is normal
                pass
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        self.desktop = None
        self.kill()
        if self.profile:
            shutil.rmtree(self.profile, ignore_errors=True)
            self.profile = None


# ---------------------------------------------------------------- document ops

def get_sheet(doc, ref):
    sheets = doc.getSheets()
    if isinstance(ref, bool) or ref is None:
        raise JobError("bad sheet reference %r" % (ref,))
    if isinstance(ref, int):
        if not 0 <= ref < sheets.getCount():
            raise JobError("sheet index %d out of range (%d sheets)"
                           % (ref, sheets.getCount()))
        return sheets.getByIndex(ref)
    if not sheets.hasByName(ref):
        raise JobError("no sheet %r (have %s)"
                       % (ref, list(sheets.getElementNames())))
    return sheets.getByName(ref)


def number_format(doc, code):
    fmts = doc.getNumberFormats()
    loc = Locale()  # empty locale = system/default; codes below are en-US style
    loc.Language, loc.Country = "en", "US"
    key = fmts.queryKey(code, loc, False)
    if key == -1:
        key = fmts.addNew(code, loc)
    return key


def parse_date(s):
    for fmt, code in (("%Y-%m-%d", "YYYY-MM-DD"),
                      ("%Y-%m-%dT%H:%M:%S", "YYYY-MM-DD HH:MM:SS"),
                      ("%Y-%m-%d %H:%M:%S", "YYYY-MM-DD HH:MM:SS"),
                      ("%Y-%m-%dT%H:%M", "YYYY-MM-DD HH:MM"),
                      ("%Y-%m-%d %H:%M", "YYYY-MM-DD HH:MM")):
        try:
            return datetime.datetime.strptime(s, fmt), code
        except (ValueError, TypeError):
            pass
    raise JobError("bad date %r (want YYYY-MM-DD[ HH:MM[:SS]])" % (s,))


_parsers = {}


def excel_parser(doc):
    """FormulaParser for Excel/OOXML file syntax: "," separators, Sheet!A1
    references, English names, _xlfn. prefixes for newer functions."""
    key = id(doc)
    if key not in _parsers:
        _parsers.clear()  # one document at a time
        const = uno.getConstantByName
        mapper = doc.createInstance("com.sun.star.sheet.FormulaOpCodeMapper")
        parser = doc.createInstance("com.sun.star.sheet.FormulaParser")
        parser.FormulaConvention = const(
            "com.sun.star.sheet.AddressConvention.XL_OOX")
        parser.CompileEnglish = True
        parser.OpCodeMap = mapper.getAvailableMappings(
            const("com.sun.star.sheet.FormulaLanguage.OOXML"),
            const("com.sun.star.sheet.FormulaMapGroup.ALL_EXCEPT_SPECIAL"))
        _parsers[key] = parser
    return _parsers[key]


def set_cell(doc, spec):
    if "cell" not in spec or "sheet" not in spec:
        raise JobError("cell entry needs \"sheet\" and \"cell\": %r" % (spec,))
    kinds = [k for k in CELL_KEYS if k in spec]
    if len(kinds) != 1:
        raise JobError("cell entry needs exactly one of %s: %r"
                       % ("/".join(CELL_KEYS), spec))
    sheet = get_sheet(doc, spec["sheet"])
    try:
        cell = sheet.getCellRangeByName(spec["cell"])
    except Exception:
        raise JobError("bad cell address %r" % (spec["cell"],))
    if cell.getRangeAddress().EndColumn != cell.getRangeAddress().StartColumn \
            or cell.getRangeAddress().EndRow != cell.getRangeAddress().StartRow:
        raise JobError("%r is a range, not a single cell" % (spec["cell"],))
    cell = cell.getCellByPosition(0, 0)
    if sheet.isProtected() and cell.CellProtection.IsLocked:
        # the API would silently ignore the write
        raise JobError("cell %s!%s is locked on a protected sheet "
                       "(set \"unprotect\": true)"
                       % (sheet.getName(), spec["cell"]))

    kind = spec[kinds[0]]
    fmt = spec.get("format")
    if "date" in spec:
        dt, code = parse_date(spec["date"])
        nd = doc.NullDate
        base = datetime.datetime(nd.Year, nd.Month, nd.Day)
        delta = dt - base
        cell.setValue(delta.days + delta.seconds / 86400.0)
        cell.NumberFormat = number_format(doc, fmt or code)
        return
    if "formula" in spec:
        f = spec["formula"]
        if not isinstance(f, str) or not f.startswith("="):
            raise JobError("formula must be a string starting with '=': %r"
                           % (f,))
        syntax = spec.get("syntax", "excel")
        if syntax == "excel":
            try:
                tokens = excel_parser(doc).parseFormula(
                    f, cell.getCellAddress())
                cell.setTokens(tokens)
            except Exception as e:
                raise JobError("formula %r in %s: %s" % (
                    f, spec["cell"], getattr(e, "Message", None) or e))
        elif syntax == "lo":
            cell.setFormula(f)
        else:
            raise JobError("syntax must be \"excel\" or \"lo\": %r" % (spec,))
        if cell.getType().value != "FORMULA":
            raise JobError("formula %r was not accepted in %s"
                           % (f, spec["cell"]))
        err = cell.getError()
        if err in (501, 502, 503, 504, 507, 508, 509, 510, 511, 512):
            # syntax-type errors (Err:5xx); #NAME? (525) etc. are left to tests
            raise JobError("formula %r in %s gives Err:%d"
                           % (f, spec["cell"], err))
    else:
        v = kind
        if v is None:
            cell.clearContents(1 | 2 | 4 | 16)  # VALUE|DATETIME|STRING|FORMULA
        elif isinstance(v, bool):
            cell.setFormula("=TRUE()" if v else "=FALSE()")
        elif isinstance(v, (int, float)):
            cell.setValue(float(v))
        elif isinstance(v, str):
            cell.setString(v)
        else:
            raise JobError("unsupported value %r in %s" % (v, spec["cell"]))
    if fmt:
        cell.NumberFormat = number_format(doc, fmt)


def as_list(v):
    return v if isinstance(v, list) else [v]


def row_args(doc, spec, what):
    try:
        sheet = get_sheet(doc, spec["sheet"])
        row = int(spec["row"])
        count = int(spec.get("count", 1))
    except KeyError as e:
        raise JobError("%s needs %s: %r" % (what, e, spec))
    if row < 1 or count < 1:
        raise JobError("%s: row and count must be >= 1: %r" % (what, spec))
    return sheet, row - 1, count


def apply_op(doc, name, spec):
    if not isinstance(spec, dict):
        raise JobError("%s wants an object, got %r" % (name, spec))
    if name == "rename_sheet":
        sheets = doc.getSheets()
        new = spec.get("to")
        if not new:
            raise JobError("rename_sheet needs \"to\": %r" % (spec,))
        if sheets.hasByName(new):
            raise JobError("rename_sheet: %r already exists" % (new,))
        sheet = get_sheet(doc, spec.get("from"))
        sheet.setName(new)
        if not sheets.hasByName(new):
            raise JobError("rename_sheet %r -> %r refused (workbook structure "
                           "protected?)" % (spec.get("from"), new))
    elif name == "delete_rows":
        sheet, r, n = row_args(doc, spec, name)
        sheet.getRows().removeByIndex(r, n)
    elif name == "insert_row":
        sheet, r, n = row_args(doc, spec, name)
        sheet.getRows().insertByIndex(r, n)
    elif name == "delete_sheet":
        # what is left when a form is retyped into a new workbook: no hidden sheet
        sheet = get_sheet(doc, spec.get("sheet"))
        doc.getSheets().removeByName(sheet.getName())
    elif name == "clear_properties":
        # ... and no custom document properties; the title is whatever the new one has
        props = doc.getDocumentProperties()
        user = props.getUserDefinedProperties()
        for p in user.getPropertySetInfo().getProperties():
            user.removeProperty(p.Name)
        props.Title = spec.get("title", "")
    elif name == "cell":
        set_cell(doc, spec)
    else:
        raise JobError("unknown op %r" % (name,))


def apply_ops(doc, ops):
    for op in as_list(ops):
        if not isinstance(op, dict):
            raise JobError("op must be an object: %r" % (op,))
        if "cell" in op:
            apply_op(doc, "cell", op)
            continue
        if len(op) != 1:
            raise JobError("op must have exactly one key: %r" % (op,))
        (name, spec), = op.items()
        apply_op(doc, name, spec)


def process_file(office, f):
    for k in ("in", "out"):
        if not isinstance(f.get(k), str) or not f[k]:
            raise JobError("file entry needs %r: %r" % (k, f))
    src, dst = f["in"], f["out"]
    if not os.path.isfile(src):
        raise JobError("input %s does not exist" % src)
    pw = f.get("password", "")
    if not isinstance(pw, str):
        raise JobError("password must be a string")

    doc = office.desktop.loadComponentFromURL(
        file_url(src), "_blank", 0,
        (prop("Hidden", True), prop("ReadOnly", False),
         prop("MacroExecutionMode", 0),   # NEVER_EXECUTE
         prop("UpdateDocMode", 0)))      # NO_UPDATE of links
    if doc is None or not hasattr(doc, "getSheets"):
        raise JobError("LibreOffice could not open %s as a spreadsheet" % src)
    try:
        reprotect_sheets, reprotect_doc = [], False
        if f.get("unprotect"):
            if doc.isProtected():
                try:
                    doc.unprotect(pw)
                except Exception:
                    pass
                if doc.isProtected():
                    raise JobError("cannot unprotect the workbook structure "
                                   "(wrong or missing \"password\"?)")
                reprotect_doc = True
            sheets = doc.getSheets()
            for i in range(sheets.getCount()):
                sh = sheets.getByIndex(i)
                if sh.isProtected():
                    try:
                        sh.unprotect(pw)
                    except Exception:
                        pass  # IllegalArgumentException on a wrong password
                    if sh.isProtected():
                        raise JobError("cannot unprotect sheet %r (wrong or "
                                       "missing \"password\"?)" % sh.getName())
                    reprotect_sheets.append(sh)

        ncells = nops = 0
        for key in f:
            if key == "cells":
                for c in f["cells"]:
                    set_cell(doc, c)
                    ncells += 1
            elif key == "ops":
                apply_ops(doc, f["ops"])
                nops += len(as_list(f["ops"]))
            elif key in ACTION_KEYS:
                for spec in as_list(f[key]):
                    apply_op(doc, key, spec)
                    nops += 1

        # sheet objects survive renames/row ops, so re-protect them directly
        for sh in reprotect_sheets:
            sh.protect(pw)
        if reprotect_doc:
            doc.protect(pw)

        d = os.path.dirname(os.path.abspath(dst))
        if not os.path.isdir(d):
            raise JobError("output directory %s does not exist" % d)
        ext = os.path.splitext(dst)[1].lower()
        if ext not in FILTERS:
            raise JobError("output %s: extension must be one of %s"
                           % (dst, ", ".join(sorted(FILTERS))))
        props = [prop("FilterName", FILTERS[ext]), prop("Overwrite", True)]
        if f.get("save_password"):
            # saved with a password to open it, as a unit may by mistake
            props.append(prop("Password", f["save_password"]))
        doc.storeToURL(file_url(dst), tuple(props))
        return ncells, nops, len(reprotect_sheets)
    finally:
        _parsers.clear()
        try:
            doc.close(True)
        except Exception:
            try:
                doc.dispose()
            except Exception:
                pass


def main(argv):
    if len(argv) != 2:
        return die("usage: /usr/bin/python3 %s JOB.json" % argv[0])
    try:
        with open(argv[1], encoding="utf-8") as fh:
            job = json.load(fh)
    except (OSError, ValueError) as e:
        return die("cannot read job %s: %s" % (argv[1], e))
    files = job.get("files") if isinstance(job, dict) else None
    if not isinstance(files, list):
        return die("job needs a \"files\" array")
    timeout = float(os.environ.get("LOFILL_TIMEOUT", job.get("timeout", 300)))

    office = Office()

    # Watchdog thread: a Python signal handler cannot run while the main
    # thread is blocked inside a UNO call, so kill soffice and exit hard.
    def on_timeout():
        sys.stderr.write("lofill: error: timed out after %gs, killing "
                         "soffice\n" % timeout)
        sys.stderr.flush()
        office.kill()
        if office.profile:
            shutil.rmtree(office.profile, ignore_errors=True)
        os._exit(2)
    dog = threading.Timer(timeout, on_timeout)
    dog.daemon = True
    dog.start()

    def on_signal(signum, _frame):
        raise KeyboardInterrupt("signal %d" % signum)
    signal.signal(signal.SIGTERM, on_signal)

    t0 = time.monotonic()
    try:
        try:
            office.start()
        except JobError as e:
            return die(str(e), 3)
        print("lofill: soffice ready in %.2fs" % (time.monotonic() - t0),
              flush=True)
        for i, f in enumerate(files):
            t = time.monotonic()
            if not isinstance(f, dict):
                return die("files[%d] is not an object" % i)
            try:
                ncells, nops, nprot = process_file(office, f)
            except JobError as e:
                return die("files[%d] %s: %s" % (i, f.get("in"), e))
            except Exception as e:  # UNO exceptions, bridge loss, ...
                return die("files[%d] %s: %s: %s" % (
                    i, f.get("in"), type(e).__name__,
                    getattr(e, "Message", None) or e))
            print("lofill: %s -> %s (%d cells, %d ops, %d sheets re-protected,"
                  " %.2fs)" % (f["in"], f["out"], ncells, nops, nprot,
                               time.monotonic() - t), flush=True)
        return 0
    except KeyboardInterrupt as e:
        return die("interrupted (%s)" % e)
    finally:
        office.stop()
        dog.cancel()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
