"""IBM Plex Sans Condensed: advance widths, kerning and glyph outlines, read with fontTools.

Every piece of emblem text is drawn as outlined paths, so an SVG or PNG never depends on the fonts
installed where it is opened (cairosvg ignores @font-face and silently substitutes another family).
Measuring and drawing share one rule, so a title that `fit_title` says fits is drawn exactly that wide:

- advance widths from `hmtx`, plus pair kerning from the GPOS `kern` feature (formats 1 and 2), applied
  between adjacent characters of a word but never across a space (Plex has no space kerning anyway, and
  this lets the fitter sum cached word widths);
- no GSUB substitutions (ligatures, alternates): predictable, and Plex needs none for Latin titles.

Text is NFC-normalised first so that a decomposed "e + U+0301" uses the precomposed "é" glyph.
Fonts load on first use and stay cached for the life of the process (each render worker loads its own).
"""

from __future__ import annotations

import io
import math
import unicodedata
from functools import cache
from typing import Any

from cc_cli.emblem.kerning import kerning_subtables, pair_value

WEIGHTS = ("Regular", "Medium", "SemiBold")
_FILE = "IBMPlexSansCondensed-{}.ttf"

Ops = tuple[tuple[str, tuple[float, ...]], ...]
Contours = tuple[tuple[float, float, str], ...]


def font_dir() -> Any:
    """Folder of the static TTFs shipped by the `fontpkg-ibm-plex-sans-condensed` wheel."""
    import fontpkg_ibm_plex_sans_condensed as pkg

    return pkg.ROOT / "files"


def _record(glyph_set: Any, name: str) -> Ops:
    """A glyph as absolute M/L/Q/C/Z commands in font units (fontTools imported here, not at start-up)."""
    from fontTools.pens.basePen import BasePen

    ops: list[tuple[str, tuple[float, ...]]] = []

    class Recorder(BasePen):
        def _moveTo(self, p: tuple[float, float]) -> None:
            ops.append(("M", p))

        def _lineTo(self, p: tuple[float, float]) -> None:
            ops.append(("L", p))

        def _qCurveToOne(self, p1: tuple[float, float], p2: tuple[float, float]) -> None:
            ops.append(("Q", (*p1, *p2)))

        def _curveToOne(self, p1: tuple[float, float], p2: tuple[float, float], p3: tuple[float, float]) -> None:
            ops.append(("C", (*p1, *p2, *p3)))

        def _closePath(self) -> None:
            ops.append(("Z", ()))

    glyph_set[name].draw(Recorder(glyph_set))
    return tuple(ops)


