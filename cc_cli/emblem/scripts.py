"""Lettering in other scripts: fonts that cover them, right-to-left ordering, and shaping with HarfBuzz.

The emblem typeface (Plex Sans Condensed) covers Latin, Greek and Cyrillic. Other scripts are set in a
face of the same design family where one is packaged, else in a well-kept OFL face from the system:

- Arabic: Plex Sans Arabic (the `fontpkg-ibm-plex-sans-arabic` wheel, a declared dependency);
- Japanese, Chinese, Korean: Noto Sans CJK (Debian `fonts-noto-cjk`, installed by scripts/dev.sh), the
  Japanese, Korean, Simplified or Traditional Chinese face chosen by the text's language;
- Hebrew: Noto Sans Hebrew (Debian `fonts-noto-core`).

Text in a fallback face is shaped with HarfBuzz (uharfbuzz): Arabic letters join and take their
contextual forms, which fontTools alone cannot do. Ordering follows the Unicode bidi algorithm's common
case: a line whose first strong letter is right-to-left is laid out right to left, runs of Latin letters
and digits inside it stay left to right. Latin-only text never comes here: `fonts.py` sets it exactly as
before, so those emblems stay byte for byte what they were.

System fonts are looked up in $CC_FONT_DIRS (colon-separated), else /usr/share/fonts and
/usr/local/share/fonts. A face that is not installed is reported by `cc validate` (CC405) with the package
to install, never drawn as empty boxes.
"""

from __future__ import annotations

import io
import os
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from cc_cli.emblem.fonts import Font, Ops, _record, face

# Weights of the emblem mapped to the files a fallback family ships (CJK and Hebrew have two weights).
_TWO_WEIGHTS = {"Regular": "Regular", "Medium": "Regular", "SemiBold": "Bold"}


@dataclass(frozen=True, slots=True)
class Family:
    """One fallback family: which characters it sets, where its files are, and how to install it."""

    key: str
    ranges: tuple[tuple[int, int], ...]
    files: dict[str, str]  # emblem weight -> file name
    install: str  # what to tell the user, e.g. "apt-get install fonts-noto-cjk"
    python_package: str | None = None  # a wheel that ships the files
    collection: bool = False  # a .ttc: the face is chosen by language

    def covers(self, char: str) -> bool:
        code = ord(char)
        return any(low <= code <= high for low, high in self.ranges)


ARABIC = Family(
    "arabic",
    ((0x0600, 0x06FF), (0x0750, 0x077F), (0x0870, 0x08FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF)),
    {weight: f"IBMPlexSansArabic-{weight}.ttf" for weight in ("Regular", "Medium", "SemiBold")},
    "pip install fontpkg-ibm-plex-sans-arabic",
    python_package="fontpkg_ibm_plex_sans_arabic",
)
# Hangul Jamo, CJK radicals, punctuation, kana, bopomofo, enclosed, ideographs, Hangul, compatibility, forms,
# full-width forms, supplementary ideographs.
_CJK_RANGES = (
    (0x1100, 0x11FF), (0x2E80, 0x2FDF), (0x3000, 0x303F), (0x3040, 0x30FF), (0x3100, 0x31FF),
    (0x3200, 0x33FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xA960, 0xA97F), (0xAC00, 0xD7AF),
    (0xF900, 0xFAFF), (0xFE30, 0xFE4F), (0xFF00, 0xFFEF), (0x20000, 0x3134F),
)  # fmt: skip
CJK = Family(
    "cjk",
    _CJK_RANGES,
    {weight: f"NotoSansCJK-{name}.ttc" for weight, name in _TWO_WEIGHTS.items()},
    "apt-get install fonts-noto-cjk",
    collection=True,
)
HEBREW = Family(
    "hebrew",
    ((0x0590, 0x05FF), (0xFB1D, 0xFB4F)),
    {weight: f"NotoSansHebrew-{name}.ttf" for weight, name in _TWO_WEIGHTS.items()},
    "apt-get install fonts-noto-core",
)
FAMILIES = (ARABIC, CJK, HEBREW)
RTL_FAMILIES = frozenset({"arabic", "hebrew"})

