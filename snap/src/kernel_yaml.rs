//! `meta/kernel.yaml` of kernel snaps (snapd's `kernel/kernel.go` and
//! `kernel/validate.go`): the kernel's boot assets, each named
//! (`^[a-zA-Z0-9][a-zA-Z0-9-]*$`), with an `update` flag and its `content` paths, which
//! `snap pack` checks against the snap directory.

use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;
use thiserror::Error;
use ucore_go_text::{filepath, quote};

use crate::unmarshal::{TypeErrors, boolean, entries, load, string_list};

/// One kernel asset.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct KernelAsset {
    /// `update`.
    pub update: bool,
    /// `content` paths.
    pub content: Vec<String>,
}

/// A kernel snap's `meta/kernel.yaml`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct KernelInfo {
    /// `assets` by name.
    pub assets: BTreeMap<String, KernelAsset>,
}

/// Why kernel.yaml is refused; Display is snapd's text.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum KernelYamlError {
    /// `invalid kernel metadata: <err>`: how `snap pack` reports a kernel.yaml that does
    /// not read.
    #[error("invalid kernel metadata: {0}")]
    Invalid(#[source] Box<KernelYamlError>),
    /// `cannot read kernel info: <err>` (the file exists but cannot be read).
    #[error("cannot read kernel info: {0}")]
    Read(String),
    /// `cannot parse kernel metadata: <yaml.v2 error>`.
    #[error("cannot parse kernel metadata: {0}")]
    Parse(String),
    /// `invalid asset name "N", please use only alphanumeric characters and dashes`.
    #[error(
        "invalid asset name {}, please use only alphanumeric characters and dashes",
        quote(.0)
    )]
    AssetName(String),
    /// `asset "N": invalid content "C"`: not clean, holding `..`, or `/`.
    #[error("asset {}: invalid content {}", quote(.asset), quote(.content))]
    InvalidContent {
        /// The asset.
        asset: String,
        /// The content path as written.
        content: String,
    },
    /// `asset "N": content "C" source path does not exist`.
    #[error("asset {}: content {} source path does not exist", quote(.asset), quote(.content))]
    ContentMissing {
        /// The asset.
        asset: String,
        /// The content path as written.
        content: String,
    },
    /// `asset "N": content "C" is not a directory` (a content path ending with `/`).
    #[error("asset {}: content {} is not a directory", quote(.asset), quote(.content))]
    NotDirectory {
        /// The asset.
        asset: String,
        /// The content path as written.
        content: String,
    },
}

/// `kernel.InfoFromKernelYaml`: decodes kernel.yaml and checks the asset names (errors
/// as `cannot parse kernel metadata: …` or `invalid asset name …`).
pub fn info_from_kernel_yaml(text: &[u8]) -> Result<KernelInfo, KernelYamlError> {
    let root = load(text).map_err(KernelYamlError::Parse)?;
    let mut errors = TypeErrors::default();
    let mut info = KernelInfo::default();
    let top = match &root {
        Some(root) => entries(root, "kernel.Info", &mut errors),
        None => Vec::new(),
    };
    for (key, assets) in top {
        if key != "assets" {
            continue;
        }
        if assets.is_null() {
            // Null sets the map to nil, dropping what an earlier `assets` gave.
            info.assets.clear();
        }
        // A later `assets` replaces an earlier one's entries of the same name only.
        for (name, node) in entries(assets, "map[string]*kernel.Asset", &mut errors) {
            let mut asset = KernelAsset::default();
            // A null asset is a nil pointer (on which snapd's `snap pack` crashes); it
            // is taken as an asset without content.
            for (field, value) in entries(node, "kernel.Asset", &mut errors) {
                match field.as_str() {
                    "update" => asset.update = boolean(value, &mut errors),
                    "content" => asset.content = string_list(value, &mut errors),
                    _ => {}
                }
            }
            info.assets.insert(name, asset);
        }
    }
    errors.into_result().map_err(KernelYamlError::Parse)?;
    for name in info.assets.keys() {
        let b = name.as_bytes();
        let valid = b.first().is_some_and(u8::is_ascii_alphanumeric)
            && b.iter().all(|&c| c.is_ascii_alphanumeric() || c == b'-');
        if !valid {
            return Err(KernelYamlError::AssetName(name.clone()));
        }
    }
    Ok(info)
}

