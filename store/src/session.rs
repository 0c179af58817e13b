//! Device sessions: nonces, the checks on a `device-session-request`, and the session
//! token snapd carries verbatim in `Macaroon root="…"`.

/// The secret that signs session tokens (shared by replicas through the database).
#[derive(Clone)]
pub struct SessionKeys {
    _private: (),
}

impl std::fmt::Debug for SessionKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SessionKeys(..)")
    }
}
