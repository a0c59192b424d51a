//! Per-stage costs (placeholder replaced by the benchmark harness).
fn main() {}
