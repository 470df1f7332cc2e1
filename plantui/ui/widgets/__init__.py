"""The dashboard's widgets, one job each (each imported from its own module)."""
