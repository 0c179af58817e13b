//! Transient faults: the server cannot serve the request now but may a little later, with
//! nothing changed (the database is locked, busy, unreachable or stalled; the database
//! queue is full; the signing token is unavailable). The vault answers them 503 with a
//! `Retry-After` header ([`RETRY_AFTER_SECS`]): snapd retries registration on statuses
//! above 500 only (`retryBadStatus` in `overlord/devicestate/handlers_serial.go`), and a
//! 500 or a 400 would end the device's registration task. Everything else keeps its
//! status: a client's fault its 400, a bug or a permanent server fault (a constraint
//! violation, a corrupt database, a wrong master secret) its 500.

use super::{DatabaseError, Error};

/// The `Retry-After` of a 503, in seconds: about one busy timeout (5 s by default). snapd
/// itself waits its own retry interval (60 s); other clients may honour it.
pub const RETRY_AFTER_SECS: u64 = 5;

impl DatabaseError {
    /// Whether the same call may succeed later unchanged: a lock, a busy or unreachable
    /// database, a full queue, a pool that ran out of time. A constraint violation, a
    /// schema or type mismatch, a corrupt file, a panic are not.
    pub fn is_transient(&self) -> bool {
        match self {
            DatabaseError::Sqlite(e) => sqlite_transient(e),
            #[cfg(feature = "postgres")]
            DatabaseError::Postgres(e) => postgres_transient(e),
            #[cfg(feature = "postgres")]
            DatabaseError::Pool(e) => match e {
                deadpool_postgres::PoolError::Timeout(_) => true,
                deadpool_postgres::PoolError::Backend(e) => postgres_transient(e),
                _ => false,
            },
            DatabaseError::QueueFull { .. }
            | DatabaseError::Expired { .. }
            | DatabaseError::Stalled { .. } => true,
            _ => false,
        }
    }
}

/// SQLite: locked or busy (another connection or process holds the lock past the busy
/// timeout), the file cannot be opened or read or written now (I/O error, disk full, out
/// of memory): an operator can clear each without the request changing.
fn sqlite_transient(e: &rusqlite::Error) -> bool {
    use rusqlite::ErrorCode::*;
    match e.sqlite_error_code() {
        Some(code) => matches!(
            code,
            DatabaseBusy | DatabaseLocked | CannotOpen | SystemIoFailure | DiskFull | OutOfMemory
        ),
        None => false,
    }
}

/// PostgreSQL: the connection is gone or could not be made (no server error), or the
/// server says so: connection exceptions (class 08), serialization failures and deadlocks
/// (class 40), insufficient resources (53), the server shutting down or not yet accepting
/// connections (57P01–57P03), a query cancelled by a timeout (57014), a lock not available
/// (55P03).
#[cfg(feature = "postgres")]
fn postgres_transient(e: &tokio_postgres::Error) -> bool {
    let Some(db) = e.as_db_error() else {
        // No server error: the socket failed, timed out or closed.
        return e.is_closed()
            || std::error::Error::source(e).is_some_and(|s| s.is::<std::io::Error>());
    };
    let code = db.code().code();
    ["08", "40", "53"]
        .iter()
        .any(|class| code.starts_with(class))
        || ["57P01", "57P02", "57P03", "57014", "55P03"].contains(&code)
}

/// Whether a signing error says the signer is unavailable (a PKCS#11 token that failed,
/// is missing or misbehaves), rather than a bad key or input.
fn signer_unavailable(e: &ucore_signing::Error) -> bool {
    use ucore_signing::KeypairStoreError as K;
    let ucore_signing::Error::KeypairStore(k) = e else {
        return false;
    };
    #[cfg(feature = "pkcs11")]
    if matches!(k, K::Pkcs11(_)) {
        return true;
    }
    matches!(k, K::Pkcs11Token { .. } | K::NoToken { .. })
}

