"""Transactional messages on the broker (Java package ``broker.transaction``; A3.2.4, B8)."""
