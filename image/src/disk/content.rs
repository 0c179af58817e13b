//! The resolved content of a filesystem structure (snapd's `writeResolvedContent` with
//! `MountedFilesystemWriter`, spec §7.3 step 13): each gadget `content:` entry's `source`
//! (a path in the gadget, or `$kernel:<asset>/<path>` in the kernel, allowed by the
//! kernel's `meta/kernel.yaml`) copied to its `target` with rsync's rules:
//!
//! - a directory source ending in `/` has its contents copied under the target;
//! - a directory source without it is copied itself, as `<target>/<name>`;
//! - a file source goes to the target, or to `<target>/<name>` when the target ends in `/`.
//!
//! Sources must stay inside the gadget (or kernel) once links are resolved, and targets
//! inside the structure, so a hostile gadget can neither copy host files into an image nor
//! write outside the tree.

use std::path::{Component, Path, PathBuf};

use ucore_gadget_yaml::{VolumeContent, VolumeStructure, split_kernel_ref};
use ucore_go_text::quote;
use ucore_snap::kernel_yaml::KernelInfo;

use super::StructureError;
use crate::fsio::{self, at};

/// The unpacked gadget and kernel a structure's content comes from.
#[derive(Debug, Clone, Copy)]
pub struct ContentSources<'a> {
    /// The unpacked gadget.
    pub gadget_dir: &'a Path,
    /// The unpacked kernel.
    pub kernel_dir: &'a Path,
    /// The kernel's `meta/kernel.yaml` (empty when it has none).
    pub kernel_info: &'a KernelInfo,
}

/// Whether `rel` is a relative path of plain names (`.` allowed), so that joining it
/// cannot leave its base.
fn is_contained(rel: &str) -> bool {
    Path::new(rel)
        .components()
        .all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
}

impl ContentSources<'_> {
    /// The file or directory `source` names (snapd's `resolveContentPathOrRef`).
    pub fn resolve(&self, source: &str) -> Result<PathBuf, String> {
        if source.is_empty() {
            return Err("cannot use empty source".into());
        }
        let (base, rel) = if source.starts_with("$kernel:") {
            let (asset, content) =
                split_kernel_ref(source).map_err(|e| format!("cannot parse kernel ref: {e}"))?;
            let Some(found) = self.kernel_info.assets.get(&asset) else {
                return Err(format!(
                    "cannot find {} in kernel info from {}",
                    quote(&asset),
                    quote(&self.kernel_dir.display().to_string())
                ));
            };
            let allowed = found.content.iter().any(|k| {
                let dir = if k.ends_with('/') {
                    k.clone()
                } else {
                    format!("{k}/")
                };
                content == *k || content.starts_with(&dir)
            });
            if !allowed {
                return Err(format!(
                    "cannot find wanted kernel content {} in {}",
                    quote(&content),
                    quote(&self.kernel_dir.display().to_string())
                ));
            }
            (self.kernel_dir, content)
        } else {
            (self.gadget_dir, source.to_string())
        };
        let rel = rel.trim_start_matches('/');
        if !is_contained(rel) {
            return Err(format!("source {} leaves its snap", quote(source)));
        }
        let path = base.join(rel);
        // Links inside the snap may point anywhere: what they reach must still be inside.
        let (real, real_base) = (path.canonicalize(), base.canonicalize());
        match (real, real_base) {
            (Ok(r), Ok(b)) if r.starts_with(&b) => Ok(path),
            (Ok(_), Ok(_)) => Err(format!("source {} leaves its snap", quote(source))),
            (Err(e), _) | (_, Err(e)) => Err(format!(
                "cannot use source {}: {}",
                quote(source),
                ucore_go_text::os::error_text(&e)
            )),
        }
    }
}

/// Writes the content of `structure` under `root` (created if missing).
pub fn write_structure_content(
    structure: &VolumeStructure,
    sources: &ContentSources<'_>,
    root: &Path,
) -> Result<(), StructureError> {
    std::fs::create_dir_all(root).map_err(at("create", root))?;
    for (index, content) in structure.content.iter().enumerate() {
        write_entry(content, sources, root)
            .map_err(|reason| StructureError::Content { index, reason })?;
    }
    Ok(())
}

