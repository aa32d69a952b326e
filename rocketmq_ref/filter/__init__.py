"""Message filters (Java modules ``filter`` and ``broker.filter``): tag matching by the consume
queue's tags code (B5.8)."""
