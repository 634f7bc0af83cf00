"""The corpus of bad inputs in the dataset format, and their valid look-alikes.

Each case is a few small CSV files loaded on top of the bundled dataset (so a row may refer to
ids that exist only in the store) and the ``file:row: field`` prefix of a problem the loader
must report. The loader must refuse every case (exit 2 from the CLI) and write nothing.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

DIRECTORY = "<a directory>"
SYMLINK_LOOP = "<a symlink loop>"
DEVICE = "<a symlink to /dev/zero>"
SPECIAL = (DIRECTORY, SYMLINK_LOOP, DEVICE)

SRC = "seed-bs-rediff-2025-06"
"""A real source of the bundled dataset, cited with confidence medium."""

P = "id,name,source,confidence,note\n"
MAT = "id,name,stage,form,source,confidence\n"
MAG = "id,name,family,rare_earth,grade_of,source,confidence\n"
BOM = "parent,child,share,kg_per_unit,kg_per_unit_high,year,source,confidence\n"
MKT = "item,country,year,share,tonnes,scope,source,confidence\n"
SRCG = "consumer,item,supplier,share,year,source,confidence\n"
XC = "id,name,issuer,announced,effective,suspended_from,suspended_until,expires,status,suspended_by,source,confidence\n"  # noqa: E501
OBS = "id,subject,metric,value,value_high,unit,source,confidence\n"
INV = "holder,item,end_use,weeks,weeks_high,as_of,scope,source,confidence\n"
PRC = "company,item,usd_per_kg,year,source,confidence\n"


@dataclass(frozen=True)
class Case:
    name: str
    files: dict[str, str | bytes]
    expect: str
    """The ``file:row: field`` prefix of a problem the loader reports (``{folder}``: the
    case's folder)."""
    target: str | None = None
    """Load this path instead of the case folder (relative to it, or absolute)."""
    extra: dict[str, str] = field(default_factory=dict)


def _p(row: str) -> dict[str, str | bytes]:
    return {"products.csv": P + row + "\n"}


CASES: list[Case] = [
    # ids and references
    Case(
        "product-id-of-a-stored-company", _p(f"jl-mag,Fake JL,{SRC},medium,"), "products.csv:2: id"
    ),
    Case(
        "country-id-of-a-stored-product",
        {"materials.csv": MAT + f"suzuki-swift,Swift ore,mining,concentrate,{SRC},medium\n"},
        "materials.csv:2: id",
    ),
    Case(
        "id-twice-in-a-file",
        {"products.csv": P + f"new-p,A,{SRC},medium,\nnew-p,B,{SRC},medium,\n"},
        "products.csv:3: id",
    ),
    Case(
        "id-in-two-files",
        {
            "components.csv": P + f"new-x,Part,{SRC},medium,\n",
            "products.csv": P + f"new-x,Product,{SRC},medium,\n",
        },
        "products.csv:2: id",
    ),
    Case("id-pattern", _p(f"-bad,Bad,{SRC},medium,"), "products.csv:2: id"),
    Case("id-too-long", _p(f"{'a' * 121},Long,{SRC},medium,"), "products.csv:2: id"),
    Case(
        "unknown-reference",
        {"sourcing.csv": SRCG + f"no-such-co,ndfeb-sintered,jl-mag,,2024,{SRC},medium\n"},
        "sourcing.csv:2: consumer",
    ),
    Case(
        "supplier-is-a-product",
        {"sourcing.csv": SRCG + f"suzuki-motor,ndfeb-sintered,suzuki-swift,,2024,{SRC},medium\n"},
        "sourcing.csv:2: supplier",
    ),
    Case(
        "sourced-item-is-a-company",
        {"sourcing.csv": SRCG + f"suzuki-motor,jl-mag,jl-mag,,2024,{SRC},medium\n"},
        "sourcing.csv:2: item",
    ),
    Case(
        "covers-a-product",
        {
            "control_items.csv": "control,item,source,confidence\n"
            f"cn-mofcom-18-2025,suzuki-swift,{SRC},medium\n"
        },
        "control_items.csv:2: item",
    ),
    Case(
        "reach-not-known",
        {
            "control_items.csv": "control,item,reach,source,confidence\n"
            f"cn-mofcom-2025-oct,ndfeb-bonded,worldwide,{SRC},medium\n"
        },
        "control_items.csv:2: reach",
    ),
    Case(
        "de-minimis-on-an-origin-reach",
        {
            "control_items.csv": "control,item,reach,de_minimis,source,confidence\n"
            f"cn-mofcom-2025-oct,ndfeb-bonded,origin,0.01,{SRC},medium\n"
        },
        "control_items.csv:2: de_minimis",
    ),
    Case(
        "de-minimis-above-one",
        {
            "control_items.csv": "control,item,reach,de_minimis,source,confidence\n"
            f"cn-mofcom-2025-oct,ndfeb-bonded,extraterritorial,1.5,{SRC},medium\n"
        },
        "control_items.csv:2: de_minimis",
    ),
    Case(
        "price-of-nothing",
        {"prices.csv": PRC + f"jl-mag,ndfeb-sintered,0,2025,{SRC},medium\n"},
        "prices.csv:2: usd_per_kg",
    ),
    Case(
        "price-by-a-country",
        {"prices.csv": PRC + f"CN,ndfeb-sintered,60,2025,{SRC},medium\n"},
        "prices.csv:2: company",
    ),
    Case(
        "price-of-a-product",
        {"prices.csv": PRC + f"jl-mag,suzuki-swift,60,2025,{SRC},medium\n"},
        "prices.csv:2: item",
    ),
    Case(
        "price-without-a-year",
        {"prices.csv": PRC + f"jl-mag,ndfeb-sintered,60,,{SRC},medium\n"},
        "prices.csv:2: year",
    ),
    Case(
        "facility-company-is-a-country",
        {
            "facilities.csv": "id,name,company,country,stage,status,source,confidence\n"
            f"new-f,Plant,CN,CN,magnet,operating,{SRC},medium\n"
        },
        "facilities.csv:2: company",
    ),
    Case(
        "capacity-producer-is-a-product",
        {
            "capacities.csv": "producer,item,tonnes,year,status,scope,source,confidence\n"
            f"suzuki-swift,ndfeb-sintered,10,2024,actual,t,{SRC},medium\n"
        },
        "capacities.csv:2: producer",
    ),
    Case(
        "end-use-unknown",
        {"end_use_links.csv": f"item,end_use,source,confidence\nsuzuki-swift,space,{SRC},medium\n"},
        "end_use_links.csv:2: end_use",
    ),
    Case(
        "observation-about-an-observation",
        {
            "observations.csv": OBS
            + f"obs-new,obs-in-permit-applicants-2025-06,count,1,,n,{SRC},medium\n"
        },
        "observations.csv:2: subject",
    ),
    Case(
        "suspended-by-unknown",
        {"export_controls.csv": XC + f"x-new,X,CN,2025-01,,,,,in_force,no-such,{SRC},medium\n"},
        "export_controls.csv:2: suspended_by",
    ),
    Case(
        "grade-of-unknown",
        {"magnet_types.csv": MAG + f"m-new,M,ndfeb,true,no-such,{SRC},medium\n"},
        "magnet_types.csv:2: grade_of",
    ),
    Case(
        "grade-of-itself",
        {"magnet_types.csv": MAG + f"m-new,M,ndfeb,true,m-new,{SRC},medium\n"},
        "magnet_types.csv:2: grade_of",
    ),
    # sources and confidence
    Case("source-names-no-source", _p("new-p,P,no-such-source,medium,"), "products.csv:2: source"),
    Case("source-is-a-company", _p("new-p,P,jl-mag,medium,"), "products.csv:2: source"),
    Case("modelling-cited-high", _p("new-p,P,sg-modelling,high,"), "products.csv:2: confidence"),
    Case(
        "modelling-cited-medium", _p("new-p,P,sg-modelling,medium,"), "products.csv:2: confidence"
    ),
    Case(
        "flagged-source-in-the-file-cited-medium",
        {
            "sources.csv": "id,title,modelling\nour-model,Our model,true\n",
            "products.csv": P + "new-p,P,our-model,medium,\n",
        },
        "products.csv:2: confidence",
    ),
    Case(
        "modelling-flag-not-a-boolean",
        {"sources.csv": "id,title,modelling\nour-model,Our model,yes\n"},
        "sources.csv:2: modelling",
    ),
    Case("confidence-unknown", _p(f"new-p,P,{SRC},certain,"), "products.csv:2: confidence"),
    # countries
    Case(
        "country-not-iso-in-countries",
        {"countries.csv": "id,name\nQQ,Qualia\n"},
        "countries.csv:2: id",
    ),
    Case(
        "country-lower-case",
        {"countries.csv": "id,name\nfr,France\n"},
        "countries.csv:2: id",
    ),
    Case(
        "company-country-not-iso",
        {
            "companies.csv": "id,name,country,roles,source,confidence\n"
            f"new-co,Co,XX,oem,{SRC},medium\n"
        },
        "companies.csv:2: country",
    ),
    Case(
        "market-country-not-iso",
        {"market_shares.csv": MKT + f"ndfeb-sintered,UK,2030,0.1,,x,{SRC},medium\n"},
        "market_shares.csv:2: country",
    ),
    # the header
    Case(
        "duplicate-header-column",
        {"products.csv": "id,name,name,source,confidence\nnew-p,A,B,x,low\n"},
        "products.csv:1: name",
    ),
    Case(
        "header-only-missing-a-column",
        {"products.csv": "id,source,confidence\n"},
        "products.csv:1: header",
    ),
    Case(
        "rows-missing-a-column",
        {"bom.csv": f"parent,child,source,confidence\nsuzuki-swift,ndpr-metal,{SRC},medium\n"},
        "bom.csv:1: header",
    ),
    Case(
        "unknown-column",
        {"products.csv": "id,name,colour,source,confidence\nnew-p,P,red,x,low\n"},
        "products.csv:1: colour",
    ),
    Case(
        "unnamed-column", {"products.csv": "id,,name,source,confidence\n"}, "products.csv:1: header"
    ),
    Case("empty-file", {"products.csv": ""}, "products.csv:1: header"),
    Case(
        "more-cells-than-the-header",
        _p(f"new-p,P,{SRC},medium,,surplus"),
        "products.csv:2: row",
    ),
    Case("required-cell-empty", _p(f"new-p,,{SRC},medium,"), "products.csv:2: name"),
    # shares
    Case(
        "bom-shares-above-one-in-the-file",
        {
            "products.csv": P + f"new-p,P,{SRC},medium,\n",
            "bom.csv": BOM
            + f"new-p,auto-aux-motors,0.6,,,,{SRC},medium\n"
            + f"new-p,ndfeb-sintered,0.5,,,,{SRC},medium\n",
        },
        "bom.csv:3: share",
    ),
    Case(
        "bom-shares-above-one-with-the-store",
        {"bom.csv": BOM + "suzuki-swift,ndfeb-sintered,0.5,,,,sg-modelling,low\n"},
        "bom.csv:2: share",
    ),
    Case(
        "market-set-above-one-in-the-file",
        {
            "market_shares.csv": MKT
            + f"ndpr-metal,CN,2031,0.7,,x,{SRC},medium\n"
            + f"ndpr-metal,JP,2031,0.4,,x,{SRC},medium\n"
        },
        "market_shares.csv:3: share",
    ),
    Case(
        "market-set-above-one-with-the-store",
        {"market_shares.csv": MKT + f"ndfeb-sintered,FR,2024,0.2,,x,{SRC},medium\n"},
        "market_shares.csv:2: share",
    ),
    Case(
        "sourcing-shares-above-one",
        {
            "sourcing.csv": SRCG
            + f"suzuki-motor,ndfeb-sintered,jl-mag,0.6,2031,{SRC},medium\n"
            + f"suzuki-motor,ndfeb-sintered,paras-defence,0.6,2031,{SRC},medium\n"
        },
        "sourcing.csv:3: share",
    ),
    Case(
        "share-above-one",
        {"bom.csv": BOM + f"suzuki-swift,ndpr-metal,1.4,,,2031,{SRC},medium\n"},
        "bom.csv:2: share",
    ),
    Case(
        "share-negative",
        {"bom.csv": BOM + f"suzuki-swift,ndpr-metal,-0.1,,,2031,{SRC},medium\n"},
        "bom.csv:2: share",
    ),
    Case(
        "share-as-a-percentage",
        {"bom.csv": BOM + f"suzuki-swift,ndpr-metal,50%,,,2031,{SRC},medium\n"},
        "bom.csv:2: share",
    ),
    Case(
        "share-nan",
        {"market_shares.csv": MKT + f"ndpr-metal,CN,2031,nan,,x,{SRC},medium\n"},
        "market_shares.csv:2: share",
    ),
    Case(
        "market-row-without-share-or-tonnes",
        {"market_shares.csv": MKT + f"ndpr-metal,CN,2031,,,x,{SRC},medium\n"},
        "market_shares.csv:2: share",
    ),
    Case(
        "tonnes-negative",
        {"market_shares.csv": MKT + f"ndpr-metal,CN,2031,,-5,x,{SRC},medium\n"},
        "market_shares.csv:2: tonnes",
    ),
    # supply cycles
    Case(
        "bom-self-loop",
        {"bom.csv": BOM + f"ndpr-metal,ndpr-metal,0.1,,,2031,{SRC},medium\n"},
        "bom.csv:2: child",
    ),
    Case(
        "bom-two-node-cycle-in-the-file",
        {
            "materials.csv": MAT
            + f"cyc-a,A,metal,metal,{SRC},medium\n"
            + f"cyc-b,B,metal,metal,{SRC},medium\n",
            "bom.csv": BOM
            + f"cyc-a,cyc-b,1.0,,,,{SRC},medium\n"
            + f"cyc-b,cyc-a,1.0,,,,{SRC},medium\n",
        },
        "bom.csv:3: child",
    ),
    Case(
        "bom-stage-inversion-with-the-store",
        {"bom.csv": BOM + f"ndpr-oxide,ndpr-metal,1.0,,,2031,{SRC},medium\n"},
        "bom.csv:2: child",
    ),
    Case(
        "bom-recycling-loop",
        {
            "materials.csv": MAT + f"ndfeb-scrap,NdFeB scrap,metal,alloy,{SRC},medium\n",
            "bom.csv": BOM
            + f"ndpr-metal,ndfeb-scrap,0.2,,,2031,{SRC},medium\n"
            + f"ndfeb-scrap,ndpr-metal,1.0,,,2031,{SRC},medium\n",
        },
        "bom.csv:3: child",
    ),
    # other rules
    Case(
        "company-supplies-itself-a-magnet",
        {"sourcing.csv": SRCG + f"jl-mag,ndfeb-sintered,jl-mag,,2031,{SRC},medium\n"},
        "sourcing.csv:2: supplier",
    ),
    Case("nul-byte", _p(f"new-p,Bad\x00name,{SRC},medium,"), "products.csv:2: name"),
    Case("bell-character", _p(f"new-p,P,{SRC},medium,ring\x07"), "products.csv:2: note"),
    Case("escape-character", _p(f"new-p,P\x1b[31m,{SRC},medium,"), "products.csv:2: name"),
    Case(
        "rare-earth-yes",
        {"magnet_types.csv": MAG + f"m-new,M,ndfeb,yes,,{SRC},medium\n"},
        "magnet_types.csv:2: rare_earth",
    ),
    Case(
        "rare-earth-one",
        {"magnet_types.csv": MAG + f"m-new,M,ndfeb,1,,{SRC},medium\n"},
        "magnet_types.csv:2: rare_earth",
    ),
    Case(
        "control-expires-before-effective",
        {
            "export_controls.csv": XC
            + f"x-new,X,CN,2025-01,2025-06,,,2025-03,in_force,,{SRC},medium\n"
        },
        "export_controls.csv:2: expires",
    ),
    Case(
        "control-expires-before-announced",
        {"export_controls.csv": XC + f"x-new,X,CN,2025-06-01,,,,2025-05,announced,,{SRC},medium\n"},
        "export_controls.csv:2: expires",
    ),
    Case(
        "suspension-ends-before-it-starts",
        {
            "export_controls.csv": XC
            + f"x-new,X,CN,2025-01,,2025-11-10,2025-10,,suspended,,{SRC},medium\n"
        },
        "export_controls.csv:2: suspended_until",
    ),
    Case(
        "effective-before-announced",
        {"export_controls.csv": XC + f"x-new,X,CN,2025-06,2025-01,,,,in_force,,{SRC},medium\n"},
        "export_controls.csv:2: effective",
    ),
    Case(
        "suspended-without-an-end",
        {"export_controls.csv": XC + f"x-new,X,CN,2025-06,,,,,suspended,,{SRC},medium\n"},
        "export_controls.csv:2: suspended_until",
    ),
    Case(
        "date-month-13",
        {"export_controls.csv": XC + f"x-new,X,CN,2025-13,,,,,in_force,,{SRC},medium\n"},
        "export_controls.csv:2: announced",
    ),
    Case(
        "date-us-format",
        {"export_controls.csv": XC + f"x-new,X,CN,10/09/2025,,,,,in_force,,{SRC},medium\n"},
        "export_controls.csv:2: announced",
    ),
    Case(
        "kg-high-without-low",
        {"bom.csv": BOM + f"suzuki-swift,ndpr-metal,0.1,,5,2031,{SRC},medium\n"},
        "bom.csv:2: kg_per_unit",
    ),
    Case(
        "kg-high-below-low",
        {"bom.csv": BOM + f"suzuki-swift,ndpr-metal,0.1,5,4,2031,{SRC},medium\n"},
        "bom.csv:2: kg_per_unit_high",
    ),
    Case(
        "kg-on-a-material-parent",
        {"bom.csv": BOM + f"ndpr-metal,ndpr-oxide,0.1,5,,2031,{SRC},medium\n"},
        "bom.csv:2: kg_per_unit",
    ),
    Case(
        "repeated-fact",
        {
            "bom.csv": BOM
            + f"suzuki-swift,ndpr-metal,0.1,,,2031,{SRC},medium\n"
            + f"suzuki-swift,ndpr-metal,0.2,,,2031,{SRC},medium\n"
        },
        "bom.csv:3: row",
    ),
    Case(
        "value-high-below-value",
        {"observations.csv": OBS + f"obs-new,IN,count,5,4,n,{SRC},medium\n"},
        "observations.csv:2: value_high",
    ),
    Case(
        "value-infinite",
        {"observations.csv": OBS + f"obs-new,IN,count,inf,,n,{SRC},medium\n"},
        "observations.csv:2: value",
    ),
    Case(
        "weeks-high-below-weeks",
        {"inventory.csv": INV + f"IN,ndfeb-sintered,,8,6,2025-06,x,{SRC},medium\n"},
        "inventory.csv:2: weeks_high",
    ),
    Case(
        "as-of-not-a-date",
        {"inventory.csv": INV + f"IN,ndfeb-sintered,,8,,June 2025,x,{SRC},medium\n"},
        "inventory.csv:2: as_of",
    ),
    Case(
        "year-out-of-range",
        {"market_shares.csv": MKT + f"ndpr-metal,CN,1800,0.1,,x,{SRC},medium\n"},
        "market_shares.csv:2: year",
    ),
    Case(
        "year-not-an-integer",
        {"market_shares.csv": MKT + f"ndpr-metal,CN,2024.5,0.1,,x,{SRC},medium\n"},
        "market_shares.csv:2: year",
    ),
    Case(
        "atomic-number-out-of-range",
        {
            "elements.csv": "id,name,atomic_number,category,source,confidence\n"
            f"Xq,Fake,200,other,{SRC},medium\n"
        },
        "elements.csv:2: atomic_number",
    ),
    Case(
        "material-at-the-magnet-stage",
        {"materials.csv": MAT + f"new-m,M,magnet,alloy,{SRC},medium\n"},
        "materials.csv:2: stage",
    ),
    Case(
        "facility-status-unknown",
        {
            "facilities.csv": "id,name,company,country,stage,status,source,confidence\n"
            f"new-f,Plant,jl-mag,CN,magnet,open,{SRC},medium\n"
        },
        "facilities.csv:2: status",
    ),
    Case(
        "role-unknown",
        {
            "companies.csv": "id,name,country,roles,source,confidence\n"
            f"new-co,Co,CN,oem;trader,{SRC},medium\n"
        },
        "companies.csv:2: roles.1",
    ),
    Case(
        "consumption-kind-unknown",
        {
            "consumption.csv": "consumer,item,tonnes,year,kind,scope,source,confidence\n"
            f"IN,ndfeb-sintered,10,2024,guess,x,{SRC},medium\n"
        },
        "consumption.csv:2: kind",
    ),
    # row numbers as a spreadsheet shows them
    Case(
        "row-after-a-multi-line-cell",
        {"products.csv": P + f'new-p,P,{SRC},medium,"two\nlines"\nnew-q,,{SRC},medium,\n'},
        "products.csv:3: name",
    ),
    Case(
        "row-after-a-blank-line",
        {"products.csv": P + f"new-p,P,{SRC},medium,\n\nnew-q,,{SRC},medium,\n"},
        "products.csv:4: name",
    ),
    # files and paths
    Case(
        "not-utf-8",
        {"products.csv": (P + "new-p,Caf\xe9,x,low,\n").encode("latin-1")},
        "products.csv:2: name",
    ),
    Case("unknown-file-name", {"notes.csv": "a\n1\n"}, "notes.csv:0: file"),
    Case("directory-named-like-a-file", {"bom.csv": DIRECTORY}, "bom.csv:0: file"),
    Case("symlink-loop", {"bom.csv": SYMLINK_LOOP}, "bom.csv:0: file"),
    Case("symlink-to-a-device", {"bom.csv": DEVICE}, "bom.csv:0: file"),
    Case("path-is-a-device", {}, "/dev/zero:0: path", target="/dev/zero"),
    Case("path-missing", {}, "{folder}/missing:0: path", target="missing"),
    Case("path-is-a-symlink-loop", {"loop": SYMLINK_LOOP}, "{folder}/loop:0: path", target="loop"),
    Case(
        "ten-megabyte-cell",
        _p(f"new-p,P,{SRC},medium,{'x' * 10_000_000}"),
        "products.csv:2: note",
    ),
    Case(
        "cell-beyond-the-csv-limit",
        _p(f"new-p,P,{SRC},medium,{'x' * 17_000_000}"),
        "products.csv:2: row",
    ),
]


VALID: dict[str, tuple[bytes, str]] = {
    "utf-8-bom": (("\ufeff" + P + f"ok-bom,With BOM,{SRC},medium,\n").encode(), "With BOM"),
    "crlf": ((P + f"ok-crlf,CRLF,{SRC},medium,\n").replace("\n", "\r\n").encode(), "CRLF"),
    "quoted-newline": ((P + f'ok-nl,"Two\nlines",{SRC},medium,\n').encode(), "Two\nlines"),
    "blank-lines": ((P + f"\nok-blank,Blank,{SRC},medium,\n\n\n").encode(), "Blank"),
    "quoted-comma-and-quote": (
        (P + f'ok-q,"A ""quoted"", name",{SRC},medium,\n').encode(),
        'A "quoted", name',
    ),
    "tab-and-emoji-codes": (
        (P + f"ok-tab,Tab\there :x:,{SRC},medium,\n").encode(),
        "Tab\there :x:",
    ),
}
"""products.csv files that look odd but are valid, and the name they must load."""


def materialise(case: Case, folder: Path) -> str:
    """Write ``case`` into ``folder``; return the path to load."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in case.files.items():
        path = folder / name
        if content == DIRECTORY:
            path.mkdir()
        elif content == SYMLINK_LOOP:
            os.symlink(path.name + ".other", path)
            os.symlink(path.name, folder / (path.name + ".other"))
        elif content == DEVICE:
            os.symlink("/dev/zero", path)
        elif isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_bytes(content.encode("utf-8", "surrogatepass"))
    if case.target is None:
        return str(folder)
    return case.target if case.target.startswith("/") else str(folder / case.target)
