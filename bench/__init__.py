"""Benchmarks and the tooling they need (the synthetic nation); never imported by portal, surveys or promises."""
