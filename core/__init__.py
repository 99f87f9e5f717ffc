"""The ground floor every app stands on; it imports none of them (tests/test_architecture.py)."""
