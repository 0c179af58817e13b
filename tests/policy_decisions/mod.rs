//! The policy decision differential: generated cases ([`cases`]), run by ucore in process
//! and by the oracle as a process ([`run`]), and compared ([`run::differences`]).
pub mod cases;
pub mod run;
