//! OpenPGP wire packets (being built).
