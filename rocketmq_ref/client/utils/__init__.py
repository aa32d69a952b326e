"""Client helpers (Java package ``client.utils``)."""
