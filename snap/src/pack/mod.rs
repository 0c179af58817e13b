//! snap pack
