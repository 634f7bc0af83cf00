"""Readers turn one input format into raw rows for the common validation and writer.

Each reader is one module with a ``read(path) -> Iterator[RawRow]`` function.
"""
