"""Row models of the dataset's CSV files: validation, then conversion to graph records.

One pydantic model per file (``extra="forbid"``, so an unknown column is an error). A row says
what it needs before anything is resolved: ``declares`` (the nodes it defines),
``references`` (every id it names, with the labels each allows) and ``checks`` (problems it
has on its own). Validation resolves every row's references in one batched look-up, then
``records`` turns a row into what to write; problems come back as values, never raised.
The file format is documented in docs/data-format.md. The models are grouped in the modules
of this package in the order docs/data-format.md follows; this module lists them all.
"""

from __future__ import annotations

from loaders.rows.base import Cited, Confidence, FieldProblem, Labels, Records, Ref, Row, ends
from loaders.rows.chain import BomRow, MarketShareRow, SourcingRow
from loaders.rows.controls import (
    ActKind,
    ControlActRow,
    ControlItemRow,
    ControlStatus,
    ExportControlRow,
)
from loaders.rows.makers import (
    CapacityRow,
    CapacityStatus,
    CompanyRow,
    ComponentRow,
    EndUseLinkRow,
    EndUseRow,
    FacilityRow,
    FacilityStatus,
    ProductRow,
    Role,
)
from loaders.rows.reference import (
    CountryRow,
    ElementCategory,
    ElementRow,
    MagnetFamily,
    MagnetTypeRow,
    MaterialForm,
    MaterialRow,
    SourceRow,
)
from loaders.rows.stocks import (
    ConsumptionKind,
    ConsumptionRow,
    InventoryRow,
    ObservationRow,
    PriceRow,
)

ROW_MODELS: tuple[type[Row], ...] = (
    SourceRow,
    CountryRow,
    ElementRow,
    MaterialRow,
    MagnetTypeRow,
    CompanyRow,
    FacilityRow,
    ComponentRow,
    ProductRow,
    EndUseRow,
    ExportControlRow,
    ObservationRow,
    CapacityRow,
    EndUseLinkRow,
    BomRow,
    MarketShareRow,
    SourcingRow,
    ControlItemRow,
    ControlActRow,
    ConsumptionRow,
    InventoryRow,
    PriceRow,
)
"""Every dataset file, in the order they are read. A dataset may omit any file."""

MODEL_BY_FILE: dict[str, type[Row]] = {model.file: model for model in ROW_MODELS}

__all__ = [
    "ActKind",
    "BomRow",
    "CapacityRow",
    "CapacityStatus",
    "Cited",
    "CompanyRow",
    "ComponentRow",
    "Confidence",
    "ConsumptionKind",
    "ConsumptionRow",
    "ControlActRow",
    "ControlItemRow",
    "ControlStatus",
    "CountryRow",
    "ElementCategory",
    "ElementRow",
    "EndUseLinkRow",
    "EndUseRow",
    "ExportControlRow",
    "FacilityRow",
    "FacilityStatus",
    "FieldProblem",
    "InventoryRow",
    "Labels",
    "MODEL_BY_FILE",
    "MagnetFamily",
    "MagnetTypeRow",
    "MarketShareRow",
    "MaterialForm",
    "MaterialRow",
    "ObservationRow",
    "PriceRow",
    "ProductRow",
    "ROW_MODELS",
    "Records",
    "Ref",
    "Role",
    "Row",
    "SourceRow",
    "SourcingRow",
    "ends",
]