# Faces of the Noto Sans CJK collection, by language (the same character is drawn differently in each).
_CJK_FACES = {"ja": 0, "ko": 1, "zh": 2, "zh-Hans": 2, "zh-CN": 2, "zh-SG": 2, "zh-Hant": 3, "zh-TW": 3, "zh-HK": 4}


def _system_dirs() -> list[Path]:
    configured = os.environ.get("CC_FONT_DIRS")
    names = configured.split(os.pathsep) if configured is not None else ["/usr/share/fonts", "/usr/local/share/fonts"]
    return [Path(name) for name in names if name]


@lru_cache(maxsize=64)
def locate(family_key: str, weight: str, font_dirs: str) -> Path | None:
    """The file of one family's weight, or None when it is not installed (`font_dirs` keys the cache)."""
    family = next(f for f in FAMILIES if f.key == family_key)
    name = family.files[weight]
    if family.python_package:
        try:
            module = __import__(family.python_package)
        except ImportError:
            return None
        found = Path(module.ROOT) / "files" / name
        return found if found.is_file() else None
    for folder in _system_dirs():
        for candidate in (folder / "opentype" / "noto" / name, folder / "truetype" / "noto" / name, folder / name):
            if candidate.is_file():
                return candidate
        if folder.is_dir():
            for candidate in sorted(folder.rglob(name)):
                return candidate
    return None


def fonts_key() -> str:
    """What the fonts found depend on ($CC_FONT_DIRS): part of every cache key of measured or shaped text,
    so pointing the font folders elsewhere (a test of a machine without a font) never reads stale results."""
    return os.environ.get("CC_FONT_DIRS", "\0")


def family_file(family: Family, weight: str) -> Path | None:
    return locate(family.key, weight, fonts_key())


def family_of(char: str) -> Family | None:
    """The fallback family for a character outside the emblem typeface's scripts, or None."""
    if char < "\u0590":
        return None
    for family in FAMILIES:
        if family.covers(char):
            return family
    return None


class FallbackFace:
    """One face of a fallback family: cmap, outlines by glyph name, and a HarfBuzz font for shaping."""

    def __init__(self, path: Path, index: int) -> None:
        import uharfbuzz as hb
        from fontTools.ttLib import TTFont

        data = path.read_bytes()
        self.path = path
        self.index = index
        self._tt = TTFont(io.BytesIO(data), fontNumber=index, lazy=True)
        self.upem: int = self._tt["head"].unitsPerEm
        self.revision = f"{path.name}#{index}@{self._tt['head'].fontRevision:.3f}"
        self.cmap = self._tt.getBestCmap()
        self.order = self._tt.getGlyphOrder()
        self._hb = hb.Font(hb.Face(hb.Blob(data), index))
        self._outlines: dict[str, Ops] = {}
        self._glyph_set: Any = None

    def has(self, char: str) -> bool:
        return ord(char) in self.cmap

    def outline(self, name: str) -> Ops:
        ops = self._outlines.get(name)
        if ops is None:
            if self._glyph_set is None:
                self._glyph_set = self._tt.getGlyphSet()
            ops = self._outlines[name] = _record(self._glyph_set, name)
        return ops

    def shape(self, text: str, rtl: bool, language: str) -> list[tuple[str, float, float, float]]:
        """(glyph name, advance, x offset, y offset) in font units, in visual order, for one run."""
        import uharfbuzz as hb

        buffer = hb.Buffer()
        buffer.add_str(text)
        buffer.guess_segment_properties()
        buffer.direction = "rtl" if rtl else "ltr"
        buffer.language = language
        hb.shape(self._hb, buffer, {"kern": True, "liga": True})
        return [
            (self.order[info.codepoint], pos.x_advance, pos.x_offset, pos.y_offset)
            for info, pos in zip(buffer.glyph_infos, buffer.glyph_positions, strict=True)
        ]


@cache
def fallback_face(family_key: str, weight: str, index: int, font_dirs: str) -> FallbackFace | None:
    family = next(f for f in FAMILIES if f.key == family_key)
    path = family_file(family, weight)
    return FallbackFace(path, index) if path is not None else None


def face_for(family: Family, weight: str, language: str) -> FallbackFace | None:
    """The face of `family` for `weight` and `language`, or None when its font is not installed."""
    index = 0
    if family.collection:
        base = language.split("-", 1)[0]
        script_or_region = language.split("-")[1] if "-" in language else ""
        index = _CJK_FACES.get(f"{base}-{script_or_region}", _CJK_FACES.get(base, 0))
    return fallback_face(family.key, weight, index, fonts_key())


