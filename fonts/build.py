#!/usr/bin/python3
"""Subset Noto CJK SC to GBK + extras and convert CFF outlines to TrueType.

Called by build.sh (read that first). Usage:

    /usr/bin/python3 build.py OUTDIR PLAN.txt [FACE...]

Writes OUTDIR/<name>.ttf for every face in FACES plus OUTDIR/charset.txt.
Must run with Debian's /usr/bin/python3 (python3-fonttools).
"""

import copy
import multiprocessing
import os
import sys
import time
import unicodedata

from fontTools import subset
from fontTools.pens.boundsPen import BoundsPen
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.recordingPen import RecordingPen
from fontTools.pens.transformPen import TransformPen
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
]

# Tables gopdf reads (head hhea maxp hmtx cmap name OS/2 post loca glyf).
KEEP_TABLES = ["cmap", "glyf", "loca", "head", "hhea", "hmtx", "maxp", "name", "OS/2", "post"]

# Max deviation of the quadratic approximation from the cubic curves, in font
# units (UPM 1000). 2.0 is 0.044 pt at 22 pt type, invisible in print, and
# makes the gzipped fonts ~5% smaller than 1.0 (fontTools' otf2ttf default),
# which brings the four faces under 20 MB.
MAX_ERR = 2.0

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
    (0x2E3A, 0x2E3B),  # Two- and three-em dashes ⸺ ⸻
    (0x3000, 0x303F),  # CJK Symbols and Punctuation: 、。〈〉《》「」『』【】〔〕〖〗
    (0x3200, 0x32FF),  # Enclosed CJK letters and months: ㈠ ㊀ ㉑–㊿
    (0xFE30, 0xFE4F),  # CJK compatibility forms (GBK has some)
    (0xFF00, 0xFFEF),  # Half-width and full-width forms
]
EXTRA_CHARS = "〔〕①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳℃№“”‘’—…·"


def gbk_chars():
    """Every character of GBK: ASCII and each two-byte code that Python's gbk
    codec decodes, plus the two-byte codes that its gb18030 codec (and Go's
    golang.org/x/text GBK decoder) map to standard, non-private-use
    characters: €, ǹ, ⿰–⿻, CJK radicals ⺁…, 〾 and 52 Extension A
    ideographs (81 in all). The 2,068 user-defined codes that decode to the
    Private Use Area are left out: no font has them.
    """
    out = {chr(b) for b in range(0x80)}
    for lead in range(0x81, 0xFF):
        for trail in range(0x40, 0xFF):
            if trail == 0x7F:
                continue
            for codec in ("gbk", "gb18030"):
                try:
                    c = bytes([lead, trail]).decode(codec)
                except UnicodeDecodeError:
                    continue
                if not 0xE000 <= ord(c) <= 0xF8FF:
                    out.add(c)
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


def _replay(ops, pen):
    for op, args in ops:
        getattr(pen, op)(*args)


def _contours(font, glyph):
    """The contours of a glyf glyph as (bounds, recorded pen operations)."""
    rec = RecordingPen()
    font["glyf"][glyph].draw(rec, font["glyf"])
    out, cur = [], []
    for op, args in rec.value:
        cur.append((op, args))
        if op in ("closePath", "endPath"):
            bp = BoundsPen(None)
            _replay(cur, bp)
            out.append((bp.bounds, cur))
            cur = []
    return out


def synth_approx_equal_image(font, u):
    """U+2252 ≒ (GBK 0xA850), which Noto CJK does not have.

    Built from the face's own glyphs so weight and style match: the bars of
    U+FF1D ＝, the upper-left dot of U+2235 ∵ above them and the lower dot of
    ∵ moved under the right end, as in GB 2312-style fonts.
    """
    cmap = font.getBestCmap()
    eq = _contours(font, cmap[0xFF1D])
    dots = sorted(_contours(font, cmap[0x2235]), key=lambda c: (-c[0][1], c[0][0]))
    top_left, top_right = sorted(dots[:2], key=lambda c: c[0][0])
    bottom = dots[2]
    dx = (top_right[0][0] + top_right[0][2]) / 2 - (bottom[0][0] + bottom[0][2]) / 2
    pen = TTGlyphPen(None)
    for _, ops in eq + [top_left]:
        _replay(ops, pen)
    _replay(bottom[1], TransformPen(pen, (1, 0, 0, 1, round(dx), 0)))
    name = f"uni{u:04X}"
    glyph = pen.glyph()
    glyph.recalcBounds(font["glyf"])
    font["glyf"].glyphs[name] = glyph
    order = font.getGlyphOrder() + [name]
    font["glyf"].glyphOrder = order
    font.setGlyphOrder(order)
    font["hmtx"].metrics[name] = (font["hmtx"][cmap[0xFF1D]][0], glyph.xMin)
    for table in font["cmap"].tables:
        if table.isUnicode():
            table.cmap[u] = name


# Required characters that Noto CJK SC lacks, built at build time.
SYNTHESIZED = {0x2252: synth_approx_equal_image}


