//! Warnings about what snapd lets through: structures over the partition-table areas,
//! sizes that fail at install on 512- or 4096-byte-sector disks, a `min-size` too small for
//! the structure's own raw content, content missing from the gadget directory. Linting never
//! changes snapd's verdict; it only adds [`Diagnostic`]s.

use std::path::Path;

use crate::diagnostic::{Diagnostic, LintCode};
use crate::error::GadgetError;
use crate::info::GadgetInfo;
use crate::layout::{LayoutOptions, layout_volume};
use crate::model::Model;
use crate::validate::{split_kernel_ref, validate, validate_content};
use ucore_go_text::quote;

/// snapd's verdict on a gadget.yaml plus the lint warnings.
#[derive(Debug, Clone)]
pub struct LintReport {
    /// What snapd says: the parsed gadget, or the first error of parse, validate and (with a
    /// gadget directory) content validation.
    pub verdict: Result<GadgetInfo, GadgetError>,
    /// Warnings, snapd's logged ones first.
    pub warnings: Vec<Diagnostic>,
}

fn overlaps(start: u64, end: u64, lo: u64, hi: u64) -> bool {
    start < hi && end > lo
}

/// Parses and validates `text` as snapd does (and, with `gadget_dir`, checks the content as
/// snapd's `ValidateContent` does), then adds warnings.
pub fn lint(text: &str, model: Option<&dyn Model>, gadget_dir: Option<&Path>) -> LintReport {
    let verdict =
        GadgetInfo::parse(text, model).and_then(|info| validate(&info, model, None).map(|()| info));
    let mut warnings = Vec::new();
    let verdict = match verdict {
        Ok(info) => {
            warnings.extend(info.warnings.iter().cloned());
            warnings.extend(lint_info(&info, gadget_dir));
            match gadget_dir {
                Some(dir) => validate_content(&info, dir).map(|()| info),
                None => Ok(info),
            }
        }
        Err(e) => Err(e),
    };
    LintReport { verdict, warnings }
}

/// The crate's own warnings for a parsed gadget.
pub fn lint_info(info: &GadgetInfo, gadget_dir: Option<&Path>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut warn = |code, message: String, path: String| {
        out.push(Diagnostic {
            code,
            position: info.nearest_position(&path),
            message,
            path,
        });
    };
    let options = LayoutOptions {
        gadget_dir: gadget_dir.map(Path::to_path_buf),
    };
    for v in info.volumes.values() {
        let Ok(laid) = layout_volume(v, &LayoutOptions::default(), Some(info)) else {
            continue;
        };
        for l in &laid.structures {
            let s = &l.structure;
            let (start, end) = (l.start_offset, l.end());
            let spath = s.yaml_path();
            let name = quote(&s.name);
            if v.schema == "gpt" {
                if overlaps(start, end, 512, 17408) {
                    warn(
                        LintCode::GptArea512,
                        format!(
                            "structure {name} ({start}..{end}) overlaps the GPT header or partition table of a 512-byte-sector disk (512..17408)"
                        ),
                        format!("{spath}.offset"),
                    );
                }
                if overlaps(start, end, 4096, 24576) {
                    warn(
                        LintCode::GptArea4096,
                        format!(
                            "structure {name} ({start}..{end}) overlaps the GPT header or partition table of a 4096-byte-sector disk (4096..24576)"
                        ),
                        format!("{spath}.offset"),
                    );
                }
            }
            if v.schema == "gpt" && s.is_partition() && s.name.encode_utf16().count() > 36 {
                warn(
                    LintCode::GptNameTooLong,
                    format!(
                        "structure name {name} is longer than the 36 UTF-16 units of a GPT partition name"
                    ),
                    format!("{spath}.name"),
                );
            }
            if matches!(v.schema.as_str(), "gpt" | "mbr")
                && !s.is_mbr()
                && overlaps(start, end, 446, 512)
            {
                warn(
                    LintCode::MbrTableOverlap,
                    format!(
                        "structure {name} ({start}..{end}) overlaps the MBR partition table (446..512)"
                    ),
                    format!("{spath}.offset"),
                );
            }
            if v.schema != "emmc" && !s.is_mbr() {
                for (field, value) in [("size", s.size), ("min-size", s.min_size)] {
                    if value == 0 {
                        continue;
                    }
                    let bad: Vec<&str> = [(512u64, "512"), (4096, "4096")]
                        .iter()
                        .filter(|(ss, _)| value % ss != 0)
                        .map(|(_, n)| *n)
                        .collect();
                    if !bad.is_empty() {
                        warn(
                            LintCode::SectorMultiple,
                            format!(
                                "structure {name} {field} {value} is not a multiple of the sector size ({}): snapd refuses it on such disks at install",
                                bad.join(", ")
                            ),
                            format!("{spath}.{field}"),
                        );
                    }
                    if s.min_size == s.size {
                        break;
                    }
                }
            }
        }
        if gadget_dir.is_some()
            && let Ok(laid) = layout_volume(v, &options, Some(info))
        {
            for l in &laid.structures {
                let s = &l.structure;
                for c in &l.content {
                    let rel_end = c
                        .start_offset
                        .saturating_sub(l.start_offset)
                        .saturating_add(c.size);
                    if s.min_size < s.size && rel_end > s.min_size {
                        warn(
                            LintCode::MinSizeBelowContent,
                            format!(
                                "structure {} min-size {} is smaller than its content {} ending at {rel_end}",
                                quote(&s.name),
                                s.min_size,
                                quote(&c.image)
                            ),
                            format!("{}.min-size", s.yaml_path()),
                        );
                    }
                }
            }
        }
    }
    if let Some(dir) = gadget_dir {
        for v in info.volumes.values() {
            let partial_fs = v.has_partial("filesystem");
            for s in &v.structures {
                for (i, c) in s.content.iter().enumerate() {
                    let cpath = format!("{}.content[{i}]", s.yaml_path());
                    let (field, rel, must_be_dir) = if !s.has_filesystem(partial_fs) {
                        ("image", c.image.as_str(), false)
                    } else if c.source.starts_with("$kernel:") {
                        if let Err(e) = split_kernel_ref(&c.source) {
                            warn(LintCode::MissingContent, e, format!("{cpath}.source"));
                        }
                        continue;
                    } else {
                        ("source", c.source.as_str(), c.source.ends_with('/'))
                    };
                    if rel.is_empty() {
                        continue;
                    }
                    let p = dir.join(rel);
                    let ok = if must_be_dir { p.is_dir() } else { p.exists() };
                    if !ok {
                        warn(
                            LintCode::MissingContent,
                            format!(
                                "content {} of structure {} is not in the gadget directory",
                                quote(rel),
                                s.describe()
                            ),
                            format!("{cpath}.{field}"),
                        );
                    }
                }
            }
        }
    }
    out
}
