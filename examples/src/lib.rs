//! Runnable programs that use the mediagen SDK (`examples/`), and the README's Rust examples,
//! compiled as doctests so they keep working as written.

#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;
