"""Benchmarks: throughput, pacing, packing, loading and map-reduce, against the local test server."""
