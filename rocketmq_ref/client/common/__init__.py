"""Client helpers (Java package ``client.common``)."""
