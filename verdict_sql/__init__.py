"""The engine's verdict as one SQL statement, for warehouses and for DuckDB (imports only the core)."""
