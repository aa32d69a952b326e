"""The half-topic / op-topic implementation of transactional messages (Java package
``broker.transaction.queue``; B8.1)."""
