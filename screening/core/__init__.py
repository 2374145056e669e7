"""screening/core."""