/// Reads and validates `meta/kernel.yaml` (`kernel.InfoFromKernelYaml`), with errors as
/// `snap pack` reports them (`invalid kernel metadata: …`).
pub fn read_kernel_yaml(text: &[u8]) -> Result<KernelInfo, KernelYamlError> {
    info_from_kernel_yaml(text).map_err(|e| KernelYamlError::Invalid(Box::new(e)))
}

/// `snap pack`'s kernel check (`kernel.Validate`) of a snap directory: `meta/kernel.yaml`
/// (optional) reads, and every asset's content path is clean, without `..`, not `/`, and
/// exists in the directory (as a directory when written with a trailing `/`).
pub fn validate_kernel_dir(dir: &Path) -> Result<(), KernelYamlError> {
    let path = dir.join("meta").join("kernel.yaml");
    let info = match std::fs::read(&path) {
        Ok(text) => read_kernel_yaml(&text)?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => {
            return Err(KernelYamlError::Invalid(Box::new(KernelYamlError::Read(
                format!(
                    "open {}: {}",
                    path.display(),
                    ucore_go_text::os::error_text(&e)
                ),
            ))));
        }
    };
    for (asset, spec) in &info.assets {
        for content in &spec.content {
            check_content(dir, asset, content)?;
        }
    }
    Ok(())
}

