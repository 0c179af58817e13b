//! [`Events`]: what a server tells its owner about its connections (to count them in
//! metrics), beyond what it logs itself.

use std::fmt;

/// Which limit of [`Limits`](crate::Limits) closed a connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Timeout {
    /// The request head was too slow (`header_timeout`).
    Header,
    /// The request body was too slow (`body_timeout`).
    Body,
    /// The whole request took too long (`request_timeout`).
    Request,
    /// A keep-alive connection sat idle too long (`idle_timeout`).
    Idle,
}

impl Timeout {
    /// Why the connection is closed, for the log.
    pub fn what(self) -> &'static str {
        match self {
            Timeout::Header => "request head too slow",
            Timeout::Body => "request body too slow",
            Timeout::Request => "request took too long",
            Timeout::Idle => "idle connection",
        }
    }
}

impl fmt::Display for Timeout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.what())
    }
}

/// Hooks the server calls as connections come and go; each does nothing unless
/// implemented. They are called on the server's tasks: keep them cheap (an atomic
/// counter).
pub trait Events: Send + Sync + 'static {
    /// A connection was accepted and is being served.
    fn connection_opened(&self) {}
    /// A connection that was served has ended.
    fn connection_closed(&self) {}
    /// A connection was closed because `limit` ran out.
    fn timed_out(&self, limit: Timeout) {
        let _ = limit;
    }
    /// `accept` failed for a reason that concerns the process (e.g. `EMFILE`, out of file
    /// descriptors); the listener backs off.
    fn accept_failed(&self) {}
    /// The connection cap was reached: with [`AtCap::Wait`](crate::AtCap::Wait), the
    /// listener stops accepting until a connection ends; with
    /// [`AtCap::Refuse`](crate::AtCap::Refuse), one connection was refused.
    fn cap_reached(&self) {}
}

/// [`Events`] that nobody listens to.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoEvents;

impl Events for NoEvents {}
