"""Mirror of the Java ``tools`` module: mqadmin, the local cluster runner, benchmarks, store dump, walkthroughs."""
