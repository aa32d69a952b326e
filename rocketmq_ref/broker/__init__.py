"""The broker (Java module ``broker``): controller, processors, managers, long polling (A2.1, B3.4.4, B5.4.3)."""