class Font:
    """One face of the family, everything in font units (1000 per em for Plex)."""

    def __init__(self, weight: str) -> None:
        from fontTools.ttLib import TTFont

        self.weight = weight
        # Read into memory: a lazily read TTFont keeps its file open, and processes forked from this one
        # would share (and race on) that file's offset.
        data = (font_dir() / _FILE.format(weight)).read_bytes()
        self._tt = TTFont(io.BytesIO(data), lazy=True)
        tt = self._tt
        self.upem: int = tt["head"].unitsPerEm
        self.cap_height: int = tt["OS/2"].sCapHeight
        hmtx = tt["hmtx"].metrics
        self.glyph: dict[str, str] = {chr(cp): name for cp, name in tt.getBestCmap().items()}
        self.advance: dict[str, int] = {ch: hmtx[name][0] for ch, name in self.glyph.items()}
        self._notdef = hmtx[".notdef"][0]
        self._kern_tables = kerning_subtables(tt)
        self._pairs: dict[str, int] = {}
        self._words: dict[str, int] = {}
        self._outlines: dict[str, Ops] = {}
        self._contours: dict[str, Contours] = {}
        self._glyph_set: Any = None

    def kern(self, left: str, right: str) -> int:
        """Kerning between two characters in font units (0 when either is a space or unknown)."""
        key = left + right
        value = self._pairs.get(key)
        if value is None:
            value = self._pairs[key] = self._lookup_kern(self.glyph.get(left), self.glyph.get(right))
        return value

    def _lookup_kern(self, first: str | None, second: str | None) -> int:
        if first is None or second is None or first == "space" or second == "space":
            return 0
        for sub in self._kern_tables:
            value = pair_value(sub, first, second)
            if value is not None:
                return value
        return 0

    def measure(self, text: str, tracking: float = 0.0) -> float:
        """Width of NFC text in font units; `tracking` is extra space between characters, in font units."""
        width: float = 0
        adv = self.advance
        previous = " "
        for ch in text:
            width += adv.get(ch, self._notdef)
            if previous != " " and ch != " ":
                width += self.kern(previous, ch)
            previous = ch
        if tracking and len(text) > 1:
            width += tracking * (len(text) - 1)
        return width

    def word_width(self, word: str) -> int:
        """Cached width of one word: titles repeat words ("IBM", "Cloud"...), so the fitter rarely measures."""
        width = self._words.get(word)
        if width is None:
            width = self._words[word] = int(self.measure(word))
        return width

    def outline(self, char: str) -> Ops:
        """The glyph of `char` as recorded pen commands in font units (cached)."""
        name = self.glyph.get(char, ".notdef")
        ops = self._outlines.get(name)
        if ops is None:
            if self._glyph_set is None:
                self._glyph_set = self._tt.getGlyphSet()
            ops = self._outlines[name] = _record(self._glyph_set, name)
        return ops

    def contours(self, char: str) -> Contours:
        """The glyph as (start x, start y, relative path data) per contour, in font units (cached).

        Relative commands make a glyph's path data independent of where it is set, so a line of text is
        the cached strings joined with one absolute move per contour: no per-point arithmetic.
        """
        found = self._contours.get(char)
        if found is None:
            found = self._contours[char] = _relative(self.outline(char))
        return found


@cache
def face(weight: str = "SemiBold") -> Font:
    """The cached Font for a weight ("Regular", "Medium", "SemiBold")."""
    if weight not in WEIGHTS:
        raise ValueError(f"unknown weight {weight!r}")
    return Font(weight)


def missing_glyphs(text: str, weight: str = "SemiBold") -> list[str]:
    """Characters of `text` (after NFC) that the font cannot draw, in order of first appearance."""
    glyphs = face(weight).glyph
    seen: list[str] = []
    for ch in unicodedata.normalize("NFC", text):
        if ch not in glyphs and not ch.isspace() and ch not in seen:
            seen.append(ch)
    return seen


def _relative(ops: Ops) -> Contours:
    contours: list[tuple[float, float, str]] = []
    start = (0.0, 0.0)
    cx = cy = 0.0
    parts: list[str] = []
    for cmd, pts in ops:
        if cmd == "M":
            start, (cx, cy), parts = (pts[0], pts[1]), (pts[0], pts[1]), []
        elif cmd == "Z":
            contours.append((start[0], start[1], "".join(parts) + "z"))
        else:  # every point of a relative segment is relative to the segment's start point
            rel = [pts[i] - (cx if i % 2 == 0 else cy) for i in range(len(pts))]
            parts.append(cmd.lower() + " ".join(_num(v) for v in rel))
            cx, cy = pts[-2], pts[-1]
    return tuple(contours)


def pen_positions(text: str, font: Font, tracking: float = 0.0) -> tuple[list[tuple[str, float]], float]:
    """Where each visible character of NFC `text` sits (pen x in font units), and the total advance.

    The one spacing rule of all straight lettering, the same as `Font.measure`: advances, kerning inside
    words, `tracking` after every character but the last.
    """
    placed: list[tuple[str, float]] = []
    pen = 0.0
    previous = " "
    for ch in text:
        if previous != " " and ch != " ":
            pen += font.kern(previous, ch)
        if ch != " ":
            placed.append((ch, pen))
        pen += font.advance.get(ch, font._notdef) + tracking
        previous = ch
    return placed, pen - (tracking if text else 0.0)


