"""Reports: JUnit, coverage, benchmarks, quality and security results, gates, summaries."""
