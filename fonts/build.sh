#!/usr/bin/env bash
# fonts/build.sh — rebuild the embedded report fonts from Debian packages.
#
# What it does (idempotent: safe to run again; identical inputs give
# byte-identical outputs):
#   1. apt-get installs, if missing: fonts-noto-cjk (the fonts, SIL OFL 1.1)
#      and python3-fonttools (the build tool, MIT; not shipped).
#   2. Runs build.py with Debian's /usr/bin/python3, which for each face:
#      - takes the Simplified Chinese font (index 2) out of the Noto CJK .ttc;
#      - maps the zh-Hans 'locl' substitutions into the cmap (gopdf does no
#        shaping), e.g. U+2014 becomes the full-width dash;
#      - subsets it to all of GBK (what Python's gbk and gb18030 codecs decode
#        from two bytes, less private-use code points), ASCII, Latin-1,
#        General Punctuation, CJK Symbols and Punctuation, full-width forms,
#        ①–⑳ and other enclosed numbers, ℃ №, a few symbol blocks, and every
#        character of the reference plan;
#      - drops hinting and every table gopdf does not read, and converts the
#        CFF outlines to TrueType (glyf) outlines, which gopdf requires;
#      - synthesizes U+2252 ≒ (in GBK, not in Noto CJK) from the face's own
#        ＝ and ∵ glyphs;
#      - gives each code point its own glyph (gopdf's ToUnicode map is keyed
#        by glyph, so shared glyphs such as U+0020/U+00A0 would extract as
#        one character);
#      - widens the full-width em dash to the whole em so "——" is unbroken.
#   3. Installs the faces as fonts/*.ttf, which fonts.go embeds uncompressed (inflating
#      them cost every report 270 ms; embedded data costs only the pages read).
#   4. Writes LICENSE-OFL.txt (copyright notices + licence text from the
#      package) and BUILDINFO.txt (package versions, sizes, checksums).
#
# Usage:  bash fonts/build.sh        (from anywhere; needs root for apt-get)
# Time:   about 1 minute on 2 cores (three faces, 20-40 s each).
# After:  go test ./fonts/   (checks coverage, gopdf loading, PDF text).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
plan="$repo/plan/huairou-fazhi-zhengfu-2021.txt"
faces=(NotoSerifCJKsc-Regular NotoSerifCJKsc-Bold NotoSansCJKsc-Regular)

need=()
for p in fonts-noto-cjk python3-fonttools; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need+=("$p")
done
if ((${#need[@]})); then
	echo "installing: ${need[*]}"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}"
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

start=$(date +%s)
/usr/bin/python3 "$here/build.py" "$work" "$plan" | tee "$work/log.txt"
for f in "${faces[@]}"; do
	head -c 4 "$work/$f.ttf" | cmp -s - <(printf '\x00\x01\x00\x00') || {
		echo "$f.ttf is not a TrueType-outline font" >&2
		exit 1
	}
done
secs=$(($(date +%s) - start))

# Licence: the notices from the fonts' name table (ID 0) and Debian's
# copyright file, then the SIL OFL 1.1 text as the package ships it.
{
	echo "The fonts in this folder are modified versions (subset, converted to"
	echo "TrueType outlines) of Noto Serif CJK SC and Noto Sans CJK SC, from the"
	echo "Debian package fonts-noto-cjk $(dpkg-query -W -f='${Version}' fonts-noto-cjk)"
	echo "(upstream https://github.com/googlefonts/noto-cjk)."
	echo
	/usr/bin/python3 - <<'EOF'
from fontTools.ttLib import TTFont
seen = []
for f in ["NotoSerifCJK-Regular.ttc", "NotoSerifCJK-Bold.ttc", "NotoSansCJK-Regular.ttc", "NotoSansCJK-Bold.ttc"]:
    n = TTFont("/usr/share/fonts/opentype/noto/" + f, fontNumber=2, lazy=True)["name"]
    for i in (0, 7):
        s = n.getDebugName(i)
        if s and s not in seen:
            seen.append(s)
print("\n".join(seen))
EOF
	sed -n 's/^Copyright: \(.*Google.*\)/Copyright \1/p' /usr/share/doc/fonts-noto-cjk/copyright
	echo
	# The "License: SIL-1.1" paragraph, de-indented (" ." is an empty line).
	awk '/^License: SIL-1.1/{on=1; next} on && /^[^ ]/{on=0} on' /usr/share/doc/fonts-noto-cjk/copyright |
		sed -e 's/^ \.$//' -e 's/^ //'
} >"$work/LICENSE-OFL.txt"
grep -q 'SIL OPEN FONT LICENSE Version 1.1' "$work/LICENSE-OFL.txt"

{
	echo "# Written by build.sh; do not edit."
	echo "fonts-noto-cjk $(dpkg-query -W -f='${Version}' fonts-noto-cjk)"
	echo "python3-fonttools $(dpkg-query -W -f='${Version}' python3-fonttools)"
	echo "required characters: $(tail -n1 "$work/log.txt" | sed 's/.*: //') (GBK less control characters, + plan + extras)"
	echo
	grep -v '^required' "$work/log.txt" | sed 's/, [0-9.]* s;/;/'
	echo
	echo "sha256 of sources:"
	(cd /usr/share/fonts/opentype/noto && sha256sum NotoSerifCJK-Regular.ttc NotoSerifCJK-Bold.ttc NotoSansCJK-Regular.ttc NotoSansCJK-Bold.ttc)
	echo
	echo "outputs (bytes, sha256):"
	for f in "${faces[@]}"; do
		echo "$f.ttf $(stat -c %s "$work/$f.ttf") $(sha256sum <"$work/$f.ttf" | cut -d' ' -f1)"
	done
} >"$work/BUILDINFO.txt"

for f in "${faces[@]}"; do
	install -m 0644 "$work/$f.ttf" "$here/$f.ttf"
done
install -m 0644 "$work/LICENSE-OFL.txt" "$here/LICENSE-OFL.txt"
install -m 0644 "$work/BUILDINFO.txt" "$here/BUILDINFO.txt"
echo "built ${#faces[@]} faces in ${secs} s:"
du -b "$here"/*.ttf
