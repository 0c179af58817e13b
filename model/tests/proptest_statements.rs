//! proptest: random valid statements (UC16/18 and UC20+ forms) sign, and the encoded
//! model decodes back to the typed model the statement describes.

mod common;

use std::collections::BTreeSet;

use proptest::prelude::*;
use ucore_assertions::{Assertion, AssertionAccess};
use ucore_model::{
    Grade, Model, ModelBuilder, ModelMeaning, Presence, SnapEntry, SnapType, StorageSafety,
    ValidationSetEntry, ValidationSetMode, default_storage_safety,
};

#[derive(Debug, Clone)]
struct AppSnap {
    name: String,
    channel: Option<String>,
    optional: bool,
    modes: Vec<&'static str>,
}

#[derive(Debug, Clone)]
enum Shape {
    Uc16 {
        required: Vec<String>,
        kernel_track: Option<String>,
    },
    Uc20 {
        grade: Grade,
        safety: Option<StorageSafety>,
        apps: Vec<AppSnap>,
        sets: Vec<(String, Option<u64>, bool)>,
    },
}

fn snap_name() -> impl Strategy<Value = String> {
    "x[a-z][a-z0-9]{1,8}"
}

fn app() -> impl Strategy<Value = AppSnap> {
    (
        snap_name(),
        proptest::option::of(prop_oneof![
            Just("latest/edge"),
            Just("2/stable"),
            Just("22/candidate/fix")
        ]),
        any::<bool>(),
        proptest::sample::subsequence(vec!["run", "install", "recover", "ephemeral"], 0..=3),
    )
        .prop_map(|(name, channel, optional, modes)| AppSnap {
            name,
            channel: channel.map(str::to_owned),
            optional,
            modes,
        })
}

fn shape() -> impl Strategy<Value = Shape> {
    let uc16 = (
        proptest::collection::btree_set(snap_name(), 0..4),
        proptest::option::of("[1-9][0-9]?"),
    )
        .prop_map(|(r, t)| Shape::Uc16 {
            required: r.into_iter().collect(),
            kernel_track: t,
        });
    let uc20 = (
        prop_oneof![
            Just(Grade::Dangerous),
            Just(Grade::Signed),
            Just(Grade::Secured)
        ],
        proptest::option::of(prop_oneof![
            Just(StorageSafety::Encrypted),
            Just(StorageSafety::PreferEncrypted),
            Just(StorageSafety::PreferUnencrypted)
        ]),
        proptest::collection::vec(app(), 0..4),
        proptest::collection::btree_map(
            "[a-z][a-z0-9]{0,6}",
            (proptest::option::of(1u64..50), any::<bool>()),
            0..3,
        ),
    )
        .prop_map(|(grade, safety, apps, sets)| {
            let safety = if grade == Grade::Secured {
                safety.filter(|s| *s == StorageSafety::Encrypted)
            } else {
                safety
            };
            let mut seen = BTreeSet::new();
            let apps = apps
                .into_iter()
                .filter(|a| seen.insert(a.name.clone()))
                .collect();
            Shape::Uc20 {
                grade,
                safety,
                apps,
                sets: sets.into_iter().map(|(n, (s, e))| (n, s, e)).collect(),
            }
        });
    prop_oneof![uc16, uc20]
}

fn id_of(name: &str) -> String {
    format!("{name:A<32}")
}

