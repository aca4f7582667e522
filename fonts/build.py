#!/usr/bin/python3
"""Subset Noto CJK SC to GBK + extras and convert CFF outlines to TrueType.

Called by build.sh (read that first). Usage:

    /usr/bin/python3 build.py OUTDIR PLAN.txt

Writes OUTDIR/<name>.ttf for every face in FACES plus OUTDIR/charset.txt.
Must run with Debian's /usr/bin/python3 (python3-fonttools).
"""

import multiprocessing
import os
import sys
import time
import unicodedata

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont, newTable

NOTO = "/usr/share/fonts/opentype/noto"
# Index 2 in every Noto CJK .ttc is the Simplified Chinese (SC) font; checked
# by name below, so a reordered collection fails instead of building JP glyphs.
SC_INDEX = 2

# (output name, source collection, expected full name)
FACES = [
    ("NotoSerifCJKsc-Regular", "NotoSerifCJK-Regular.ttc", "Noto Serif CJK SC"),
    ("NotoSerifCJKsc-Bold", "NotoSerifCJK-Bold.ttc", "Noto Serif CJK SC Bold"),
    ("NotoSansCJKsc-Regular", "NotoSansCJK-Regular.ttc", "Noto Sans CJK SC"),
    ("NotoSansCJKsc-Bold", "NotoSansCJK-Bold.ttc", "Noto Sans CJK SC Bold"),
]

# Tables gopdf reads (head hhea maxp hmtx cmap name OS/2 post loca glyf).
KEEP_TABLES = ["cmap", "glyf", "loca", "head", "hhea", "hmtx", "maxp", "name", "OS/2", "post"]

# Max deviation of the quadratic approximation from the cubic curves, in font
# units (UPM 1000): 1.0 is what fontTools' otf2ttf snippet uses; invisible at
# print sizes.
MAX_ERR = 1.0

# Extra Unicode ranges (intersected with what the font has).
EXTRA_RANGES = [
    (0x0020, 0x007E),  # ASCII
    (0x00A0, 0x00FF),  # Latin-1 Supplement (NBSP occurs in the reference plan)
    (0x2000, 0x206F),  # General Punctuation: “”‘’ — … ‰ ※
    (0x2100, 0x214F),  # Letterlike: ℃ № ℉ ™
    (0x2150, 0x218F),  # Number forms: Ⅰ–Ⅻ ⅰ–ⅻ
    (0x2190, 0x21FF),  # Arrows
    (0x2460, 0x24FF),  # Enclosed alphanumerics: ①–⑳ ⑴ ⒈ Ⓐ
    (0x25A0, 0x25FF),  # Geometric shapes: ●○■□▲△◆◇ (status lights in text)
    (0x2600, 0x26FF),  # Misc symbols: ★☆ (only what the font has)
    (0x2700, 0x27BF),  # Dingbats: ✓✔✗✘ (only what the font has)
    (0x3000, 0x303F),  # CJK Symbols and Punctuation: 、。〈〉《》「」『』【】〔〕〖〗
    (0x3200, 0x32FF),  # Enclosed CJK letters and months: ㈠ ㊀ ㉑–㊿
    (0xFE30, 0xFE4F),  # CJK compatibility forms (GBK has some)
    (0xFF00, 0xFFEF),  # Half-width and full-width forms
]
EXTRA_CHARS = "〔〕①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳℃№“”‘’—…·"


def gbk_chars():
    """Every character Python's gbk codec decodes (single and double byte)."""
    out = set()
    for b in range(0x80):
        out.add(chr(b))
    for lead in range(0x81, 0xFF):
        for trail in range(0x40, 0xFF):
            if trail == 0x7F:
                continue
            try:
                out.add(bytes([lead, trail]).decode("gbk"))
            except UnicodeDecodeError:
                pass
    return out


def wanted_chars(plan_path):
    """Required characters (must all be in every face) and optional extras."""
    required = gbk_chars()
    with open(plan_path, encoding="utf-8") as f:
        required |= set(f.read())
    required |= set(EXTRA_CHARS)
    # Control characters (C0, DEL, line breaks) have no glyphs in any font.
    required = {c for c in required if unicodedata.category(c) != "Cc"}
    optional = set()
    for lo, hi in EXTRA_RANGES:
        optional |= {chr(u) for u in range(lo, hi + 1)}
    optional = {c for c in optional if unicodedata.category(c) not in ("Cc", "Cn", "Co", "Cs")}
    return required, optional


def apply_zhs_locl(font):
    """Bake the Simplified Chinese 'locl' single substitutions into the cmap.

    gopdf does no OpenType shaping, so what a shaper would do for text tagged
    zh-Hans has to be in the cmap. In Noto CJK SC this turns U+2014 EM DASH
    into the full-width dash (advance 1000 instead of ~890), so "——" is one
    joined two-em rule as GB/T 15834 expects.
    """
    gsub = font["GSUB"].table
    feats = gsub.FeatureList.FeatureRecord
    lookups = set()
    for sr in gsub.ScriptList.ScriptRecord:
        if sr.ScriptTag != "hani":
            continue
        for ls in sr.Script.LangSysRecord:
            if ls.LangSysTag.strip() == "ZHS":
                for i in ls.LangSys.FeatureIndex:
                    if feats[i].FeatureTag == "locl":
                        lookups.update(feats[i].Feature.LookupListIndex)
    mapping = {}
    for li in sorted(lookups):
        lk = gsub.LookupList.Lookup[li]
        for st in lk.SubTable:
            if lk.LookupType == 7:
                st = st.ExtSubTable
            m = getattr(st, "mapping", None)
            if m:
                mapping.update(m)
    changed = []
    for table in font["cmap"].tables:
        if not table.isUnicode():
            continue
        for u, g in list(table.cmap.items()):
            if g in mapping:
                table.cmap[u] = mapping[g]
                changed.append(u)
    return sorted(set(changed))


