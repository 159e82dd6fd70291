// placeholder until codegen runs
pub static MODELS: &[&crate::ModelInfo] = &[];
pub mod skills_video {}
pub mod mindvideo {}
pub mod v2 {}
