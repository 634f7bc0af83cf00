"""The graph's data model: labels, relationship types and their properties.

Both stores derive their schema (constraints, tables, upsert statements) from these
declarations, so a label or property exists only if it is declared here. See docs/model.md.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum


class Label(StrEnum):
    SOURCE = "Source"
    COUNTRY = "Country"
    ELEMENT = "Element"
    MATERIAL = "Material"
    MAGNET_TYPE = "MagnetType"
    COMPANY = "Company"
    FACILITY = "Facility"
    COMPONENT = "Component"
    PRODUCT = "Product"
    END_USE = "EndUse"
    EXPORT_CONTROL = "ExportControl"
    CONTROL_ACT = "ControlAct"
    OBSERVATION = "Observation"


class RelType(StrEnum):
    CONTAINS = "CONTAINS"
    MADE_FROM = "MADE_FROM"
    HAS_ELEMENT = "HAS_ELEMENT"
    PRODUCES = "PRODUCES"
    SOURCES_FROM = "SOURCES_FROM"
    MAKES = "MAKES"
    OPERATES = "OPERATES"
    LOCATED_IN = "LOCATED_IN"
    HEADQUARTERED_IN = "HEADQUARTERED_IN"
    USED_IN = "USED_IN"
    COVERS = "COVERS"
    ISSUED_BY = "ISSUED_BY"
    SUSPENDS = "SUSPENDS"
    ACTS_ON = "ACTS_ON"
    GRANTED_TO = "GRANTED_TO"
    CONSUMES = "CONSUMES"
    HOLDS_STOCK = "HOLDS_STOCK"
    ABOUT = "ABOUT"
    TRADES = "TRADES"
    SELLS = "SELLS"
    KNOWN_AS = "KNOWN_AS"


class Stage(StrEnum):
    """Supply-chain stages, upstream first."""

    MINING = "mining"
    SEPARATION = "separation"
    METAL = "metal"
    MAGNET = "magnet"
    COMPONENT = "component"

    @property
    def order(self) -> int:
        return list(Stage).index(self)


class Reach(StrEnum):
    """Which positions of a covered item a control reaches (docs/model.md, "Extraterritorial
    reach")."""

    ORIGIN = "origin"
    """What the issuer's own sites make."""
    EXTRATERRITORIAL = "extraterritorial"
    """What sites outside the issuer make from at least a de minimis of issuer-origin inputs."""


DE_MINIMIS = 0.001
"""The default de minimis of an extraterritorial reach: MOFCOM No. 61's 0.1% of value."""


UNATTRIBUTED_COUNTRY = "ZZ"
"""The country code of output a source attributes to no country ("other")."""


class PropType(StrEnum):
    """Property types both stores can hold. Dates are ISO-8601 strings (sortable)."""

    STRING = "STRING"
    DOUBLE = "DOUBLE"
    INT = "INT64"
    BOOL = "BOOLEAN"
    STRINGS = "STRING[]"


S, D, INT, B, L = PropType.STRING, PropType.DOUBLE, PropType.INT, PropType.BOOL, PropType.STRINGS

PROVENANCE: dict[str, PropType] = {"source": S, "confidence": S, "note": S}
"""Every node (but Source itself) and every relationship carries these."""


@dataclass(frozen=True)
class NodeSpec:
    label: Label
    properties: dict[str, PropType]


@dataclass(frozen=True)
class RelSpec:
    type: RelType
    endpoints: tuple[tuple[Label, Label], ...]
    properties: dict[str, PropType]


ITEM_LABELS: tuple[Label, ...] = (
    Label.ELEMENT,
    Label.MATERIAL,
    Label.MAGNET_TYPE,
    Label.COMPONENT,
    Label.PRODUCT,
)
"""Labels of the things that flow through the supply chain."""

NODES: dict[Label, NodeSpec] = {
    spec.label: spec
    for spec in (
        NodeSpec(
            Label.SOURCE,
            {"id": S, "title": S, "publisher": S, "date": S, "url": S, "modelling": B, "note": S},
        ),
        NodeSpec(Label.COUNTRY, {"id": S, "name": S, **PROVENANCE}),
        NodeSpec(
            Label.ELEMENT,
            {"id": S, "name": S, "atomic_number": INT, "category": S, **PROVENANCE},
        ),
        NodeSpec(
            Label.MATERIAL,
            {"id": S, "name": S, "stage": S, "form": S, "hs_code": S, **PROVENANCE},
        ),
        NodeSpec(
            Label.MAGNET_TYPE,
            {
                "id": S,
                "name": S,
                "stage": S,
                "family": S,
                "grade_of": S,
                "rare_earth": B,
                "hs_code": S,
                **PROVENANCE,
            },
        ),
        NodeSpec(Label.COMPANY, {"id": S, "name": S, "country": S, "roles": L, **PROVENANCE}),
        NodeSpec(
            Label.FACILITY,
            {
                "id": S,
                "name": S,
                "company": S,
                "country": S,
                "stage": S,
                "status": S,
                "opened": S,
                **PROVENANCE,
            },
        ),
        NodeSpec(Label.COMPONENT, {"id": S, "name": S, "stage": S, **PROVENANCE}),
        NodeSpec(Label.PRODUCT, {"id": S, "name": S, **PROVENANCE}),
        NodeSpec(Label.END_USE, {"id": S, "name": S, **PROVENANCE}),
        NodeSpec(
            Label.EXPORT_CONTROL,
            {
                "id": S,
                "name": S,
                "issuer": S,
                "announced": S,
                "effective": S,
                "suspended_from": S,
                "suspended_until": S,
                "expires": S,
                "status": S,
                "url": S,
                **PROVENANCE,
            },
        ),
        NodeSpec(
            Label.CONTROL_ACT,
            {
                "id": S,
                "name": S,
                "control": S,
                "kind": S,
                "issued": S,
                "start": S,
                "until": S,
                "exporter": S,
                "url": S,
                **PROVENANCE,
            },
        ),
        NodeSpec(
            Label.OBSERVATION,
            {
                "id": S,
                "name": S,
                "metric": S,
                "value": D,
                "value_high": D,
                "unit": S,
                "date": S,
                "scope": S,
                **PROVENANCE,
            },
        ),
    )
}

_SUPPLY_ITEMS = (Label.MATERIAL, Label.MAGNET_TYPE, Label.COMPONENT)
_ANY_ITEM = (Label.ELEMENT, Label.MATERIAL, Label.MAGNET_TYPE, Label.COMPONENT, Label.PRODUCT)
_HOLDERS = (Label.COUNTRY, Label.COMPANY)


def _pairs(froms: tuple[Label, ...], tos: tuple[Label, ...]) -> tuple[tuple[Label, Label], ...]:
    return tuple((a, b) for a in froms for b in tos)


RELATIONSHIPS: dict[RelType, RelSpec] = {
    spec.type: spec
    for spec in (
        RelSpec(
            RelType.CONTAINS,
            _pairs((Label.PRODUCT, Label.COMPONENT), _SUPPLY_ITEMS),
            {
                "key": S,
                "share": D,
                "kg_per_unit": D,
                "kg_per_unit_high": D,
                "scope": S,
                "year": INT,
                **PROVENANCE,
            },
        ),
        RelSpec(
            RelType.MADE_FROM,
            _pairs((Label.MAGNET_TYPE, Label.MATERIAL), (Label.MATERIAL,)),
            {"key": S, "share": D, "year": INT, **PROVENANCE},
        ),
        RelSpec(
            RelType.HAS_ELEMENT,
            _pairs((Label.MATERIAL, Label.MAGNET_TYPE), (Label.ELEMENT,)),
            {"key": S, **PROVENANCE},
        ),
        RelSpec(
            RelType.PRODUCES,
            _pairs((Label.COUNTRY,), _SUPPLY_ITEMS),
            {"key": S, "share": D, "tonnes": D, "year": INT, "scope": S, **PROVENANCE},
        ),
        RelSpec(
            RelType.SOURCES_FROM,
            _pairs(
                (Label.PRODUCT, Label.COMPONENT, Label.MAGNET_TYPE, Label.COMPANY), (Label.COMPANY,)
            ),
            {"key": S, "item": S, "share": D, "year": INT, **PROVENANCE},
        ),
        RelSpec(
            RelType.MAKES,
            _pairs((Label.COMPANY, Label.FACILITY), _ANY_ITEM),
            {"key": S, "tonnes": D, "year": INT, "status": S, "scope": S, **PROVENANCE},
        ),
        RelSpec(
            RelType.OPERATES,
            ((Label.COMPANY, Label.FACILITY),),
            {"key": S, **PROVENANCE},
        ),
        RelSpec(
            RelType.LOCATED_IN,
            ((Label.FACILITY, Label.COUNTRY),),
            {"key": S, **PROVENANCE},
        ),
        RelSpec(
            RelType.HEADQUARTERED_IN,
            ((Label.COMPANY, Label.COUNTRY),),
            {"key": S, **PROVENANCE},
        ),
        RelSpec(
            RelType.USED_IN,
            _pairs((Label.PRODUCT, Label.COMPONENT, Label.MAGNET_TYPE), (Label.END_USE,)),
            {"key": S, **PROVENANCE},
        ),
        RelSpec(
            RelType.COVERS,
            _pairs((Label.EXPORT_CONTROL,), (Label.ELEMENT, Label.MATERIAL, Label.MAGNET_TYPE)),
            {"key": S, "scope": S, "reach": S, "de_minimis": D, **PROVENANCE},
        ),
        RelSpec(
            RelType.ISSUED_BY,
            ((Label.EXPORT_CONTROL, Label.COUNTRY),),
            {"key": S, **PROVENANCE},
        ),
        RelSpec(
            RelType.SUSPENDS,
            ((Label.EXPORT_CONTROL, Label.EXPORT_CONTROL),),
            {"key": S, "from_date": S, "until_date": S, **PROVENANCE},
        ),
        RelSpec(
            RelType.ACTS_ON,
            ((Label.CONTROL_ACT, Label.EXPORT_CONTROL),),
            {"key": S, **PROVENANCE},
        ),
        RelSpec(
            RelType.GRANTED_TO,
            ((Label.CONTROL_ACT, Label.COMPANY),),
            {"key": S, **PROVENANCE},
        ),
        RelSpec(
            RelType.CONSUMES,
            _pairs(_HOLDERS, _ANY_ITEM),
            {"key": S, "tonnes": D, "year": INT, "kind": S, "scope": S, **PROVENANCE},
        ),
        RelSpec(
            RelType.HOLDS_STOCK,
            _pairs(_HOLDERS, _ANY_ITEM),
            {
                "key": S,
                "weeks": D,
                "weeks_high": D,
                "end_use": S,
                "as_of": S,
                "scope": S,
                **PROVENANCE,
            },
        ),
        RelSpec(
            RelType.TRADES,
            ((Label.COUNTRY, Label.COUNTRY),),
            {
                "key": S,
                "item": S,
                "hs_code": S,
                "year": INT,
                "tonnes": D,
                "value_usd": D,
                "reported_by": S,
                "mirror_tonnes": D,
                "mirror_value_usd": D,
                "scope": S,
                **PROVENANCE,
            },
        ),
        RelSpec(
            RelType.SELLS,
            _pairs((Label.COMPANY,), _SUPPLY_ITEMS),
            {"key": S, "usd_per_kg": D, "year": INT, **PROVENANCE},
        ),
        RelSpec(
            RelType.KNOWN_AS,
            ((Label.COMPANY, Label.SOURCE),),
            {"key": S, "name": S, **PROVENANCE},
        ),
        RelSpec(
            RelType.ABOUT,
            _pairs((Label.OBSERVATION,), tuple(lb for lb in Label if lb is not Label.OBSERVATION)),
            {"key": S, **PROVENANCE},
        ),
    )
}


def relationship_allowed(rel: RelType, start: Label, end: Label) -> bool:
    return (start, end) in RELATIONSHIPS[rel].endpoints


def projected(rel: RelType, wanted: Collection[str] | None) -> tuple[str, ...]:
    """The declared properties of ``rel`` among ``wanted`` (all of them when None), in
    declaration order: what an extraction reads."""
    names = tuple(RELATIONSHIPS[rel].properties)
    return names if wanted is None else tuple(n for n in names if n in wanted)