fn check_content(dir: &Path, asset: &str, content: &str) -> Result<(), KernelYamlError> {
    let fault = |make: fn(String, String) -> KernelYamlError| {
        Err(make(asset.to_string(), content.to_string()))
    };
    // A single trailing `/` asks for a directory.
    let (c, want_dir) = match content.strip_suffix('/') {
        Some(c) => (c, true),
        None => (content, false),
    };
    if filepath::clean(c) != c || c.contains("..") || c == "/" {
        return fault(|asset, content| KernelYamlError::InvalidContent { asset, content });
    }
    // The path is clean: inside the directory whether written with a leading `/` or not.
    let source = dir.join(c.trim_start_matches('/'));
    match std::fs::metadata(&source) {
        Err(_) => fault(|asset, content| KernelYamlError::ContentMissing { asset, content }),
        Ok(meta) if want_dir && !meta.is_dir() => {
            fault(|asset, content| KernelYamlError::NotDirectory { asset, content })
        }
        Ok(_) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unmarshal(lines: &[&str]) -> String {
        format!(
            "invalid kernel metadata: cannot parse kernel metadata: yaml: unmarshal errors:\n  {}",
            lines.join("\n  ")
        )
    }

    /// kernel.yaml texts and snapd's errors, from `snap pack` of a kernel snap directory
    /// (`meta/snap.yaml`: `name: kk`, `version: 1`, `type: kernel`; a directory `dtbs`
    /// and a file `file`): `/tmp/snapd-snap pack DIR OUT` prints
    /// `error: cannot pack "DIR": <text>`.
    #[test]
    fn kernel_yaml_matches_snap_pack() {
        let cases: &[(&str, String)] = &[
            (
                "foo\n",
                unmarshal(&["line 1: cannot unmarshal !!str `foo` into kernel.Info"]),
            ),
            (
                "assets: [a]\n",
                unmarshal(&["line 1: cannot unmarshal !!seq into map[string]*kernel.Asset"]),
            ),
            (
                "assets:\n  a:\n    update: x\n    content: y\n",
                unmarshal(&[
                    "line 3: cannot unmarshal !!str `x` into bool",
                    "line 4: cannot unmarshal !!bool `y` into []string",
                ]),
            ),
            (
                "assets:\n  a: [1]\n",
                unmarshal(&["line 2: cannot unmarshal !!seq into kernel.Asset"]),
            ),
            (
                "{[x]: 1, assets: {[y]: 2}}\n",
                unmarshal(&[
                    "line 1: cannot unmarshal !!seq into string",
                    "line 1: cannot unmarshal !!seq into string",
                ]),
            ),
            (
                "assets:\n  b_d:\n    update: true\n",
                "invalid kernel metadata: invalid asset name \"b_d\", please use only alphanumeric characters and dashes".into(),
            ),
            (
                "assets:\n  ~:\n    update: true\n",
                "invalid kernel metadata: invalid asset name \"\", please use only alphanumeric characters and dashes".into(),
            ),
            (
                "assets:\n  a:\n    content: [../x]\n",
                r#"asset "a": invalid content "../x""#.into(),
            ),
            (
                "assets:\n  a:\n    content: [/]\n",
                r#"asset "a": invalid content "/""#.into(),
            ),
            (
                "assets:\n  a:\n    content: [dtbs//]\n",
                r#"asset "a": invalid content "dtbs//""#.into(),
            ),
            (
                "assets:\n  a:\n    content: [a..b]\n",
                r#"asset "a": invalid content "a..b""#.into(),
            ),
            (
                "assets:\n  a:\n    update: yes\n    content: [~]\n",
                r#"asset "a": invalid content """#.into(),
            ),
            (
                "assets:\n  a:\n    content: [missing]\n",
                r#"asset "a": content "missing" source path does not exist"#.into(),
            ),
            (
                "assets:\n  a:\n    content: [file/]\n",
                r#"asset "a": content "file/" is not a directory"#.into(),
            ),
        ];
        let dir = tempfile::tempdir().expect("a temporary directory");
        std::fs::create_dir_all(dir.path().join("meta")).expect("meta");
        std::fs::create_dir(dir.path().join("dtbs")).expect("dtbs");
        std::fs::write(dir.path().join("file"), "").expect("file");
        let kernel_yaml = dir.path().join("meta/kernel.yaml");
        for (text, want) in cases {
            std::fs::write(&kernel_yaml, text).expect("kernel.yaml");
            let got = validate_kernel_dir(dir.path()).err().map(|e| e.to_string());
            assert_eq!(got.as_deref(), Some(want.as_str()), "{text:?}");
        }
        for ok in [
            "",
            "~\n",
            "assets:\n  a:\n    content: [dtbs/, file, dtbs]\n",
            "assets:\n  a:\n    content: [\"/dtbs\", .]\n",
        ] {
            std::fs::write(&kernel_yaml, ok).expect("kernel.yaml");
            assert_eq!(validate_kernel_dir(dir.path()), Ok(()), "{ok:?}");
        }
        std::fs::remove_file(&kernel_yaml).expect("remove");
        assert_eq!(validate_kernel_dir(dir.path()), Ok(()));
    }

    #[test]
    fn kernel_info_decodes() {
        let info = info_from_kernel_yaml(
            b"assets:\n  pi-dtbs:\n    update: true\n    content:\n      - dtbs/\n  x: ~\n",
        )
        .expect("valid");
        assert_eq!(
            info.assets.get("pi-dtbs"),
            Some(&KernelAsset {
                update: true,
                content: vec!["dtbs/".into()]
            })
        );
        assert_eq!(info.assets.get("x"), Some(&KernelAsset::default()));
        let info = info_from_kernel_yaml(b"assets: {a: {update: on}}\nassets: ~\n").expect("valid");
        assert!(info.assets.is_empty());
        assert!(matches!(
            info_from_kernel_yaml(b"a: [\n"),
            Err(KernelYamlError::Parse(e)) if e.starts_with("yaml: line ")
        ));
    }
}