fn write_entry(
    content: &VolumeContent,
    sources: &ContentSources<'_>,
    root: &Path,
) -> Result<(), String> {
    let src = sources.resolve(&content.source)?;
    let target = content.target.trim_start_matches('/');
    if !is_contained(target) {
        return Err(format!(
            "target {} leaves the filesystem",
            quote(&content.target)
        ));
    }
    let mut dst = root.join(target);
    let name = src.file_name().map(PathBuf::from).unwrap_or_default();
    let copied = if src.is_dir() || content.source.ends_with('/') {
        if !src.is_dir() {
            return Err("cannot specify trailing / for a source which is not a directory".into());
        }
        if !content.source.ends_with('/') {
            dst.push(name);
        }
        fsio::copy_tree(&src, &dst, fsio::Mode::Copy)
    } else {
        if content.target.ends_with('/') || target.is_empty() {
            dst.push(name);
        }
        fsio::copy_entry(&src, &dst, fsio::Mode::Copy)
    };
    copied.map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ucore_snap::kernel_yaml::KernelAsset;

    fn entry(source: &str, target: &str) -> VolumeContent {
        VolumeContent {
            source: source.into(),
            target: target.into(),
            ..VolumeContent::default()
        }
    }

    #[test]
    fn rsync_rules_and_kernel_refs() {
        let t = tempfile::tempdir().unwrap();
        let (g, k, out) = (t.path().join("g"), t.path().join("k"), t.path().join("out"));
        std::fs::create_dir_all(g.join("boot/sub")).unwrap();
        std::fs::write(g.join("boot/sub/a"), "a").unwrap();
        std::fs::write(g.join("grubx64.efi"), "efi").unwrap();
        std::fs::create_dir_all(k.join("dtbs/v")).unwrap();
        std::fs::write(k.join("dtbs/v/b.dtb"), "dtb").unwrap();
        let mut info = KernelInfo::default();
        info.assets.insert(
            "dtbs".into(),
            KernelAsset {
                update: true,
                content: vec!["dtbs/".into()],
            },
        );
        let sources = ContentSources {
            gadget_dir: &g,
            kernel_dir: &k,
            kernel_info: &info,
        };
        let structure = VolumeStructure {
            content: vec![
                entry("boot/", "/x/"),
                entry("boot", "/y"),
                entry("grubx64.efi", "EFI/boot/"),
                entry("grubx64.efi", "EFI/boot/bootx64.efi"),
                entry("$kernel:dtbs/dtbs/v/", "/dtb"),
            ],
            ..VolumeStructure::default()
        };
        write_structure_content(&structure, &sources, &out).unwrap();
        for (path, want) in [
            ("x/sub/a", "a"),
            ("y/boot/sub/a", "a"),
            ("EFI/boot/grubx64.efi", "efi"),
            ("EFI/boot/bootx64.efi", "efi"),
            ("dtb/b.dtb", "dtb"),
        ] {
            assert_eq!(
                std::fs::read_to_string(out.join(path)).unwrap(),
                want,
                "{path}"
            );
        }
        assert_eq!(
            sources.resolve("$kernel:other/x").unwrap_err(),
            format!(
                "cannot find \"other\" in kernel info from {:?}",
                k.display().to_string()
            )
        );
        assert!(sources.resolve("$kernel:dtbs/kernel.img").is_err());
        assert!(
            sources
                .resolve("../k/dtbs")
                .unwrap_err()
                .contains("leaves its snap")
        );
        std::os::unix::fs::symlink("/etc", g.join("host")).unwrap();
        assert!(
            sources
                .resolve("host/")
                .unwrap_err()
                .contains("leaves its snap")
        );
        let bad = VolumeStructure {
            content: vec![entry("grubx64.efi", "../../escape")],
            ..VolumeStructure::default()
        };
        assert!(matches!(
            write_structure_content(&bad, &sources, &out),
            Err(StructureError::Content { index: 0, .. })
        ));
    }
}
