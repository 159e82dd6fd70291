//! The IO half of code generation, shared by `cargo xtask` and the freshness test.
//!
//! The generator itself is the pure `mediagen-codegen` library; this crate only reads
//! `schemas/`, calls it, and writes the generated crate `generated/` ([`codegen()`]), runs what CI runs
//! ([`ci()`], with the drop-in check over `xtask/drop-in/`), and checks a corpus of real-world
//! schemas ([`corpus()`]) or random ones ([`fuzz()`]); [`diff`] says what a schema change breaks and
//! [`sync()`] brings the platforms' latest documents; [`bench()`] measures speed and size against
//! baselines.

mod bench;
mod ci;
mod codegen;
mod corpus;
pub mod diff;
mod fs;
mod fuzz;
pub mod sync;

pub use bench::bench;
pub use ci::{ci, drop_in_check};
pub use codegen::{codegen, codegen_against, read_schemas};
pub use corpus::{corpus, corpus_crate, corpus_sources, report_corpus, CorpusOutcome, CorpusRow};
pub use fs::{find_workspace_root, workspace_root};
pub use fuzz::{fuzz, FuzzOptions};
pub use sync::{sync, SyncOptions};
