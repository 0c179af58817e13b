//! A snap's `links` (snapd's `snap.ValidateLinks` and the parse-time key check).
//!
//! `links` maps a key (`contact`, `website`, `source-code`, …) to a list of links: each an
//! `http`/`https` URL Go's `url.Parse` accepts, or an email address (with or without
//! `mailto:`) holding an `@`.

use std::collections::BTreeMap;
use thiserror::Error;
use ucore_go_text::quote;

/// Why links are refused; Display is snapd's text.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum LinksError {
    /// `links key cannot be empty`.
    #[error("links key cannot be empty")]
    EmptyKey,
    /// `links key is invalid: KEY` (the key as is).
    #[error("links key is invalid: {0}")]
    InvalidKey(String),
    /// `"KEY" links cannot be specified and empty`.
    #[error("{} links cannot be specified and empty", quote(.0))]
    EmptyList(String),
    /// `empty "KEY" link`.
    #[error("empty {} link", quote(.0))]
    EmptyLink(String),
    /// `invalid "KEY" link "L"`: Go's `url.Parse` refuses it.
    #[error("invalid {} link {}", quote(.key), quote(.link))]
    InvalidLink {
        /// The links key.
        key: String,
        /// The link.
        link: String,
        /// Go's reason (not part of snapd's text).
        #[source]
        source: ucore_go_text::url::UrlError,
    },
    /// `invalid "KEY" email address "L"`: no scheme (or `mailto:`) and no `@`.
    #[error("invalid {} email address {}", quote(.key), quote(.link))]
    InvalidEmail {
        /// The links key.
        key: String,
        /// The link.
        link: String,
    },
    /// `"KEY" link must have one of http|https schemes or it must be an email address: "L"`.
    #[error(
        "{} link must have one of http|https schemes or it must be an email address: {}",
        quote(.key),
        quote(.link)
    )]
    Scheme {
        /// The links key.
        key: String,
        /// The link.
        link: String,
    },
}

/// The parse-time check of one key (`links key cannot be empty`, `links key is invalid: K`):
/// `^[a-zA-Z](?:-?[a-zA-Z0-9])*$`.
pub fn validate_links_key(key: &str) -> Result<(), LinksError> {
    let b = key.as_bytes();
    let Some(&first) = b.first() else {
        return Err(LinksError::EmptyKey);
    };
    let ok = first.is_ascii_alphabetic()
        && b.last() != Some(&b'-')
        && b.iter().all(|&c| c == b'-' || c.is_ascii_alphanumeric())
        && !b.windows(2).any(|w| w == b"--");
    if ok {
        Ok(())
    } else {
        Err(LinksError::InvalidKey(key.to_string()))
    }
}

/// Checks one link of `key` as `snap.ValidateLinks` does.
pub fn validate_link(key: &str, link: &str) -> Result<(), LinksError> {
    if link.is_empty() {
        return Err(LinksError::EmptyLink(key.to_string()));
    }
    let url = ucore_go_text::url::parse(link).map_err(|source| LinksError::InvalidLink {
        key: key.to_string(),
        link: link.to_string(),
        source,
    })?;
    match url.scheme.as_str() {
        "" | "mailto" if !link.contains('@') => Err(LinksError::InvalidEmail {
            key: key.to_string(),
            link: link.to_string(),
        }),
        "" | "mailto" | "http" | "https" => Ok(()),
        _ => Err(LinksError::Scheme {
            key: key.to_string(),
            link: link.to_string(),
        }),
    }
}

/// `snap.ValidateLinks`: every key valid, every list non-empty, every entry a valid
/// http(s) URL or email. Keys are checked in order (snapd's order is Go's random map
/// order: with several bad keys, which one snapd reports varies).
pub fn validate_links(links: &BTreeMap<String, Vec<String>>) -> Result<(), LinksError> {
    for (key, list) in links {
        validate_links_key(key)?;
        if list.is_empty() {
            return Err(LinksError::EmptyList(key.clone()));
        }
        for link in list {
            validate_link(key, link)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(key: &str, links: &[&str]) -> String {
        let map = BTreeMap::from([(
            key.to_string(),
            links.iter().map(|l| l.to_string()).collect(),
        )]);
        validate_links(&map)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default()
    }

    /// From the oracle: `printf 'name: foo\nversion: 1\nlinks:\n  K: [L]\n' |
    /// /tmp/snapd-oracle snap-yaml -` (the key errors are parse-stage ones there).
    #[test]
    fn links_match_snapd() {
        let cases: &[(&str, &[&str], &str)] = &[
            ("", &["x@y"], "links key cannot be empty"),
            ("a--b", &["x@y"], "links key is invalid: a--b"),
            ("1a", &["x@y"], "links key is invalid: 1a"),
            ("a-", &["x@y"], "links key is invalid: a-"),
            (
                "contact",
                &[],
                r#""contact" links cannot be specified and empty"#,
            ),
            ("contact", &[""], r#"empty "contact" link"#),
            (
                "website",
                &["http://x/%zz"],
                r#"invalid "website" link "http://x/%zz""#,
            ),
            (
                "website",
                &["http://x:y/"],
                r#"invalid "website" link "http://x:y/""#,
            ),
            (
                "website",
                &["x:y/a:b", "a:b:c"],
                r#""website" link must have one of http|https schemes or it must be an email address: "x:y/a:b""#,
            ),
            (
                "website",
                &["ftp://x.org"],
                r#""website" link must have one of http|https schemes or it must be an email address: "ftp://x.org""#,
            ),
            (
                "contact",
                &["example.com"],
                r#"invalid "contact" email address "example.com""#,
            ),
            (
                "contact",
                &["mailto:example.com"],
                r#"invalid "contact" email address "mailto:example.com""#,
            ),
        ];
        for (key, links, want) in cases {
            assert_eq!(&text(key, links), want, "{key:?} {links:?}");
        }
        for ok in [
            "https://example.com",
            "HTTP://example.com/a?b#c",
            "me@example.com",
            "mailto:me@example.com",
            "mailto:%zz@x",
        ] {
            assert_eq!(text("Contact-9", &[ok]), "", "{ok}");
        }
    }
}
