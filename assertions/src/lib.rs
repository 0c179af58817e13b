//! # ucore-assertions (being built)
#![forbid(unsafe_code)]

pub mod openpgp;