fn build(brand: &str, model: &str, arch: &str, shape: &Shape) -> ModelBuilder {
    let b = ModelBuilder::new(brand, model)
        .architecture(arch)
        .timestamp("2024-05-01T00:00:00Z");
    match shape {
        Shape::Uc16 {
            required,
            kernel_track,
        } => {
            let mut b = b.gadget("pc").kernel(&match kernel_track {
                Some(t) => format!("pc-kernel={t}"),
                None => "pc-kernel".into(),
            });
            for r in required {
                b = b.required_snap(r);
            }
            b
        }
        Shape::Uc20 {
            grade,
            safety,
            apps,
            sets,
        } => {
            let mut b = b
                .base("core22")
                .grade(*grade)
                .snap(
                    SnapEntry::new("pc")
                        .id(&id_of("pc"))
                        .snap_type(SnapType::Gadget)
                        .default_channel("22/stable"),
                )
                .snap(
                    SnapEntry::new("pc-kernel")
                        .id(&id_of("pckernel"))
                        .snap_type(SnapType::Kernel),
                );
            if let Some(s) = safety {
                b = b.storage_safety(*s);
            }
            for a in apps {
                let mut e = SnapEntry::new(&a.name).id(&id_of(&a.name));
                if let Some(c) = &a.channel {
                    e = e.default_channel(c);
                }
                if a.optional {
                    e = e.presence(Presence::Optional);
                }
                for m in &a.modes {
                    e = e.mode(m);
                }
                b = b.snap(e);
            }
            for (name, seq, enforce) in sets {
                let mode = if *enforce {
                    ValidationSetMode::Enforce
                } else {
                    ValidationSetMode::PreferEnforce
                };
                let mut v = ValidationSetEntry::new(name, mode);
                if let Some(s) = seq {
                    v = v.sequence(*s);
                }
                b = b.validation_set(v);
            }
            b
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    #[test]
    fn random_valid_statements_sign_and_decode_back(
        brand in "[a-z][a-z0-9]{2,10}",
        model in "[a-z][a-z0-9]{0,8}(-[a-z0-9]{1,4})?",
        arch in prop_oneof![Just("amd64"), Just("arm64"), Just("armhf"), Just("riscv64")],
        shape in shape(),
    ) {
        let statement = build(&brand, &model, arch, &shape).build();
        let signed = statement
            .sign_at(common::acme(), jiff::Timestamp::from_second(1_714_521_600).unwrap())
            .unwrap();
        let decoded = Assertion::decode(&signed.encode()).unwrap();
        prop_assert_eq!(decoded.encode(), signed.encode());
        let m = Model::try_from(&decoded).unwrap();
        prop_assert_eq!(m.brand_id, brand.as_str());
        prop_assert_eq!(m.model, model.as_str());
        prop_assert_eq!(m.architecture, Some(arch));
        match &shape {
            Shape::Uc16 { required, kernel_track } => {
                prop_assert!(!m.extended);
                prop_assert_eq!(m.grade, None);
                prop_assert_eq!(&m.required_snaps, required);
                let channel = kernel_track.as_ref().map_or("latest/stable".into(), |t| format!("{t}/stable"));
                prop_assert_eq!(m.kernel().map(|k| k.default_channel.to_string()), Some(channel));
            }
            Shape::Uc20 { grade, safety, apps, sets } => {
                prop_assert_eq!(m.grade, Some(*grade));
                prop_assert_eq!(m.effective_storage_safety(), Some(safety.unwrap_or(default_storage_safety(*grade))));
                prop_assert_eq!(m.non_essential_snaps().count(), apps.len());
                for (snap, app) in m.non_essential_snaps().zip(apps) {
                    prop_assert_eq!(snap.name, app.name.as_str());
                    let id = id_of(&app.name);
                    prop_assert_eq!(snap.snap_id, Some(id.as_str()));
                    prop_assert_eq!(&*snap.default_channel, app.channel.as_deref().unwrap_or("latest/stable"));
                    prop_assert_eq!(snap.presence == Presence::Optional, app.optional);
                    let modes: Vec<&str> = if app.modes.is_empty() { vec!["run"] } else { app.modes.clone() };
                    prop_assert_eq!(&snap.modes, &modes);
                }
                prop_assert_eq!(m.validation_sets.len(), sets.len());
                for (v, (name, seq, enforce)) in m.validation_sets.iter().zip(sets) {
                    prop_assert_eq!(v.account_id, brand.as_str());
                    prop_assert_eq!(v.name, name.as_str());
                    prop_assert_eq!(v.sequence, seq.map(|s| s as i64));
                    prop_assert_eq!(v.mode == ValidationSetMode::Enforce, *enforce);
                }
            }
        }
    }
}
