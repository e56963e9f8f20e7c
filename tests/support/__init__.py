"""Code the tests, benchmarks and screenshot script share: the app in a browser, digits as strokes."""
