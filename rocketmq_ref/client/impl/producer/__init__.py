"""Client engine: impl/producer (Java package ``client.impl.producer``)."""