def join_dashes(font):
    """Stretch the full-width dashes (U+2014, U+2015) to the whole em.

    Noto's zh-Hans em dash leaves 71 units blank on each side, so the
    破折号 "——" prints as two dashes with a gap. GB/T 15834 and CLREQ want one
    unbroken two-em rule, and the Song and FangSong fonts readers know (SimSun
    and the like) draw it so. gopdf cannot ligate "——" into U+2E3A ⸺, so
    the glyph itself is widened to span its advance; the same dash used alone
    as a range sign (2021—2025) still keeps the digits' side bearings.
    """
    cmap = font.getBestCmap()
    glyf, hmtx = font["glyf"], font["hmtx"]
    done = []
    for u in (0x2014, 0x2015):
        name = cmap.get(u)
        if name is None:
            continue
        g = glyf[name]
        g.recalcBounds(glyf)
        adv = hmtx[name][0]
        if adv != font["head"].unitsPerEm or g.numberOfContours != 1 or not 0 < g.xMin < g.xMax < adv:
            raise RuntimeError(f"U+{u:04X}: unexpected dash glyph (advance {adv}, x {g.xMin}..{g.xMax})")
        sx = adv / (g.xMax - g.xMin)
        pen = TTGlyphPen(None)
        g.draw(TransformPen(pen, (sx, 0, 0, 1, -g.xMin * sx, 0)), glyf)
        new = pen.glyph()
        new.recalcBounds(glyf)
        glyf.glyphs[name] = new
        hmtx.metrics[name] = (adv, new.xMin)
        done.append(u)
    return done


def unshare_glyphs(font):
    """Give every code point its own glyph; keep only the (3,1) cmap.

    Noto maps some code points to one glyph (U+0020/U+00A0, U+2014/U+2015,
    ①/➀, 兀/U+FA0C, in Sans ·/•, ...). gopdf writes the PDF's ToUnicode map
    keyed by glyph, so when a document uses two such characters, copying or
    pdftotext gives the same character for both. A duplicate glyph per extra
    code point (a few dozen) makes text extraction exact.
    """
    cmap_table = font["cmap"]
    bmp = [t for t in cmap_table.tables if t.platformID == 3 and t.platEncID == 1 and t.format == 4]
    if len(bmp) != 1:
        raise RuntimeError("want exactly one (3,1) format 4 cmap")
    cmap = bmp[0].cmap
    for t in cmap_table.tables:
        if t is not bmp[0] and t.format not in (4, 14):
            raise RuntimeError(f"unexpected cmap ({t.platformID},{t.platEncID}) format {t.format}")
    # (0,3) is a copy of (3,1); (0,5) format 14 holds variation sequences,
    # which gopdf ignores. Drop both.
    cmap_table.tables = bmp
    by_glyph = {}
    for u in sorted(cmap):
        by_glyph.setdefault(cmap[u], []).append(u)
    glyf, hmtx = font["glyf"], font["hmtx"]
    order = list(font.getGlyphOrder())
    added = []
    for g, us in by_glyph.items():
        for u in us[1:]:
            name = f"{g}.u{u:04X}"
            glyf.glyphs[name] = copy.deepcopy(glyf[g])
            hmtx.metrics[name] = hmtx[g]
            cmap[u] = name
            order.append(name)
            added.append(u)
    glyf.glyphOrder = order
    font.setGlyphOrder(order)
    return added


def build_face(args):
    name, src, fullname, outdir, required, optional = args
    t0 = time.time()
    font = TTFont(os.path.join(NOTO, src), fontNumber=SC_INDEX, recalcTimestamp=False)
    got = font["name"].getDebugName(4)
    if got != fullname:
        raise RuntimeError(f"{src}#{SC_INDEX} is {got!r}, want {fullname!r}")
    zhs = apply_zhs_locl(font)
    cmap = font.getBestCmap()
    missing = sorted(c for c in required if ord(c) not in cmap and ord(c) not in SYNTHESIZED)
    if missing:
        raise RuntimeError(f"{name}: source lacks required characters: "
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
    synth = [u for u in SYNTHESIZED if u not in cmap]
    for u in synth:
        SYNTHESIZED[u](font, u)
    unshared = unshare_glyphs(font)
    join_dashes(font)
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
        raise RuntimeError(f"{name}: no (3,1) format 4 cmap")

    out = os.path.join(outdir, name + ".ttf")
    font.save(out)
    n = len(font.getGlyphOrder())
    return (name, n, len(unicodes) + len(synth), os.path.getsize(out), time.time() - t0, zhs, synth, unshared)


def main():
    outdir, plan = sys.argv[1], sys.argv[2]
    required, optional = wanted_chars(plan)
    with open(os.path.join(outdir, "charset.txt"), "w", encoding="utf-8") as f:
        f.write("".join(sorted(required)))
    only = set(sys.argv[3:])  # optional: build only these faces (for testing)
    jobs = [(n, s, full, outdir, required, optional) for n, s, full in FACES
            if not only or n in only]
    with multiprocessing.Pool(min(len(jobs), os.cpu_count() or 1)) as pool:
        for name, glyphs, chars, size, secs, zhs, synth, unshared in pool.imap(build_face, jobs):
            print(f"{name}: {chars} chars, {glyphs} glyphs, {size} bytes, {secs:.1f} s;"
                  f" zh-Hans locl baked into cmap for "
                  + " ".join(f"U+{u:04X}" for u in zhs)
                  + "; synthesized " + " ".join(f"U+{u:04X}" for u in synth)
                  + f"; {len(unshared)} shared glyphs duplicated")
    print(f"required characters: {len(required)}")


if __name__ == "__main__":
    main()
