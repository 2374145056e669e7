"""screening/core/rules."""
