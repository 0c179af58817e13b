//! A blocking facade over [`crate::StoreClient`] for scripts and tools that have no async
//! runtime: each client owns a current-thread tokio runtime and blocks on the async calls.
//! Do not use it from inside an async runtime (tokio refuses to block there).

use std::path::Path;

use ucore_assertions::{Assertion, AssertionType};

use crate::client::{
    ActionOptions, AssertionBatch, ClientBuilder, DownloadOptions, FindQuery, Progress,
    RefreshOutcome,
};
use crate::error::Error;
use crate::protocol::{
    ActionResult, AssertionQuery, ContextSnap, Download, FindResponse, InfoResponse,
    SnapActionRequest, SnapActionResponse,
};

/// A blocking store client.
#[derive(Debug)]
pub struct StoreClient {
    runtime: tokio::runtime::Runtime,
    client: crate::StoreClient,
}

impl StoreClient {
    /// The client `builder` makes, with its own runtime.
    pub fn from_builder(builder: ClientBuilder) -> Result<Self, Error> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(Error::Runtime)?;
        // reqwest's client starts its connection pool inside the runtime
        let client = runtime.block_on(async { builder.build() })?;
        Ok(StoreClient { runtime, client })
    }

    /// The async client underneath.
    pub fn inner(&self) -> &crate::StoreClient {
        &self.client
    }

    /// Runs any call of the async client to completion, for what this facade does not
    /// wrap: `client.block_on(client.inner().download_action("foo", None, None))`.
    pub fn block_on<F: std::future::Future>(&self, future: F) -> F::Output {
        self.runtime.block_on(future)
    }

    /// See [`crate::StoreClient::ensure_session`].
    pub fn ensure_session(&self) -> Result<Option<String>, Error> {
        self.runtime.block_on(self.client.ensure_session())
    }

    /// See [`crate::StoreClient::snap_action`].
    pub fn snap_action(
        &self,
        request: &SnapActionRequest,
        options: &ActionOptions,
    ) -> Result<SnapActionResponse, Error> {
        self.runtime
            .block_on(self.client.snap_action(request, options))
    }

    /// See [`crate::StoreClient::install`].
    pub fn install(
        &self,
        name: &str,
        channel: Option<&str>,
        revision: Option<u32>,
    ) -> Result<ActionResult, Error> {
        self.runtime
            .block_on(self.client.install(name, channel, revision))
    }

    /// See [`crate::StoreClient::refresh`].
    pub fn refresh(
        &self,
        context: Vec<ContextSnap>,
        options: &ActionOptions,
    ) -> Result<RefreshOutcome, Error> {
        self.runtime.block_on(self.client.refresh(context, options))
    }

    /// See [`crate::StoreClient::fetch_assertions`].
    pub fn fetch_assertions(&self, queries: Vec<AssertionQuery>) -> Result<AssertionBatch, Error> {
        self.runtime.block_on(self.client.fetch_assertions(queries))
    }

    /// See [`crate::StoreClient::info`].
    pub fn info(&self, name: &str) -> Result<InfoResponse, Error> {
        self.runtime.block_on(self.client.info(name))
    }

    /// See [`crate::StoreClient::find`].
    pub fn find(&self, query: &FindQuery) -> Result<FindResponse, Error> {
        self.runtime.block_on(self.client.find(query))
    }

    /// See [`crate::StoreClient::assertion`].
    pub fn assertion(
        &self,
        assertion_type: AssertionType,
        primary_key: &[&str],
    ) -> Result<Assertion, Error> {
        self.runtime
            .block_on(self.client.assertion(assertion_type, primary_key))
    }

    /// See [`crate::StoreClient::download`].
    pub fn download(
        &self,
        name: &str,
        download: &Download,
        dest: &Path,
        options: &DownloadOptions,
        progress: Option<&mut dyn Progress>,
    ) -> Result<(), Error> {
        self.runtime.block_on(
            self.client
                .download(name, download, dest, options, progress),
        )
    }
}
