"""Plain-data store views for unit tests of validation (no store, no server)."""

from __future__ import annotations

from collections.abc import Collection, Mapping

from graph.model import Label
from loaders.validate import NothingStored


class KnownIds(NothingStored):
    """A view in which only ``labels`` exist (no relationships, no properties)."""

    def __init__(self, labels: Mapping[str, Label]) -> None:
        self._labels = dict(labels)

    def labels_of(self, ids: Collection[str]) -> dict[str, Label]:
        return {i: self._labels[i] for i in ids if i in self._labels}