def needs_fallback(text: str) -> bool:
    """Whether `text` has a character outside the emblem typeface's own scripts."""
    return not text.isascii() and any(family_of(ch) is not None for ch in text)


def missing_fonts(text: str, weight: str, language: str = "en") -> list[tuple[str, Family]]:
    """(first character, family) for each fallback family `text` needs whose font is not installed."""
    if text.isascii():
        return []
    found: list[tuple[str, Family]] = []
    for ch in unicodedata.normalize("NFC", text):
        family = family_of(ch)
        if family is not None and all(f is not family for _, f in found) and face_for(family, weight, language) is None:
            found.append((ch, family))
    return found


# --- Runs and ordering --------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Run:
    text: str
    family: Family | None  # None: the emblem typeface
    rtl: bool


def _strong(ch: str) -> str | None:
    """'R' for right-to-left letters, 'L' for other letters and digits, None for neutrals."""
    family = family_of(ch)
    if family is not None and family.key in RTL_FAMILIES:
        return None if ch.isdigit() or not unicodedata.category(ch).startswith("L") else "R"
    if ch.isdigit() or unicodedata.category(ch).startswith("L"):
        return "L"
    return None


def line_is_rtl(text: str) -> bool:
    """The line's base direction: that of its first strong character (Unicode bidi rules P2-P3)."""
    for ch in text:
        strong = _strong(ch)
        if strong:
            return strong == "R"
    return False


def runs(text: str) -> list[Run]:
    """Logical-order runs of one font and one direction; neutrals join the run before them."""
    out: list[Run] = []
    base_rtl = line_is_rtl(text)
    for ch in text:
        strong = _strong(ch)
        family = family_of(ch)
        if strong is None and out:
            previous = out[-1]
            carrier = previous.family
            same_font = family is None or (carrier is not None and family is carrier)
            if same_font and (carrier is None or carrier.key != "arabic" or not ch.isdigit()):
                out[-1] = Run(previous.text + ch, carrier, previous.rtl)
                continue
        rtl = strong == "R" if strong else (base_rtl if not out else out[-1].rtl)
        if ch.isdigit():
            rtl = False  # digits read left to right in every script
        if out and out[-1].family is family and out[-1].rtl == rtl:
            out[-1] = Run(out[-1].text + ch, family, rtl)
        else:
            out.append(Run(ch, family, rtl))
    return _spaces_to_base(out, base_rtl)


def _spaces_to_base(line: list[Run], base_rtl: bool) -> list[Run]:
    """Spaces between runs of two directions belong to the line's direction (bidi rule N1-N2): move the
    trailing spaces of a run against it to the start of the next run, so they are drawn between the two."""
    for i in range(len(line) - 1):
        run, after = line[i], line[i + 1]
        if run.rtl != base_rtl and after.rtl == base_rtl:
            kept = run.text.rstrip(" ")
            if kept and kept != run.text:
                line[i] = Run(kept, run.family, run.rtl)
                line[i + 1] = Run(run.text[len(kept) :] + after.text, after.family, after.rtl)
    return line


def visual_order(line: list[Run], base_rtl: bool) -> list[Run]:
    """Runs left to right: in a right-to-left line the groups of runs are reversed, and left-to-right
    groups keep their own order (bidi rule L2 for two embedding levels)."""
    groups: list[list[Run]] = []
    for run in line:
        if groups and groups[-1][0].rtl == run.rtl:
            groups[-1].append(run)
        else:
            groups.append([run])
    if base_rtl:
        groups.reverse()
    ordered: list[Run] = []
    for group in groups:
        ordered.extend(reversed(group) if group[0].rtl else group)
    return ordered


# --- Glyphs ---------------------------------------------------------------------------------------------
# (face, character for the emblem typeface or glyph name for a fallback face, pen x, y offset, advance);
# lengths in thousandths of an em.
Glyph = tuple[Any, str, float, float, float]


