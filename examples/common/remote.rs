//! Which store a publishing command talks to, and as whom: `--dir DIR` (the directory
//! `store init` wrote: its credential.json names the URL), or `--store URL` and
//! `--credential FILE`. Shared by the `store` and `validation-set` examples.

use std::path::PathBuf;

use clap::Args;
use ucore_store::init::CREDENTIAL_FILE;
use ucore_store::publisher_client::{ClientError, PublisherClient};

/// Which store, and as whom: `--dir`, or `--store` and `--credential`.
#[derive(Debug, Args)]
pub struct Remote {
    /// The store directory `init` wrote (its credential.json names the URL).
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// The store's URL (default: the one the credential file names).
    #[arg(long = "store", value_name = "URL")]
    pub store: Option<String>,
    /// A publishing credential file.
    #[arg(long, value_name = "FILE", conflicts_with = "dir")]
    pub credential: Option<PathBuf>,
}

/// Why no client could be made.
#[derive(Debug)]
pub enum RemoteError {
    /// Neither `--dir` nor `--credential`.
    Which,
    /// The credential file.
    Client(ClientError),
}

impl std::fmt::Display for RemoteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RemoteError::Which => {
                f.write_str("which store? give --dir DIR, or --store URL --credential FILE")
            }
            RemoteError::Client(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for RemoteError {}

impl Remote {
    /// The publishing client the options name.
    pub fn client(&self) -> Result<PublisherClient, RemoteError> {
        let credential = match (&self.credential, &self.dir) {
            (Some(c), _) => c.clone(),
            (None, Some(d)) => d.join(CREDENTIAL_FILE),
            (None, None) => return Err(RemoteError::Which),
        };
        PublisherClient::from_credential_file(&credential, self.store.as_deref())
            .map_err(RemoteError::Client)
    }
}
