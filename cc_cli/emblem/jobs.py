"""One emblem to produce: what it is drawn from, its input hash, and the bytes of its SVG and PNG.

Jobs are built in the main process (reading artwork once, so a missing file is reported before anything
is drawn) and are small picklable values, so worker processes can draw them in parallel.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from dataclasses import dataclass
from functools import cache

from cc_cli.catalog.model import Catalog, Credential
from cc_cli.emblem import spec
from cc_cli.emblem.artwork import MEDIA_TYPES, ArtworkError, png_size, read_artwork
from cc_cli.emblem.spec import EmblemError, EmblemSpec

SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


@dataclass(frozen=True, slots=True)
class Job:
    id: str
    source: str  # the credential's catalog-relative file, for messages
    size: int  # PNG width and height in px
    emblem: EmblemSpec
    artwork: tuple[str, bytes] | None  # legacy artwork passed through: ("png" | "svg", bytes)
    digest: str  # hash of everything above that changes the output, plus the design and font versions

    @property
    def names(self) -> tuple[str, str]:
        return f"{self.id}.svg", f"{self.id}.png"


@cache
def _font_version() -> str:
    from importlib import metadata

    try:
        return metadata.version("fontpkg-ibm-plex-sans-condensed")
    except metadata.PackageNotFoundError:  # pragma: no cover - the font is a declared dependency
        return "unknown"


def emblem_spec(credential: Credential, catalog: Catalog, logo: tuple[str, bytes] | None = None) -> EmblemSpec:
    """What a credential's emblem is drawn from: the display title if set, else the title, and the fixed
    words in the credential's language (its own `language:`, else the catalog's)."""
    from cc_cli.catalog.texts import alt_text, catalog_texts
    from cc_cli.emblem.words import fixed_words

    words = catalog_texts(catalog.info, credential)
    kicker, footer, level_word = fixed_words(spec.kind_of(credential.kind), words)
    return EmblemSpec(
        id=credential.id,
        kind=credential.kind,
        title=(credential.emblem.display_title or credential.title or "").strip(),
        alt=alt_text(words, credential),
        business_unit=(credential.emblem.business_unit or "").strip(),
        issuer=catalog.info.issuer.name.strip(),
        logo=logo,
        issuer_line=(catalog.info.emblem.issuer_line or "").strip(),
        language=words.language,
        kicker=kicker,
        footer=footer,
        level_word=level_word,
    )


def _fallback_fonts(emblem: EmblemSpec) -> list[str]:
    """Which other-script font files (and revisions) the emblem's text uses: installing or upgrading one
    redraws exactly the emblems that need it."""
    from cc_cli.emblem.scripts import FAMILIES, face_for, family_of

    text = " ".join(
        (emblem.title, emblem.business_unit, emblem.issuer, emblem.issuer_line, emblem.kicker, emblem.footer)
    )
    used = {family.key for family in map(family_of, set(text)) if family is not None}
    found = []
    for family in FAMILIES:
        if family.key in used:
            face = face_for(family, "SemiBold", emblem.language)
            found.append(face.revision if face is not None else f"{family.key}: missing")
    return found


def read_logo(catalog: Catalog) -> tuple[str, bytes] | None:
    """The owner-supplied issuer artwork (catalog.yaml `issuer.logo`) as (media type, bytes), if any."""
    if not catalog.info.issuer.logo:
        return None
    kind, data = read_artwork(catalog.root, catalog.info.issuer.logo, "issuer logo")
    return MEDIA_TYPES[kind], data


def make_job(credential: Credential, catalog: Catalog, size: int, logo: tuple[str, bytes] | None) -> Job:
    """The job for one credential; EmblemError (with the reason) if it can never be drawn."""
    if not SAFE_ID.fullmatch(credential.id):
        raise EmblemError(f"id {credential.id!r} cannot be used as a file name")
    artwork = None
    if credential.legacy and credential.emblem.artwork:
        artwork = read_artwork(catalog.root, credential.emblem.artwork)
    emblem = emblem_spec(credential, catalog, None if artwork else logo)
    facts = {
        "design": spec.DESIGN_VERSION,
        "font": _font_version(),
        "fonts": _fallback_fonts(emblem),
        "size": size,
        "emblem": [emblem.id, emblem.kind, emblem.title, emblem.alt, emblem.business_unit, emblem.issuer],
        "words": [emblem.issuer_line, emblem.language, emblem.kicker, emblem.footer, emblem.level_word],
        "logo": [logo[0], hashlib.sha256(logo[1]).hexdigest()] if logo and not artwork else None,
        "artwork": [artwork[0], hashlib.sha256(artwork[1]).hexdigest()] if artwork else None,
    }
    digest = hashlib.sha256(json.dumps(facts, sort_keys=True).encode("utf-8")).hexdigest()
    return Job(credential.id, credential.source, size, emblem, artwork, digest)


def to_png(svg: bytes, size: int) -> bytes:
    """Rasterise with cairosvg at `size` px wide (height follows the artwork's proportions)."""
    import cairosvg

    return bytes(cairosvg.svg2png(bytestring=svg, output_width=size))


def produce(job: Job) -> dict[str, bytes]:
    """The job's files by name. Raises EmblemError for a title or artwork that cannot be drawn."""
    from cc_cli.emblem.draw import emblem_svg, render_template

    svg_name, png_name = job.names
    if job.artwork and job.artwork[0] == "png":
        width, height = png_size(job.artwork[1])
        href = "data:image/png;base64," + base64.b64encode(job.artwork[1]).decode("ascii")
        wrapper = render_template(
            "artwork.svg.j2", width=width, height=height, title_id=f"{job.id}-title", alt=job.emblem.alt, href=href
        )
        return {svg_name: wrapper.encode("utf-8"), png_name: job.artwork[1]}
    if job.artwork:
        try:
            return {svg_name: job.artwork[1], png_name: to_png(job.artwork[1], job.size)}
        except Exception as exc:  # cairosvg raises many kinds of errors on bad input
            raise ArtworkError(f"legacy artwork cannot be drawn: {exc}") from None
    svg = emblem_svg(job.emblem).encode("utf-8")
    small = job.size <= spec.COMPACT_MAX
    png = to_png(emblem_svg(job.emblem, compact=True).encode("utf-8") if small else svg, job.size)
    return {svg_name: svg, png_name: png}
