"""Readers turn one input format into what validation checks.

A row-oriented format (``dataset``: supplygraph's CSV files) yields raw rows for the row
models of loaders/rows.py; a graph dump (``neo4j_admin``) is checked against graph.model
directly. Both end in a validated ``Batch`` for the same writer.
"""