/// Whether a boxed cause is a transient fault: a vault [`Error`] or a signing error.
fn cause_transient(cause: &(dyn std::error::Error + Send + Sync + 'static)) -> bool {
    if let Some(e) = cause.downcast_ref::<Error>() {
        return e.is_transient();
    }
    cause
        .downcast_ref::<ucore_signing::Error>()
        .is_some_and(signer_unavailable)
}

impl Error {
    /// Whether this is a transient server fault, answered 503 with `Retry-After` (see the
    /// module doc). Its `error_code` and message stay those of the Serial Vault.
    pub fn is_transient(&self) -> bool {
        match self {
            Error::Database(e) => e.is_transient(),
            Error::LoggingAssertion { source } | Error::GenerateNonce { source } => {
                cause_transient(source.as_ref())
            }
            Error::SigningAssertion(cause) => cause_transient(cause.as_ref()),
            Error::Signing(e) => signer_unavailable(e),
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn sqlite(code: i32) -> Error {
        Error::db(rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(code),
            None,
        ))
    }

    #[test]
    fn locked_and_busy_sqlite_are_transient() {
        for code in [
            rusqlite::ffi::SQLITE_BUSY,
            rusqlite::ffi::SQLITE_LOCKED,
            rusqlite::ffi::SQLITE_CANTOPEN,
            rusqlite::ffi::SQLITE_IOERR,
            rusqlite::ffi::SQLITE_FULL,
        ] {
            let e = sqlite(code);
            assert!(e.is_transient(), "{e}");
            assert_eq!((e.http_status(), e.code()), (503, "server-error"), "{e}");
            assert_eq!(e.retry_after(), Some(RETRY_AFTER_SECS));
        }
    }

    #[test]
    fn constraint_and_corruption_are_not_transient() {
        for code in [
            rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE,
            rusqlite::ffi::SQLITE_CORRUPT,
            rusqlite::ffi::SQLITE_READONLY,
            rusqlite::ffi::SQLITE_MISMATCH,
        ] {
            let e = sqlite(code);
            assert!(!e.is_transient(), "{e}");
            assert_eq!(e.http_status(), 500, "{e}");
            assert_eq!(e.retry_after(), None);
        }
        // No SQLite error code at all: a column of the wrong type.
        let e = Error::db(rusqlite::Error::InvalidColumnType(
            0,
            "x".into(),
            rusqlite::types::Type::Null,
        ));
        assert!(!e.is_transient());
    }

    #[test]
    fn queue_and_stall_faults_are_transient_a_lost_call_is_not() {
        for e in [
            DatabaseError::QueueFull { depth: 8 },
            DatabaseError::Expired {
                waited: Duration::from_secs(5),
            },
            DatabaseError::Stalled {
                deadline: Duration::from_millis(500),
            },
        ] {
            assert!(Error::db(e).is_transient());
        }
        assert!(!Error::db(DatabaseError::Lost).is_transient());
    }

    /// A transient database fault under the Serial Vault's own codes keeps the code and
    /// answers 503; a client fault stays 400.
    #[test]
    fn wrapped_faults_keep_their_codes() {
        let nonce = Error::GenerateNonce {
            source: sqlite(rusqlite::ffi::SQLITE_BUSY).into(),
        };
        assert_eq!((nonce.code(), nonce.http_status()), ("generate-nonce", 503));
        let log = Error::LoggingAssertion {
            source: Error::db(DatabaseError::QueueFull { depth: 1 }).into(),
        };
        assert_eq!((log.code(), log.http_status()), ("logging-assertion", 503));
        let contention = Error::LoggingAssertion {
            source: "too much contention".into(),
        };
        assert_eq!(contention.http_status(), 400);
        for client in [Error::InvalidNonce, Error::InvalidApiKey, Error::EmptyData] {
            assert_eq!(client.http_status(), 400);
            assert_eq!(client.retry_after(), None);
        }
    }

    /// A pool that waited too long is transient; so is a server nobody answers at, within
    /// the busy timeout instead of a hang.
    #[cfg(feature = "postgres")]
    #[test]
    fn a_pool_timeout_and_a_dead_server_are_transient() {
        let timeout = Error::db(deadpool_postgres::PoolError::Timeout(
            deadpool_postgres::TimeoutType::Wait,
        ));
        assert_eq!(timeout.http_status(), 503);
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let limits = crate::store::DatabaseLimits {
            busy_timeout: Duration::from_millis(500),
            ..Default::default()
        };
        let start = std::time::Instant::now();
        // Port 9 (discard) on loopback: nothing listens, the connection is refused.
        let e = rt
            .block_on(crate::Store::open_with(
                "postgres://vault@127.0.0.1:9/vault",
                &limits,
            ))
            .unwrap_err();
        assert!(e.is_transient(), "{e}");
        assert!(start.elapsed() < Duration::from_secs(5));
    }

    #[test]
    fn an_unavailable_signer_is_transient_a_bad_key_is_not() {
        let token = ucore_signing::Error::KeypairStore(ucore_signing::KeypairStoreError::NoToken {
            label: "vault".into(),
        });
        let e = Error::SigningAssertion(token.into());
        assert_eq!((e.code(), e.http_status()), ("signing-assertion", 503));
        let broken =
            ucore_signing::Error::KeypairStore(ucore_signing::KeypairStoreError::Pkcs11Token {
                reason: "poisoned session lock",
            });
        assert!(Error::Signing(broken).is_transient());
        let bad = ucore_signing::Error::KeypairStore(ucore_signing::KeypairStoreError::Decrypt);
        let e = Error::SigningAssertion(bad.into());
        assert_eq!((e.code(), e.http_status()), ("signing-assertion", 400));
    }
}
