"""Fault-avoiding broker selection (Java package ``client.latency``; books A3.2.3, B3.4.3)."""