def text_in_font_units(text: str, font: Font, tracking: float = 0.0) -> tuple[str, float]:
    """Path data of `text` in font units (y up, pen starting at 0) and its width in font units.

    Drawn with `transform="matrix(k 0 0 -k x y)"` (k = size / units per em): exact outlines, short integer
    coordinates, and the cached glyph strings make titles cheap to set.
    """
    text = unicodedata.normalize("NFC", text)
    placed, width = pen_positions(text, font, tracking)
    out = [f"M{_num(sx + pen)} {_num(sy)}{rest}" for ch, pen in placed for sx, sy, rest in font.contours(ch)]
    return "".join(out), width


def _num(value: float) -> str:
    """Two decimals without trailing zeros: exact enough for 4x upscaling, compact, and deterministic."""
    text = f"{value:.2f}"
    if text[-1] == "0":
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _emit(ops: Ops, a: float, b: float, c: float, d: float, e: float, f: float, out: list[str]) -> None:
    """Append `ops` transformed by the affine matrix (a b c d e f), as SVG path commands."""
    for cmd, pts in ops:
        if not pts:
            out.append("Z")
            continue
        coords = []
        for i in range(0, len(pts), 2):
            x, y = pts[i], pts[i + 1]
            coords.append(f"{_num(a * x + c * y + e)} {_num(b * x + d * y + f)}")
        out.append(cmd + " ".join(coords))


def text_to_path(
    text: str,
    font: Font,
    size: float,
    x: float,
    y: float,
    anchor: str = "middle",
    tracking: float = 0.0,
) -> str:
    """SVG path data drawing `text` with its baseline at `y`; `anchor` start|middle|end positions it on `x`.

    `tracking` is letter spacing in thousandths of an em, as designers specify it.
    """
    text = unicodedata.normalize("NFC", text)
    scale = size / font.upem
    width = font.measure(text, tracking) * scale
    left = x - {"start": 0.0, "middle": width / 2, "end": width}[anchor]
    out: list[str] = []
    for ch, pen_x in pen_positions(text, font, tracking)[0]:
        _emit(font.outline(ch), scale, 0, 0, -scale, left + pen_x * scale, y, out)
    return "".join(out)


def text_on_arc(
    text: str,
    font: Font,
    size: float,
    centre: tuple[float, float],
    radius: float,
    side: str = "top",
    tracking: float = 0.0,
) -> str:
    """SVG path data setting `text` along a circle of `radius` (its baseline), centred at the top or bottom.

    Top text runs clockwise with letters standing outwards; bottom text reads left to right with letters
    standing towards the centre, as on a seal. Each glyph is rotated about its own middle.
    """
    text = unicodedata.normalize("NFC", text)
    scale = size / font.upem
    cx, cy = centre
    total = font.measure(text, tracking) * scale
    out: list[str] = []
    pen = -total / 2  # arc length from the centre line, in px
    previous = " "
    for ch in text:
        if previous != " " and ch != " ":
            pen += font.kern(previous, ch) * scale
        advance = font.advance.get(ch, font._notdef) * scale
        phi = (pen + advance / 2) / radius
        if ch != " ":
            cos, sin = math.cos(phi), math.sin(phi)
            half = advance / 2
            if side == "top":  # tangent (cos, sin), up (sin, -cos); point at angle phi from 12 o'clock
                px, py = cx + radius * sin, cy - radius * cos
                _emit(font.outline(ch), scale * cos, scale * sin, scale * sin, -scale * cos,
                      px - half * cos, py - half * sin, out)  # fmt: skip
            else:  # tangent (cos, -sin), up (-sin, -cos); point at angle phi from 6 o'clock
                px, py = cx + radius * sin, cy + radius * cos
                _emit(font.outline(ch), scale * cos, -scale * sin, -scale * sin, -scale * cos,
                      px - half * cos, py + half * sin, out)  # fmt: skip
        pen += advance + tracking * scale
        previous = ch
    return "".join(out)
