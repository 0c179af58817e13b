//! JSON reports with the fields and meaning of the snapd oracle's `gadget-info` and
//! `gadget-layout`, so ucore-gadget-yaml's results can be compared with snapd's file by
//! file. Keys the oracle does not print (`min-size`, `line`, `column`, `path`) are extra
//! and ignored by comparisons.
//!
//! Shared by the `gadget` example (`--json`), ucore-gadget-yaml's golden and live oracle
//! tests (`gadget-yaml/tests/common`) and the `gadget_yaml` fuzz target, each of which
//! includes this file with `#[path]`: the shape is the oracle's, not library API.

use serde_json::{Value, json};
use ucore_gadget_yaml::{GadgetError, GadgetInfo, LaidOutVolume, ModelClass, Stage};

/// `{"ok": true, "model", "volumes", "defaults", "connections"}` as `gadget-info` prints
/// it: structures in YAML order, `offset` only when explicit in the YAML.
pub fn info_json(info: &GadgetInfo, model: ModelClass) -> Value {
    let mut volumes = serde_json::Map::new();
    for (name, v) in &info.volumes {
        let mut structures: Vec<_> = v.structures.iter().collect();
        structures.sort_by_key(|s| s.yaml_index);
        let structures: Vec<Value> = structures
            .iter()
            .map(|s| {
                json!({
                    "yaml-index": s.yaml_index,
                    "name": s.name,
                    "role": s.role,
                    "filesystem-label": s.label,
                    "type": s.type_,
                    "id": s.id,
                    "offset": s.explicit_offset,
                    "offset-write": s.offset_write,
                    "size": s.size,
                    "min-size": s.min_size,
                    "filesystem": s.filesystem,
                    "content": s.content.iter().map(|c| json!({
                        "source": c.source,
                        "target": c.target,
                        "image": c.image,
                        "offset": c.offset,
                        "offset-write": null,
                        "size": c.size,
                        "unpack": c.unpack,
                    })).collect::<Vec<_>>(),
                    "update": {"edition": s.update.edition, "preserve": s.update.preserve},
                })
            })
            .collect();
        volumes.insert(
            name.clone(),
            json!({
                "schema": v.schema,
                "bootloader": v.bootloader,
                "id": v.id,
                "structures": structures,
            }),
        );
    }
    json!({
        "ok": true,
        "model": model.name(),
        "volumes": volumes,
        "defaults": info.defaults,
        "connections": info.connections,
    })
}

/// `{"ok": true, "model", "volumes"}` as `gadget-layout` prints it: structures in disk
/// order; `content` only when the layout had a gadget directory.
pub fn layout_json(volumes: &[LaidOutVolume], model: ModelClass, with_content: bool) -> Value {
    let mut out = serde_json::Map::new();
    for lv in volumes {
        let structures: Vec<Value> = lv
            .structures
            .iter()
            .map(|l| {
                let s = &l.structure;
                let mut o = json!({
                    "yaml-index": s.yaml_index,
                    "name": s.name,
                    "role": s.role,
                    "type": s.type_,
                    "start-offset": l.start_offset,
                    "size": l.size,
                    "partition-number": l.partition_number,
                    "offset-write": l.offset_write,
                    "filesystem": s.filesystem,
                    "filesystem-label": s.label,
                });
                if with_content && let Some(map) = o.as_object_mut() {
                    map.insert(
                        "content".into(),
                        l.content
                            .iter()
                            .map(|c| {
                                json!({
                                    "index": c.index,
                                    "image": c.image,
                                    "start-offset": c.start_offset,
                                    "size": c.size,
                                    "offset-write": null,
                                })
                            })
                            .collect(),
                    );
                }
                o
            })
            .collect();
        out.insert(
            lv.volume.name.clone(),
            json!({
                "schema": lv.volume.schema,
                "bootloader": lv.volume.bootloader,
                "id": lv.volume.id,
                "size": lv.size,
                "structures": structures,
            }),
        );
    }
    json!({"ok": true, "model": model.name(), "volumes": out})
}

/// `{"error", "stage"}` as the oracle prints a failure, plus `path`, `line` and `column`.
pub fn error_json(err: &GadgetError) -> Value {
    let stage = match err.stage() {
        Some(Stage::Parse) => "parse",
        Some(Stage::Validate) => "validate",
        Some(Stage::Content) => "content",
        Some(Stage::Layout) => "layout",
        None => "image",
    };
    let mut o = json!({"error": err.to_string(), "stage": stage});
    if let Some(map) = o.as_object_mut() {
        if let Some(p) = err.yaml_path() {
            map.insert("path".into(), p.into());
        }
        if let Some(pos) = err.position() {
            map.insert("line".into(), pos.line.into());
            map.insert("column".into(), pos.column.into());
        }
    }
    o
}
