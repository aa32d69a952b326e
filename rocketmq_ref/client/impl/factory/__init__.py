"""Client engine: impl/factory (Java package ``client.impl.factory``)."""
