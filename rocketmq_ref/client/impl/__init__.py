"""Client engine (Java package ``client.impl``)."""