def shape_line(text: str, weight: str, language: str) -> tuple[tuple[Glyph, ...], float]:
    """Every glyph of one line of NFC `text` in visual order, with pen positions in thousandths of an em,
    and the line's total advance. Characters of a family whose font is missing are skipped (CC405 says
    which package to install before anything is drawn)."""
    return _shape_line(text, weight, language, fonts_key())


@lru_cache(maxsize=4096)
def _shape_line(text: str, weight: str, language: str, _fonts: str) -> tuple[tuple[Glyph, ...], float]:
    primary = face(weight)
    placed: list[Glyph] = []
    pen = 0.0
    for run in visual_order(runs(text), line_is_rtl(text)):
        if run.family is None:
            pen = _primary_run(run.text, primary, pen, placed)
            continue
        found = face_for(run.family, weight, language)
        if found is None:
            continue
        scale = 1000 / found.upem
        for name, advance, dx, dy in found.shape(run.text, run.rtl, language):
            placed.append((found, name, pen + dx * scale, dy * scale, advance * scale))
            pen += advance * scale
    return tuple(placed), pen


def _primary_run(text: str, primary: Font, pen: float, placed: list[Glyph]) -> float:
    """Advances and kerning of the emblem typeface, as `fonts.pen_positions` sets every Latin line."""
    scale = 1000 / primary.upem
    previous = " "
    for ch in text:
        if previous != " " and ch != " ":
            pen += primary.kern(previous, ch) * scale
        advance = primary.advance.get(ch, primary._notdef) * scale
        if ch != " ":
            placed.append((primary, ch, pen, 0.0, advance))
        pen += advance
        previous = ch
    return pen


def outline(glyph: Glyph) -> tuple[Ops, float]:
    """A placed glyph's outline and the scale from its font units to thousandths of an em."""
    found = glyph[0]
    return found.outline(glyph[1]), 1000 / found.upem


def width(text: str, weight: str, language: str) -> float:
    """Width of one line in thousandths of an em."""
    return shape_line(unicodedata.normalize("NFC", text), weight, language)[1]


def measure(text: str, weight: str, tracking: float = 0.0, language: str = "en") -> float:
    """Width of `text` in thousandths of an em: the emblem typeface's own rule for Latin text (with
    `tracking`), the shaped width for text in other scripts (never tracked: letters of joining scripts
    must touch)."""
    text = unicodedata.normalize("NFC", text)
    if not needs_fallback(text):
        primary = face(weight)
        return primary.measure(text, tracking) * 1000 / primary.upem
    return shape_line(text, weight, language)[1]


def line_path(text: str, weight: str, size: float, x: float, baseline: float, language: str) -> str:
    """SVG path data of one shaped line centred on `x`, its baseline at `baseline` (absolute px)."""
    from cc_cli.emblem.fonts import _emit

    glyphs, total = shape_line(unicodedata.normalize("NFC", text), weight, language)
    k = size / 1000
    left = x - total * k / 2
    out: list[str] = []
    for glyph in glyphs:
        ops, unit = outline(glyph)
        s = k * unit
        _emit(ops, s, 0, 0, -s, left + glyph[2] * k, baseline - glyph[3] * k, out)
    return "".join(out)


def arc_path(
    text: str, weight: str, size: float, centre: tuple[float, float], radius: float, side: str, language: str
) -> str:
    """SVG path data of a shaped line set along a circle, as `fonts.text_on_arc` sets Latin lettering."""
    import math

    from cc_cli.emblem.fonts import _emit

    glyphs, total = shape_line(unicodedata.normalize("NFC", text), weight, language)
    k = size / 1000
    cx, cy = centre
    out: list[str] = []
    for glyph in glyphs:
        ops, unit = outline(glyph)
        s = k * unit
        advance = glyph[4] * k
        phi = (glyph[2] * k - total * k / 2 + advance / 2) / radius
        cos, sin = math.cos(phi), math.sin(phi)
        half = advance / 2
        lift = glyph[3] * k
        if side == "top":
            px, py = cx + (radius + lift) * sin, cy - (radius + lift) * cos
            _emit(ops, s * cos, s * sin, s * sin, -s * cos, px - half * cos, py - half * sin, out)
        else:
            px, py = cx + (radius - lift) * sin, cy + (radius - lift) * cos
            _emit(ops, s * cos, -s * sin, -s * sin, -s * cos, px - half * cos, py + half * sin, out)
    return "".join(out)
