// Intentionally empty: the shared library is made of fnguard_core.
