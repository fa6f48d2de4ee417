"""ankle-course."""
