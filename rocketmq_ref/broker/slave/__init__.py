"""What a slave broker copies from its master besides the commit log (Java ``broker.slave``; B7)."""
