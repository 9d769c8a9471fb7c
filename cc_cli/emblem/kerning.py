"""Pair kerning from the GPOS `kern` feature, read lazily (formats 1 and 2 of lookup type 2)."""

from __future__ import annotations

from typing import Any


def kerning_subtables(tt: Any) -> list[tuple[Any, ...]]:
    """The GPOS `kern` pair subtables, indexed for lookups; pair values are read only when asked for.

    Decompiling every pair of Plex's class matrices takes longer than the validator may spend on a whole
    catalog, while a catalog's titles only ever use a few hundred distinct pairs.
    """
    if "GPOS" not in tt:
        return []
    table = tt["GPOS"].table
    indices = sorted(
        {i for rec in table.FeatureList.FeatureRecord if rec.FeatureTag == "kern" for i in rec.Feature.LookupListIndex}
    )
    out: list[tuple[Any, ...]] = []
    for index in indices:
        lookup = table.LookupList.Lookup[index]
        for sub in lookup.SubTable:
            if lookup.LookupType == 9:  # extension lookup wrapping the real subtable
                sub = sub.ExtSubTable
            if getattr(sub, "LookupType", 2) != 2:
                continue
            firsts = {name: i for i, name in enumerate(sub.Coverage.glyphs)}
            if sub.Format == 1:
                out.append((1, firsts, sub))
            elif sub.Format == 2:
                out.append((2, firsts, sub.ClassDef1.classDefs, sub.ClassDef2.classDefs, sub))
    return out


def pair_value(sub: tuple[Any, ...], first: str, second: str) -> int | None:
    """Kerning of `first`+`second` in one subtable; None if the subtable does not cover the pair."""
    index = sub[1].get(first)
    if index is None:
        return None
    if sub[0] == 1:
        for record in sub[2].PairSet[index].PairValueRecord:
            if record.SecondGlyph == second:
                return int(getattr(record.Value1, "XAdvance", 0) or 0)
        return None
    # class-based pairs: the first subtable covering `first` decides, class 0 included
    row = sub[4].Class1Record[sub[2].get(first, 0)]
    return int(getattr(row.Class2Record[sub[3].get(second, 0)].Value1, "XAdvance", 0) or 0)
