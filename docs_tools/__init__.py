"""The manual's generated pages and its MkDocs hooks (not shipped in the wheel: the manual is built from a checkout).

`python -m docs_tools` rewrites the generated pages; tests/manual fails when a committed page drifts.
"""
