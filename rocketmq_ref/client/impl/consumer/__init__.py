"""Client engine: impl/consumer (Java package ``client.impl.consumer``)."""
