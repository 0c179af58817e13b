//! Factory offline mode: an air-gapped factory vault signs serials with its local brand
//! key (sealed, or on a PKCS#11 token) and keeps its signing log; later its log travels to
//! a central vault (PostgreSQL or SQLite) as signed **sync bundles** carried by hand.
//!
//! ## Export and import, not push
//!
//! The factory writes bundle files (`vault sync export`) and the central reads them
//! (`vault sync import`). A push mode would need a network path from the factory to the
//! central, which an air-gapped factory does not have; files go on removable media or
//! through a one-way gateway, can be checked and archived, and the same commands serve a
//! factory that is connected. Nothing listens for bundles: the import is a command run
//! against the central's database, next to (or without) a running central vault.
//!
//! ## Identity and trust
//!
//! Each vault that syncs has a **vault id** (snapd's account-id rules: 2–28 lowercase
//! letters, digits, dashes) and a **sync key**, an RSA key of at least 2048 bits sealed under
//! the master secret like the brand keys, or held by a PKCS#11 token
//! ([`crate::Vault::sync_init_external`]): `vault sync init --vault-id ID [--key PEM]`. RSA rather
//! than Ed25519 so that the existing key store, the PKCS#11 signer and snapd's signature
//! format and verifier serve unchanged; a signature is 512 bytes per bundle of up to 10 000
//! rows, so its size does not matter. The sync key signs bundles only; it is not a brand
//! key and signs no assertion.
//!
//! The central trusts a factory by its id and its sync key's public half
//! (`vault sync public-key` on the factory, `vault sync trust FACTORY KEY.pem` on the
//! central: a command of its own rather than the admin API, since it is done once, by an
//! operator holding the central's configuration). A factory is trusted with one key; to
//! change it, give the factory a new vault id.
//!
//! ## The bundle
//!
//! See [`bundle`] for the exact layout. The body names the format (1), the sender (`from`)
//! and the receiver (`to`), a **sequence** per (from, to) pair starting at 1, the
//! **digest of the previous bundle** (SHA-384 of its signed part; empty for bundle 1: the bundles
//! form a chain), the range `(after_row, last_row]` of the factory's signing-log row ids it
//! carries (every row signed by the factory itself in that range, none imported from
//! elsewhere), the export time, the sync key's id, and the rows: brand, model, serial,
//! device-key id, revision, signing time and the serial assertion as the device got it.
//! At most [`bundle::MAX_ROWS`] rows (export: `--max-rows`, default
//! [`bundle::DEFAULT_ROWS`]; more rows make several bundles) and [`bundle::MAX_BUNDLE_BYTES`]
//! bytes; the parse is strict (unknown fields, non-canonical JSON, rows out of order or out
//! of range, a row that disagrees with its serial assertion: refused) and linear in its
//! input, with a typed [`SyncError`] for every refusal (fuzzed:
//! `fuzz/fuzz_targets/vault_sync_bundle.rs`).
//!
//! ## Export, step by step (factory)
//!
//! 1. Read the last export record for `to` (sequence, last row, digest). If its bundle
//!    file is missing from the output directory (an export killed after recording it),
//!    rebuild it and write it again.
//! 2. Take up to `max_rows` rows the factory signed after that last row, in id order;
//!    none: done.
//! 3. Build and sign the bundle (sequence + 1, previous digest, created now).
//! 4. Record (to, sequence, row range, row count, created, digest) in one statement; a
//!    concurrent export that recorded that sequence first makes this one stop.
//! 5. Write the file atomically (temporary file, fsync, rename, fsync of the directory).
//!    Back to 2.
//!
//! `vault sync export --sequence N` rebuilds bundle N byte for byte from the recorded
//! range and time (RSA PKCS#1 v1.5 signatures are deterministic) and checks it against the
//! recorded digest ([`SyncError::RebuildMismatch`] if the log or the sync key changed).
//! On PostgreSQL, rows logged in the last [`export::POSTGRES_EXPORT_LAG`] wait for the next
//! export (ids there are not in commit order).
//!
//! ## Import, step by step (central)
//!
//! 1. Parse the bundle (bounded, strict).
//! 2. Refuse a sender that is not a trusted factory ([`SyncError::UnknownFactory`]), a
//!    bundle signed by another key id ([`SyncError::WrongKey`]), a signature that does not
//!    verify with the factory's key: any byte changed in the header, a row or the signature
//!    ([`SyncError::Signature`]), a bundle for another vault ([`SyncError::WrongVault`]).
//! 3. In one transaction (SQLite `BEGIN IMMEDIATE`; PostgreSQL with the factory's row
//!    locked `FOR UPDATE`): read the factory's last imported bundle; refuse a sequence
//!    already imported ([`SyncError::AlreadyImported`] when the digest is the same: a
//!    replay, nothing changes; [`SyncError::Forked`] when it differs), a sequence beyond
//!    the next ([`SyncError::Gap`]: "bundle N expected"), a bundle whose previous digest
//!    or first row does not follow the last one ([`SyncError::Chain`]); write each row to
//!    the signing log with its origin (`origin` = factory id, `origin_row` = its row id),
//!    so that the admin log and the duplicate policy see it, or, when the central already
//!    holds that (brand, model, serial, revision) or holds the serial for another device
//!    key (not released, not from this factory), keep it whole in `sync_conflict` and
//!    report it ([`SyncConflict`]); then record the bundle (sequence, range, digest:
//!    the factory's high-water mark). Commit.
//!
//! A kill at any point leaves the transaction committed or not at all, so a retry imports
//! the bundle once or answers "already imported"; an export killed at any point leaves at
//! most its last recorded bundle without a file, which the next export writes. The CLI's
//! `import` takes several files and skips those already imported, so `vault sync import
//! DIR/*.bundle` can be run again until it succeeds.

pub mod bundle;
pub mod error;
pub mod export;
pub mod identity;
pub mod import;
pub mod state;

pub use bundle::{BundleBody, BundleRow, SignedBundle};
pub use error::SyncError;
pub use export::ExportedBundle;
pub use state::{ImportRecord, ImportReport, SyncConflict, SyncIdentity, TrustedFactory};
