//! TLS over rustls with the *ring* provider only (no aws-lc), handed to reqwest as a
//! preconfigured `ClientConfig`: the process-wide default provider is left alone. Server
//! certificates are checked against the system's roots (rustls-platform-verifier) plus any
//! extra roots of the configuration.

use std::sync::Arc;

use rustls::ClientConfig;
use rustls::pki_types::CertificateDer;

use crate::error::Error;

/// The client's rustls configuration.
pub(crate) fn client_config(
    extra_roots: &[CertificateDer<'static>],
) -> Result<ClientConfig, Error> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = rustls_platform_verifier::Verifier::new_with_extra_roots(
        extra_roots.iter().cloned(),
        provider.clone(),
    )
    .map_err(|e| Error::Tls(e.to_string()))?;
    let mut config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::Tls(e.to_string()))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_config_uses_ring_without_a_process_default() {
        let c = super::client_config(&[]).expect("a TLS config");
        assert!(rustls::crypto::CryptoProvider::get_default().is_none());
        assert!(!c.crypto_provider().cipher_suites.is_empty());
    }
}
