"""Name server (Java module ``namesrv``; books A4, A10, B2)."""