def cff_to_glyf(font):
    """Replace the CFF table with glyf/loca (quadratic TrueType outlines)."""
    order = font.getGlyphOrder()
    gs = font.getGlyphSet()
    glyphs = {}
    for name in order:
        pen = TTGlyphPen(None)
        # reverse_direction: CFF contours run counter-clockwise, TrueType clockwise.
        gs[name].draw(Cu2QuPen(pen, MAX_ERR, reverse_direction=True))
        glyphs[name] = pen.glyph()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = glyphs
    font["glyf"] = glyf
    font["loca"] = newTable("loca")
    del font["CFF "]
    font.sfntVersion = "\x00\x01\x00\x00"

    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    maxp.maxZones = 1
    for attr in ("maxTwilightPoints", "maxStorage", "maxFunctionDefs",
                 "maxInstructionDefs", "maxStackElements", "maxSizeOfInstructions",
                 "maxComponentElements", "maxComponentDepth"):
        setattr(maxp, attr, 0)
    font["head"].glyphDataFormat = 0
    # post format 3: no glyph names (CID names like "cid01234" are useless here).
    post = font["post"]
    post.formatType = 3.0
    post.extraNames = []
    post.mapping = {}


def build_face(args):
    name, src, fullname, outdir, required, optional = args
    t0 = time.time()
    font = TTFont(os.path.join(NOTO, src), fontNumber=SC_INDEX, recalcTimestamp=False)
    got = font["name"].getDebugName(4)
    if got != fullname:
        raise SystemExit(f"{src}#{SC_INDEX} is {got!r}, want {fullname!r}")
    zhs = apply_zhs_locl(font)
    cmap = font.getBestCmap()
    missing = sorted(c for c in required if ord(c) not in cmap)
    if missing:
        raise SystemExit(f"{name}: source lacks required characters: "
                         + " ".join(f"U+{ord(c):04X}" for c in missing))
    unicodes = sorted({ord(c) for c in required | optional if ord(c) in cmap})

    opts = subset.Options()
    opts.layout_features = []
    opts.hinting = False
    opts.desubroutinize = True
    opts.notdef_outline = True
    opts.recommended_glyphs = True
    opts.glyph_names = False
    opts.name_IDs = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14]
    opts.name_languages = [0x409]
    opts.name_legacy = False
    opts.drop_tables += ["GSUB", "GPOS", "GDEF", "BASE", "VORG", "vhea", "vmtx", "DSIG", "gasp"]
    opts.prune_unicode_ranges = True
    sub = subset.Subsetter(opts)
    sub.populate(unicodes=unicodes)
    sub.subset(font)

    cff_to_glyf(font)
    for tag in list(font.keys()):
        if tag not in KEEP_TABLES and tag != "GlyphOrder":
            del font[tag]

    # Say in the font itself that it is a modified version (OFL 1.1).
    nt = font["name"]
    ver = nt.getDebugName(5)
    nt.setName(f"{ver}; subset (GBK+) and converted to TrueType outlines by planreport fonts/build.sh",
               5, 3, 1, 0x409)
    # Debian's fonttools 4.38 keeps only Windows Unicode cmaps when asked; make
    # sure the BMP subtable gopdf needs (3,1 format 4) exists.
    if not any(t.platformID == 3 and t.platEncID == 1 and t.format == 4 for t in font["cmap"].tables):
        raise SystemExit(f"{name}: no (3,1) format 4 cmap")

    out = os.path.join(outdir, name + ".ttf")
    font.save(out)
    n = len(font.getGlyphOrder())
    return (name, n, len(unicodes), os.path.getsize(out), time.time() - t0, zhs)


def main():
    outdir, plan = sys.argv[1], sys.argv[2]
    required, optional = wanted_chars(plan)
    with open(os.path.join(outdir, "charset.txt"), "w", encoding="utf-8") as f:
        f.write("".join(sorted(required)))
    jobs = [(n, s, full, outdir, required, optional) for n, s, full in FACES]
    with multiprocessing.Pool(min(len(jobs), os.cpu_count() or 1)) as pool:
        for name, glyphs, chars, size, secs, zhs in pool.imap(build_face, jobs):
            print(f"{name}: {chars} chars, {glyphs} glyphs, {size} bytes, {secs:.1f} s;"
                  f" zh-Hans locl baked into cmap for "
                  + " ".join(f"U+{u:04X}" for u in zhs))
    print(f"required characters: {len(required)}")


if __name__ == "__main__":
    main()
