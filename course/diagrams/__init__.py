"""Ankle diagrams drawn from geometry data with matplotlib (no widgets here)."""
