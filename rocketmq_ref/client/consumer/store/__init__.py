"""Consumer offset stores (Java package ``client.consumer.store``; books A3.3, B5.6.3)."""
