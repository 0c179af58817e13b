//! The validation-set differential's parts: cases and their files ([`cases`]), the oracle's
//! answer ([`oracle`]), ours ([`ours`]), the comparison ([`compare`]) and the named golden
//! cases ([`vectors`]).

pub mod cases;
pub mod compare;
pub mod oracle;
pub mod ours;
pub mod vectors;
