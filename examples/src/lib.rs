//! Runnable programs that use the mediagen SDK: see `examples/`.
