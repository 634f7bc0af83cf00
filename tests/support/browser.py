"""Headless Chromium for the picture tests: Debian's /usr/bin/chromium driven by playwright,
and a check that an image is not blank."""

from __future__ import annotations

import io
import shutil
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import Browser, sync_playwright

FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        pytest.fail("no chromium on PATH: apt-get install -y chromium")
    return found


@contextmanager
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=chromium_path(), headless=True, args=FLAGS)
        try:
            yield launched
        finally:
            launched.close()


def colours(image: Image.Image) -> int:
    """How many distinct colours the image holds."""
    found = image.convert("RGB").getcolors(maxcolors=1 << 24)
    return len(found) if found else 1 << 24


def assert_not_blank(png: bytes, *, at_least: int = 50) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    assert colours(image) >= at_least, f"the picture is (nearly) one colour: {colours(image)}"
    return image


def saturated_pixels(image: Image.Image) -> int:
    """Pixels of a strong colour (chart ink: text and rules are grey, the page white)."""
    rgb = np.asarray(image.convert("RGB"), dtype=np.int16)
    return int(((rgb.max(axis=2) - rgb.min(axis=2)) > 80).sum())
