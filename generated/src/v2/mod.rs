//! New-api based relays: `POST /v2/{scope}/generations`.
//!
//! The per-model modules are generated from `schemas/v2/<scope>/`.

mod client;

pub use crate::models::v2::*;
pub use client::*;
