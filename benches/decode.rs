//! Decoding benchmark (being built).
fn main() {}
