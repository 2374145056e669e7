"""Use cases: one function per thing a person or a machine asks of the service.

Each owns its transaction: views, commands and jobs call one of these, never the store
directly for anything that spans more than one read.
"""
