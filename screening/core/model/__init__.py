"""The learned part of screening: name plausibility, the calibrated risk model, explanations.

Rooms: :mod:`.name_corpus` and :mod:`.names` (the name n-gram model), :mod:`.features`
(signals -> numbers), :mod:`.data` (labelled training rows), :mod:`.train` (fit and compare),
:mod:`.artifact` (skops file + manifest, verified on load), :mod:`.scoring` (the request-path
scorer and explanations), :mod:`.evaluate` (metrics with the shipped rules) and :mod:`.card`
(the model card). Importing this package is cheap: scikit-learn loads with the submodules.
"""
