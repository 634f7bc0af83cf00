"""The watch on the bundled dataset, on every store: the end of No. 70's suspension of the
9 October 2025 package (10 November 2026) reaches products through No. 61's
extraterritorial rule (foreign-made magnets with Chinese inputs)."""

from __future__ import annotations

from datetime import date, timedelta

from graph.snapshots import SnapshotCache
from graph.stores.base import Store

AS_OF = date(2026, 11, 1)
MAGNET_PRODUCTS = {"cadillac-lyriq", "gmc-hummer-ev-pickup", "india-indigenous-mri"}
"""Products whose magnets a maker outside China makes from Chinese inputs (GM's Ultium
motors from MP Materials and VAC's US plant; the Indian MRI from Paras Defence)."""


def test_watch_lists_the_10_november_2026_change_with_its_products(loaded_store: Store) -> None:
    snapshot = SnapshotCache().get(loaded_store)
    events = snapshot.control_events(start=AS_OF, end=AS_OF + timedelta(days=30))
    [event] = [e for e in events if e.day == "2026-11-10"]
    assert (event.control.id, event.change, event.before, event.after) == (
        "cn-mofcom-2025-oct",
        "suspension_ends",
        "suspended",
        "in_force",
    )
    assert event.act is not None and event.act.id == "cn-mofcom-70-2025"
    assert {"ndfeb-sintered", "ndfeb-sintered-dytb", "smco"} <= {c.id for c in event.covered_abroad}
    listed = [p.product.id for p in event.products]
    assert MAGNET_PRODUCTS <= set(listed)
    shortfalls = [p.shortfall for p in event.products]
    assert shortfalls == sorted(shortfalls, reverse=True) and all(0 < s <= 1 for s in shortfalls)
    assert "general-motors" in {g.entity.id for g in event.oems}
    # Before the suspension ends nothing is blocked: the day before, the package did not bind.
    during = snapshot.scenario(today=AS_OF, control="cn-mofcom-2025-oct", as_of=AS_OF)
    assert not during.in_force and during.products == ()
