"""The text layer of Chinese PDFs printed by Chromium: radicals read as the characters drawn.

Chromium (Skia) names each glyph of a PDF font by the lowest code point the font maps to
it, and the Noto CJK fonts draw a radical and the character alike (⼀ U+2F00 and 一
U+4E00, ⻚ U+2EDA and 页 U+9875): copied or searched, the PDF's text would hold radicals.
``fix_cjk_text`` rewrites the PDF's ToUnicode maps with the font's own table. Used by
tools/print_pdf.py (the Chinese print edition) and tools/handouts.py (the Chinese sheets).
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

CJK_FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
RADICALS = range(0x2E80, 0x2FE0)  # CJK Radicals Supplement and Kangxi Radicals
BFCHAR = re.compile(r"beginbfchar(.*?)endbfchar", re.DOTALL)
BFRANGE = re.compile(r"beginbfrange(.*?)endbfrange", re.DOTALL)
HEX = re.compile(r"<([0-9A-Fa-f]+)>")


def radicals_in(text: str) -> list[str]:
    """The radicals (``RADICALS``) that ``text`` holds, each once, in code-point order: none
    in a PDF's text once ``fix_cjk_text`` has run (tests/pdf, tests/handouts)."""
    return sorted({character for character in text if ord(character) in RADICALS})


def radical_characters(font: Path = CJK_FONT) -> dict[int, int]:
    """{radical's code point: the character's} from the simplified-Chinese face's own cmap
    (the two share a glyph), else Unicode's compatibility mapping (NFKC)."""
    mapping = {code: ord(text) for code in RADICALS
               if len(text := unicodedata.normalize("NFKC", chr(code))) == 1 and ord(text) != code}
    try:
        from fontTools.ttLib import TTCollection
        faces = TTCollection(str(font), lazy=True).fonts
    except (ImportError, OSError):
        return mapping
    for face in faces:
        if face["name"].getDebugName(1).endswith(" SC"):
            cmap = face.getBestCmap()
            by_glyph: dict[str, list[int]] = {}
            for code, glyph in sorted(cmap.items()):
                by_glyph.setdefault(glyph, []).append(code)
            for code in RADICALS:
                same = [other for other in by_glyph.get(cmap.get(code), []) if 0x3400 <= other <= 0x9FFF]
                if same:
                    mapping[code] = same[0]
            break
    return mapping


def to_unicode_entries(cmap: str) -> dict[str, str]:
    """{character code (hex): its text (UTF-16BE hex)} of a PDF ToUnicode CMap."""
    entries = {}
    for block in BFCHAR.findall(cmap):
        codes = HEX.findall(block)
        entries.update(zip(codes[0::2], codes[1::2], strict=True))
    for block in BFRANGE.findall(cmap):
        for low, high, target in re.findall(r"<(\w+)>\s*<(\w+)>\s*(<\w+>|\[[^\]]*\])", block):
            width, targets = len(low), HEX.findall(target)
            for offset, code in enumerate(range(int(low, 16), int(high, 16) + 1)):
                text = targets[offset] if target.startswith("[") else \
                    f"{int(targets[0], 16) + offset:0{len(targets[0])}X}"
                entries[f"{code:0{width}X}"] = text
    return entries


def fix_cjk_text(pdf: Path, mapping: dict[int, int]) -> int:
    """Rewrite the ToUnicode maps of ``pdf`` so that radicals read as the characters they
    are drawn for, as an incremental update (the new maps appended with their own xref
    section; the rest of the file is not parsed); returns the number of entries changed."""
    from pypdf import PdfReader

    reader = PdfReader(pdf)
    updates, changed, done = {}, 0, set()
    for page in reader.pages:
        fonts = page["/Resources"].get_object().get("/Font")
        for font in (fonts.get_object() if fonts else {}).values():
            reference = font.get_object().raw_get("/ToUnicode") if "/ToUnicode" in font.get_object() else None
            if reference is None or reference.idnum in done:
                continue
            done.add(reference.idnum)
            cmap = reference.get_object().get_data().decode("latin-1")
            entries = to_unicode_entries(cmap)
            fixed = {code: f"{mapping[int(text, 16)]:04X}" if len(text) == 4 and int(text, 16) in mapping else text
                     for code, text in entries.items()}
            if fixed == entries:
                continue
            changed += sum(fixed[code] != entries[code] for code in entries)
            head, tail = cmap[:cmap.index("endcodespacerange") + len("endcodespacerange")], \
                cmap[cmap.index("endcmap"):]
            items = sorted(fixed.items())
            body = "".join(f"\n{len(chunk)} beginbfchar\n" + "\n".join(f"<{code}> <{text}>" for code, text in chunk)
                           + "\nendbfchar" for chunk in (items[i:i + 100] for i in range(0, len(items), 100)))
            updates[(reference.idnum, reference.generation)] = f"{head}{body}\n{tail}".encode("latin-1")
    if not updates:
        return 0
    data = pdf.read_bytes()
    previous = re.findall(rb"startxref\s+(\d+)", data[-1024:])
    if not previous or b"/XRef" in data[int(previous[-1]):int(previous[-1]) + 200]:
        raise SystemExit(f"{pdf}: no classic cross-reference table at the end; cannot fix its ToUnicode maps")
    out, offsets = bytearray(data if data.endswith(b"\n") else data + b"\n"), {}
    for (number, generation), stream in sorted(updates.items()):
        offsets[number] = (len(out), generation)
        out += (f"{number} {generation} obj\n<</Length {len(stream)}>>\nstream\n".encode() + stream
                + b"\nendstream\nendobj\n")
    xref = len(out)
    out += b"xref\n0 1\n0000000000 65535 f \n" + b"".join(f"{number} 1\n{offset:010d} {generation:05d} n \n".encode()
                                for number, (offset, generation) in sorted(offsets.items()))
    trailer = reader.trailer
    keys = " ".join(f"{key} {trailer.raw_get(key).idnum} {trailer.raw_get(key).generation} R"
                    for key in ("/Root", "/Info") if key in trailer)
    out += (f"trailer\n<</Size {trailer['/Size']} {keys} /Prev {int(previous[-1])}>>\n"
            f"startxref\n{xref}\n%%EOF\n").encode()
    pdf.write_bytes(bytes(out))
    return changed
