"""Seeded, labelled synthetic signups for acceptance tests and for training a fraud model.

A signup is the JSON body of ``POST /v1/screenings``. :func:`legitimate` draws ordinary people
from many locales and scripts (:func:`legitimate_by_script`: about as many of each
script group), with phones libphonenumber accepts and postal codes Google's
address data accepts; :func:`fraudulent` draws named abuse patterns (:data:`FRAUD_PATTERNS`)
that overlap with ordinary rows; :func:`burst` is one actor signing up many times;
:func:`population` mixes the two classes. The same arguments always give the same rows.
"""

from __future__ import annotations

from screening.training.synth.fraud import FRAUD_PATTERNS, burst, fraudulent, population
from screening.training.synth.people import (
    REFERENCE_DATE,
    SyntheticSignup,
    legitimate,
    legitimate_by_script,
)

__all__ = [
    "FRAUD_PATTERNS",
    "REFERENCE_DATE",
    "SyntheticSignup",
    "burst",
    "fraudulent",
    "legitimate",
    "legitimate_by_script",
    "population",
]
