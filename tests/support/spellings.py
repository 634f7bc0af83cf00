"""Supplier names as companies write them, and the bundled company each one means: shared by
the matcher's unit test and the import's review test on both stores."""

from __future__ import annotations

VARIANTS = [
    # legal suffixes and punctuation
    ("JL MAG Rare-Earth Co., Ltd.", "jl-mag"),
    ("Ningbo Yunsheng Co Ltd", "ningbo-yunsheng"),
    ("Shin-Etsu Chemical Co. Ltd", "shin-etsu"),
    ("MP Materials Corporation", "mp-materials"),
    ("Vacuumschmelze GmbH & Co. KG", "vacuumschmelze"),
    ("TDK Corp.", "tdk"),
    ("Solvay S.A.", "solvay"),
    ("Shenghe Resources Holding Co., Ltd", "shenghe"),
    # case and spacing
    ("NINGBO YUNSHENG", "ningbo-yunsheng"),
    ("JLMag", "jl-mag"),
    ("ShinEtsu", "shin-etsu"),
    ("lynas rare earths", "lynas"),
    # transliteration, accents and other scripts
    ("Zhongke Sanhuan", "zhong-ke-san-huan"),
    ("Beijing Zhong Ke San Huan Hi-Tech", "zhong-ke-san-huan"),
    ("Ningbo Yunsheng (宁波韵升)", "ningbo-yunsheng"),
    ("Vacuumschmélze", "vacuumschmelze"),
    # typos
    ("Ningbo Yunshen", "ningbo-yunsheng"),
    ("Mp materiels", "mp-materials"),
    ("JL Maq Rare Earth", "jl-mag"),
    ("Neo Perfomance Materials", "neo-performance"),
    # other names the graph knows the company by
    ("Hitachi Metals", "proterial"),
    ("VAC", "vacuumschmelze"),
    ("Jiangxi JL Mag", "jl-mag"),
]

NEW_NAME = ("Acme Magnetics GmbH", "acme-magnetics")
"""A genuinely new company: no candidate."""

CLOSE_NAME = ("Niron Magnetics", "niron-magnetics", "noveon")
"""A close but different company: flagged with its candidate, never merged."""
