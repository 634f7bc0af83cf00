"""Company names as a company writes them, matched to the companies already in the graph.

Names are normalised (case, accents, punctuation, legal suffixes) and scored with rapidfuzz
against every company's name and id. Nothing is merged below ``MATCH_SCORE``, nor where a
second company scores within ``MARGIN`` of the best: those names are ambiguous and stay new
companies until the analyst says otherwise in the mapping file, which every import reads
first and writes back (docs/company-data.md).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from rapidfuzz import fuzz, process

from graph.errors import LoadError, Problem

MATCH_SCORE = 88.0
"""At or above this a name is matched to a company (if no rival is within MARGIN)."""
REVIEW_SCORE = 75.0
"""From here up to MATCH_SCORE a name is ambiguous: its candidates are listed, not merged."""
MARGIN = 4.0
SUBSET_WEIGHT = 0.9
"""A name whose words are a subset of a company's (\"Hitachi Metals\" in \"Proterial, Ltd.
(formerly Hitachi Metals)\") scores at most this fraction of a full match."""

LEGAL_SUFFIXES = frozenset(
    """co company corp corporation inc incorporated ltd limited llc plc gmbh ag kg sa sas
    sarl spa srl bv nv oy ab as kk pte pty sdn bhd jsc pjsc oao ooo zao group holding
    holdings intl international mfg""".split()
)

_PUNCT = re.compile(r"[^a-z0-9 ]+")


def normalise(name: str) -> str:
    """``"JL MAG Rare-Earth Co., Ltd."`` -> ``"jl mag rare earth"``."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    text = _PUNCT.sub(" ", text.casefold().replace("&", " and "))
    words = text.split()
    while len(words) > 1 and words[-1] in LEGAL_SUFFIXES:
        words.pop()
    return " ".join(w for w in words if w not in {"the"} or len(words) == 1)


def _squashed(text: str) -> str:
    return text.replace(" ", "")


class Verdict(StrEnum):
    MATCHED = "matched"
    AMBIGUOUS = "ambiguous"
    NEW = "new"
    MAPPED = "mapped"
    """The mapping file says which company it is."""


@dataclass(frozen=True)
class Candidate:
    company: str
    score: float


@dataclass(frozen=True)
class Match:
    name: str
    verdict: Verdict
    company: str
    """The id used: the matched or mapped company, or the new company's id."""
    score: float | None = None
    candidates: tuple[Candidate, ...] = ()

    @property
    def merged(self) -> bool:
        return self.verdict in (Verdict.MATCHED, Verdict.MAPPED)


@dataclass
class Matcher:
    """Matches names against ``companies`` (id -> name) and the analyst's ``mapping``."""

    companies: dict[str, str]
    mapping: dict[str, str] = field(default_factory=dict)
    """Normalised name -> company id, from the mapping file."""
    aliases: dict[str, list[str]] = field(default_factory=dict)
    """Company id -> the spellings earlier imports matched to it (KNOWN_AS in the graph)."""

    def __post_init__(self) -> None:
        self._choices: dict[str, str] = {}
        self._spellings: dict[str, str] = {}
        for company, name in self.companies.items():
            kept = self.aliases.get(company, [])
            for spelling in (name, company.replace("-", " "), *kept):
                key = normalise(spelling)
                if key:
                    self._spellings.setdefault(key, company)
                    self._choices.setdefault(_squashed(key), company)

    def match(self, name: str, *, new_id: str) -> Match:
        key = normalise(name)
        mapped = self.mapping.get(key)
        if mapped:
            return Match(name, Verdict.MAPPED, mapped)
        scored: dict[str, float] = {}
        squashed = _squashed(key)
        for choice, score, _ in process.extract(
            squashed, list(self._choices), scorer=fuzz.ratio, limit=None
        ):
            company = self._choices[choice]
            scored[company] = max(scored.get(company, 0.0), float(score))
        spellings = list(self._spellings)
        for choice, score, _ in process.extract(
            key, spellings, scorer=fuzz.token_set_ratio, limit=None
        ):
            company = self._spellings[choice]
            scored[company] = max(scored.get(company, 0.0), float(score) * SUBSET_WEIGHT)
        ranked = sorted(scored.items(), key=lambda kv: (-kv[1], kv[0]))
        candidates = tuple(Candidate(c, round(s, 1)) for c, s in ranked[:3] if s >= REVIEW_SCORE)
        if not candidates:
            return Match(name, Verdict.NEW, new_id)
        best = candidates[0]
        rival = len(candidates) > 1 and candidates[1].score > best.score - MARGIN
        if best.score >= MATCH_SCORE and not rival:
            return Match(name, Verdict.MATCHED, best.company, best.score, candidates)
        return Match(name, Verdict.AMBIGUOUS, new_id, best.score, candidates)


MAPPING_COLUMNS = ("name", "company", "status", "score", "candidates")


def read_mapping(path: Path) -> dict[str, str]:
    """The analyst's mapping file: a name with a company id resolves to that company."""
    if not path.is_file():
        return {}
    reader = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline=""))
    missing = {"name", "company"} - set(reader.fieldnames or [])
    if missing:
        problems = [
            Problem(path.name, 1, col, "column missing from the mapping file") for col in missing
        ]
        raise LoadError(sorted(problems, key=lambda p: p.field))
    out: dict[str, str] = {}
    for row in reader:
        name, company = (row.get("name") or "").strip(), (row.get("company") or "").strip()
        status = (row.get("status") or "").strip()
        if name and company and status != Verdict.AMBIGUOUS.value:
            out[normalise(name)] = company
    return out


def mapping_text(matches: Iterable[Match]) -> str:
    """The mapping file for the next import: matched and new names keep their company; an
    ambiguous name's company is left blank for the analyst to fill in (or to set to a new id)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(MAPPING_COLUMNS)
    for m in matches:
        company = "" if m.verdict is Verdict.AMBIGUOUS else m.company
        writer.writerow(
            [
                m.name,
                company,
                m.verdict.value,
                "" if m.score is None else f"{m.score:.1f}",
                "; ".join(f"{c.company} ({c.score:.1f})" for c in m.candidates),
            ]
        )
    return buf.getvalue()


def review_lines(matches: Iterable[Match]) -> list[str]:
    """The review report: matched (with score), ambiguous (with candidates), new."""
    lines: list[str] = []
    for m in matches:
        if m.verdict is Verdict.MATCHED:
            lines.append(f"matched   {m.name!r} -> {m.company} (score {m.score:.1f})")
        elif m.verdict is Verdict.MAPPED:
            lines.append(f"mapped    {m.name!r} -> {m.company} (mapping file)")
        elif m.verdict is Verdict.AMBIGUOUS:
            shown = ", ".join(f"{c.company} ({c.score:.1f})" for c in m.candidates)
            lines.append(
                f"ambiguous {m.name!r}: candidates {shown}; written as new company "
                f"{m.company} until the mapping file names one"
            )
        else:
            lines.append(f"new       {m.name!r} -> new company {m.company}")
    return lines
