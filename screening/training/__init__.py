"""screening/training."""
