"""Tests of the learned model: name plausibility, risk score, artifact, training, card."""
