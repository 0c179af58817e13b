//! One-call versions of the oracle's `verify`, `sign` and `bench-verify` commands, so a
//! command-line tool (the `assertions` example) is a thin wrapper over them. Outputs have
//! the oracle's shapes so they can be diffed against it.

use std::time::Instant;

use serde::Serialize;
use ucore_assertions::AssertionAccess;

use crate::database::{AddOutcome, CheckTime, Database};
use crate::error::Error;
use crate::keys::rsa::RsaPrivateKey;

/// Where a verification database gets its roots of trust.
#[derive(Debug, Clone, Copy)]
pub enum Trust<'a> {
    /// snapd's built-in Canonical set (the oracle's `-sysdb`).
    Sysdb,
    /// A stream of account and account-key assertions.
    Stream(&'a [u8]),
}

/// Opens a database over `trust`, checking at `now` (the real clock when `None`).
pub fn open_database(trust: Trust<'_>, now: Option<jiff::Timestamp>) -> Result<Database, Error> {
    let db = match trust {
        Trust::Sysdb => Database::with_canonical_roots()?,
        Trust::Stream(bytes) => {
            let roots = ucore_assertions::Decoder::new(bytes).collect::<Result<Vec<_>, _>>()?;
            Database::with_trusted(roots)?
        }
    };
    if let Some(t) = now {
        db.set_check_time(CheckTime::Fixed(t));
    }
    Ok(db)
}

/// The oracle's `verify TRUSTED FILE`: adds each assertion of `input` in order and reports
/// one outcome per assertion (serialize each as one JSON line).
pub fn verify(
    trust: Trust<'_>,
    input: &[u8],
    now: Option<jiff::Timestamp>,
) -> Result<Vec<AddOutcome>, Error> {
    Ok(open_database(trust, now)?.add_stream(input))
}

/// The oracle's `sign TYPE KEYFILE HEADERS_JSON [BODY]`: `key_pem` is PKCS#1 or PKCS#8;
/// `headers_json` is a JSON object (its `type`, if any, must be `type_name`); the result is
/// the encoded assertion, ending in `\n`. `sig_time` defaults to now.
pub fn sign(
    type_name: &str,
    key_pem: &str,
    headers_json: &str,
    body: Option<Vec<u8>>,
    sig_time: Option<u32>,
) -> Result<Vec<u8>, Error> {
    let key = RsaPrivateKey::from_pem(key_pem)?;
    let mut value: serde_json::Value =
        serde_json::from_str(headers_json).map_err(|e| Error::InvalidHeadersJson {
            reason: e.to_string(),
        })?;
    let Some(map) = value.as_object_mut() else {
        return Err(Error::InvalidHeadersJson {
            reason: "expected a JSON object".into(),
        });
    };
    match map.get("type") {
        None => {
            map.insert("type".into(), type_name.into());
        }
        Some(t) if t.as_str() == Some(type_name) => {}
        Some(t) => {
            return Err(Error::InvalidHeadersJson {
                reason: format!("\"type\" is {t}, expected {type_name:?}"),
            });
        }
    }
    let builder = crate::json_headers::builder_from_json(&value.to_string(), body)?;
    let a = crate::signature::sign_assertion_at(
        &builder,
        &key,
        sig_time.unwrap_or_else(crate::signature::now_unix),
    )?;
    Ok(a.encode())
}

/// What [`bench_verify`] measured (the oracle's `bench-verify` JSON).
#[derive(Debug, Clone, Serialize)]
pub struct BenchResult {
    /// Iterations run.
    pub iterations: usize,
    /// Assertions in the input.
    pub assertions: usize,
    /// Nanoseconds per iteration (decode the input + check every assertion).
    pub ns_per_op: f64,
    /// Nanoseconds per assertion.
    pub ns_per_assertion: f64,
    /// Input megabytes (10⁶ bytes) per second.
    pub mb_per_s: f64,
}

/// The oracle's `bench-verify TRUSTED FILE N [PREREQS]`: untimed setup adds `prereqs`
/// then `input` (each must pass), then times `iterations` × (decode `input` + `check` each
/// assertion).
pub fn bench_verify(
    trust: Trust<'_>,
    input: &[u8],
    iterations: usize,
    prereqs: Option<&[u8]>,
    now: Option<jiff::Timestamp>,
) -> Result<BenchResult, Error> {
    let db = open_database(trust, now)?;
    let add_all = |bytes: &[u8]| -> Result<(), Error> {
        for a in ucore_assertions::Decoder::new(bytes) {
            let a = a?;
            db.check(&a)?;
            match db.add(a) {
                Ok(()) | Err(Error::PrimaryKeyClash { .. }) | Err(Error::Revision { .. }) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    };
    if let Some(p) = prereqs {
        add_all(p)?;
    }
    add_all(input)?;
    let mut assertions = 0;
    let start = Instant::now();
    for _ in 0..iterations.max(1) {
        assertions = 0;
        // The input is in memory: the zero-copy decoder (same framing, checks and errors
        // as `Decoder` over a reader), checked without an owned copy.
        for a in ucore_assertions::decode_slice(input) {
            db.check(&a?)?;
            assertions += 1;
        }
    }
    let ns = start.elapsed().as_nanos() as f64 / iterations.max(1) as f64;
    Ok(BenchResult {
        iterations: iterations.max(1),
        assertions,
        ns_per_op: ns,
        ns_per_assertion: ns / assertions.max(1) as f64,
        mb_per_s: input.len() as f64 / ns * 1e3,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const TRUSTED: &[u8] = include_bytes!("../../tests/data/assertions/selfmade/trusted.stream");
    const PREREQS: &[u8] =
        include_bytes!("../../tests/data/assertions/selfmade/acme-prereqs.stream");
    const MODEL: &[u8] = include_bytes!("../../tests/data/assertions/selfmade/model.assert");
    const MODEL_JSON: &str = include_str!("../../tests/data/assertions/selfmade/model.json");

    #[test]
    fn sign_matches_the_oracle_example() {
        let out = sign(
            "model",
            crate::test_keys::ACME_PEM,
            MODEL_JSON,
            None,
            Some(1_480_593_600),
        )
        .unwrap();
        assert_eq!(out, MODEL);
        assert!(
            sign(
                "account",
                crate::test_keys::ACME_PEM,
                MODEL_JSON,
                None,
                Some(1)
            )
            .is_err()
        );
    }

    #[test]
    fn verify_and_bench() {
        let now = Some("2017-01-01T00:00:00Z".parse().unwrap());
        let mut input = PREREQS.to_vec();
        input.extend_from_slice(MODEL);
        let out = verify(Trust::Stream(TRUSTED), &input, now).unwrap();
        assert_eq!(out.len(), 3);
        assert!(out.iter().all(|o| o.ok));
        let r = bench_verify(Trust::Stream(TRUSTED), MODEL, 2, Some(PREREQS), now).unwrap();
        assert_eq!((r.iterations, r.assertions), (2, 1));
        let sysdb = verify(Trust::Sysdb, MODEL, now).unwrap();
        assert!(
            sysdb[0]
                .error
                .as_deref()
                .unwrap_or_default()
                .starts_with("no matching public key")
        );
    }
}
