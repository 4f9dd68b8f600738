"""The built-in first entry of every new corpus, shipped as package data."""

from __future__ import annotations

from dataclasses import replace
from importlib.resources import files

from corpus.metadata.parse import parse_document
from corpus.readers.ingest import read_file
from corpus.records import Speech
from corpus.schema import SEED_COUNTRY

SEED_FILE = "2018-06-15-lavrov-remarks-to-russian-ngos.txt"


def seed_bytes() -> bytes:
    """Return the seed transcript exactly as shipped."""
    return files("corpus").joinpath("data", SEED_FILE).read_bytes()


def seed_speech() -> Speech:
    """Return the seed transcript parsed like any upload: Sergey Lavrov, Moscow, 15 June 2018.

    The text names no country; the page it comes from is the Russian foreign ministry's, and
    its speaker is Russia's foreign minister, so the seed speaks for Russia (code RUS).
    """
    (document,) = read_file(SEED_FILE, seed_bytes())
    return replace(parse_document(document), country=SEED_COUNTRY)
