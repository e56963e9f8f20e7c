"""Images no network here trains on, beside the benchmarks that read them."""
