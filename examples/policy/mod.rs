//! `assertions policy install|connect|auto-connect|compile`: snapd's interface policy over
//! snap.yaml files and declarations, with the oracle's arguments, JSON and exit codes
//! (its README, "### `policy`"): one JSON line, exit 0 when allowed, 1 when not, 2 on a
//! usage or input error. Unlike the oracle, ucore has no built-in base-declaration:
//! `--base-decl FILE` is required (`snapd-oracle policy base-declaration > bd.txt`).
//!
//! Included by the `assertions` example, and by path by the policy differential test
//! (`tests/policy_oracle.rs`), which runs the same code in process.
#![allow(dead_code)] // each includer uses a part

pub mod compile;
pub mod inputs;

use std::process::ExitCode;

use clap::{Args, Subcommand};
use serde_json::{Map, Value, json};
use ucore_assertions::policy::{
    ConnectCandidate, ConnectedPlugSlot, DeclarationRules, InstallCandidate,
    InstallCandidateMinimalCheck, PolicyEnvironment, PolicySnap, RuleLanguage,
};

use inputs::{
    LoadedSnap, json_attrs, load_base_declaration, load_device, load_snap, load_snap_declaration,
    release, snap_declaration,
};

/// The flags every policy check takes.
#[derive(Args, Debug, Clone, Default)]
pub struct Common {
    /// The base-declaration: a signed assertion, or headers-only text as `snapd-oracle
    /// policy base-declaration` prints it (required: ucore has no built-in one).
    #[arg(long, value_name = "FILE")]
    pub base_decl: Option<String>,
    /// The device's model assertion (for on-store/on-brand/on-model).
    #[arg(long, value_name = "FILE")]
    pub model: Option<String>,
    /// The device's store assertion (friendly stores).
    #[arg(long, value_name = "FILE")]
    pub store: Option<String>,
    /// A classic system (default: Ubuntu Core).
    #[arg(long)]
    pub classic: bool,
    /// The os-release ID (default `ubuntu-core`, or `ubuntu` with `--classic`).
    #[arg(long, value_name = "ID")]
    pub distro: Option<String>,
    /// Newer snapd's rules and evaluation (spec Appendix A) instead of snapd 2.57's; the
    /// declarations decode in it too.
    #[arg(long)]
    pub current: bool,
}

impl Common {
    /// The rule language the flags ask for.
    fn language(&self) -> RuleLanguage {
        if self.current {
            RuleLanguage::Current
        } else {
            RuleLanguage::Snapd2_57
        }
    }
}

/// The snap (installed, or the plug side of a connection) and its snap-declaration.
#[derive(Args, Debug, Clone, Default)]
pub struct SnapFiles {
    /// snap.yaml of the snap to install, or of the plug side.
    #[arg(long, value_name = "FILE")]
    pub snap_yaml: Option<String>,
    /// Its snap-declaration (install without one: snapd's minimal check).
    #[arg(long, value_name = "FILE")]
    pub snap_decl: Option<String>,
}

/// `install` arguments.
#[derive(Args, Debug, Clone, Default)]
pub struct InstallArgs {
    #[command(flatten)]
    pub snap: SnapFiles,
    /// The full check even without a snap-declaration.
    #[arg(long)]
    pub full: bool,
    #[command(flatten)]
    pub common: Common,
}

/// `connect` / `auto-connect` arguments.
#[derive(Args, Debug, Clone, Default)]
pub struct ConnectArgs {
    #[command(flatten)]
    pub snap: SnapFiles,
    /// snap.yaml of the slot side (default: the same snap).
    #[arg(long, value_name = "FILE")]
    pub slot_snap_yaml: Option<String>,
    /// snap-declaration of the slot side.
    #[arg(long, value_name = "FILE")]
    pub slot_snap_decl: Option<String>,
    /// Dynamic plug attributes (a JSON object), as interface hooks set them.
    #[arg(long, value_name = "JSON")]
    pub plug_attrs: Option<String>,
    /// Dynamic slot attributes (a JSON object).
    #[arg(long, value_name = "JSON")]
    pub slot_attrs: Option<String>,
    #[command(flatten)]
    pub common: Common,
    /// The plug: NAME or SNAP:NAME.
    pub plug: String,
    /// The slot: NAME or SNAP:NAME.
    pub slot: String,
}

/// The policy commands.
#[derive(Subcommand, Debug, Clone)]
pub enum PolicyCommand {
    /// May this snap be installed? (`InstallCandidate` / `InstallCandidateMinimalCheck`)
    Install(InstallArgs),
    /// May this plug be connected to this slot? (`ConnectCandidate.Check`)
    Connect(ConnectArgs),
    /// May they be auto-connected, and with how many slots per plug?
    AutoConnect(ConnectArgs),
    /// Decode a stream of declarations (or headers-only base-declaration text) and print
    /// their compiled rules, one JSON line per assertion.
    Compile {
        /// The stream (`-`: standard input).
        file: String,
        /// Newer snapd's rule language (spec Appendix A) instead of snapd 2.57's.
        #[arg(long)]
        current: bool,
    },
}

/// A command's answer: the oracle's JSON, and every error snapd could have reported
/// instead of the one in the JSON (snapd walks a snap's plugs and slots in Go's random map
/// order; ucore walks them by name).
pub struct Outcome {
    /// The JSON line.
    pub json: Value,
    /// The errors snapd could report (empty when allowed).
    pub possible_errors: Vec<String>,
}

/// Runs a policy command to its [`Outcome`].
pub fn outcome(command: &PolicyCommand) -> Result<Outcome, String> {
    match command {
        PolicyCommand::Install(a) => install(a),
        PolicyCommand::Connect(a) => connect(a, false),
        PolicyCommand::AutoConnect(a) => connect(a, true),
        PolicyCommand::Compile { .. } => Err("compile prints one line per assertion".into()),
    }
}

/// Runs a policy command: its JSON line on standard output, its exit code.
pub fn run(command: &PolicyCommand) -> Result<ExitCode, String> {
    if let PolicyCommand::Compile { file, current } = command {
        let language = Common {
            current: *current,
            ..Common::default()
        }
        .language();
        return Ok(compile::compile(&inputs::read_input(file)?, language));
    }
    let out = outcome(command)?.json;
    println!("{out}");
    Ok(if out["ok"] == Value::Bool(true) {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// The environment and the JSON members every check prints.
fn environment(common: &Common) -> Result<(PolicyEnvironment, Map<String, Value>), String> {
    let language = common.language();
    let (rel, rel_json) = release(common.classic, common.distro.as_deref());
    let device = load_device(common.model.as_deref(), common.store.as_deref())?;
    let mut out = Map::new();
    out.insert("release".into(), rel_json);
    out.insert(
        "base_declaration".into(),
        json!(common.base_decl.as_deref().unwrap_or("builtin")),
    );
    Ok((
        PolicyEnvironment {
            device,
            release: rel,
            language,
        },
        out,
    ))
}

fn finish(mut out: Map<String, Value>, possible_errors: Vec<String>) -> Outcome {
    let error = possible_errors.first();
    out.insert("allowed".into(), json!(error.is_none()));
    out.insert("ok".into(), json!(error.is_none()));
    out.insert("error".into(), json!(error));
    Outcome {
        json: Value::Object(out),
        possible_errors,
    }
}

/// `policy install`.
pub fn install(a: &InstallArgs) -> Result<Outcome, String> {
    let (env, mut out) = environment(&a.common)?;
    let base = load_base_declaration(a.common.base_decl.as_deref(), env.language)?;
    let decl_assertion = load_snap_declaration(a.snap.snap_decl.as_deref(), env.language)?;
    let decl = decl_assertion.as_ref().map(snap_declaration).transpose()?;
    let file = a
        .snap
        .snap_yaml
        .as_deref()
        .ok_or("--snap-yaml FILE is required")?;
    let loaded = load_snap(file)?;
    out.insert("snap".into(), json!(loaded.snap.name));
    out.insert(
        "snap-id".into(),
        json!(decl.as_ref().map_or("", |d| d.snap_id)),
    );
    let refusals = if decl.is_some() || a.full {
        out.insert("check".into(), json!("InstallCandidate"));
        InstallCandidate {
            snap: &loaded.snap,
            snap_declaration: decl.as_ref().map(DeclarationRules::from),
            base_declaration: &base,
            env: &env,
        }
        .refusals()
    } else {
        out.insert("check".into(), json!("InstallCandidateMinimalCheck"));
        InstallCandidateMinimalCheck {
            snap: &loaded.snap,
            base_declaration: &base,
            env: &env,
        }
        .refusals()
    };
    Ok(finish(
        out,
        refusals.iter().map(ToString::to_string).collect(),
    ))
}

/// NAME or SNAP:NAME (SNAP must be the snap's name).
fn plug_or_slot_name<'n>(arg: &'n str, snap: &PolicySnap) -> Result<&'n str, String> {
    match arg.split_once(':') {
        Some((s, name)) if s == snap.name => Ok(name),
        Some((s, _)) => Err(format!(
            "{arg:?}: snap {s:?} is not the snap of that snap.yaml ({:?})",
            snap.name
        )),
        None => Ok(arg),
    }
}

fn missing(kind: &str, name: &str, loaded: &LoadedSnap) -> String {
    match loaded.bad_interfaces.get(name) {
        Some(why) => format!(
            "{kind} {name:?} of snap {:?} was dropped by snapd's sanitizer: {why}",
            loaded.snap.name
        ),
        None => format!("snap {:?} has no {kind} {name:?}", loaded.snap.name),
    }
}

/// The builtin interface's own `AutoConnect(plug, slot)` predicate (snapd 2.57): true for
/// every builtin interface but `netlink-driver`, which wants the same `family-name` on
/// both sides; `null` for an unknown interface or mismatched interfaces.
fn interface_auto_connect(
    plug: &ucore_assertions::policy::PlugSlotInfo,
    slot: &ucore_assertions::policy::PlugSlotInfo,
) -> Value {
    use ucore_assertions::policy::AttrValue;
    if plug.interface != slot.interface
        || ucore_snap::interfaces::BUILTIN_INTERFACES
            .binary_search(&plug.interface.as_str())
            .is_err()
    {
        return Value::Null;
    }
    if plug.interface == "netlink-driver" {
        let family = |p: &ucore_assertions::policy::PlugSlotInfo| match p.attrs.get("family-name") {
            Some(AttrValue::String(s)) => Some(s.clone()),
            _ => None,
        };
        return json!(matches!((family(plug), family(slot)), (Some(a), Some(b)) if a == b));
    }
    json!(true)
}

/// `policy connect` / `auto-connect`.
pub fn connect(a: &ConnectArgs, auto: bool) -> Result<Outcome, String> {
    let (env, mut out) = environment(&a.common)?;
    let base = load_base_declaration(a.common.base_decl.as_deref(), env.language)?;
    let plug_decl_a = load_snap_declaration(a.snap.snap_decl.as_deref(), env.language)?;
    let slot_decl_a = load_snap_declaration(a.slot_snap_decl.as_deref(), env.language)?;
    let plug_decl = plug_decl_a.as_ref().map(snap_declaration).transpose()?;
    let slot_decl = slot_decl_a.as_ref().map(snap_declaration).transpose()?;
    let file = a
        .snap
        .snap_yaml
        .as_deref()
        .ok_or("--snap-yaml FILE is required")?;
    let plug_loaded = load_snap(file)?;
    let slot_loaded_own;
    let slot_loaded = match a.slot_snap_yaml.as_deref() {
        Some(f) => {
            slot_loaded_own = load_snap(f)?;
            &slot_loaded_own
        }
        None if slot_decl.is_some() => return Err("--slot-snap-decl needs --slot-snap-yaml".into()),
        None => &plug_loaded,
    };
    let plug_name = plug_or_slot_name(&a.plug, &plug_loaded.snap)?;
    let slot_name = plug_or_slot_name(&a.slot, &slot_loaded.snap)?;
    let plug = plug_loaded
        .snap
        .plugs
        .get(plug_name)
        .ok_or_else(|| missing("plug", plug_name, &plug_loaded))?;
    let slot = slot_loaded
        .snap
        .slots
        .get(slot_name)
        .ok_or_else(|| missing("slot", slot_name, slot_loaded))?;
    let plug_dynamic = json_attrs("plug-attrs", a.plug_attrs.as_deref())?;
    let slot_dynamic = json_attrs("slot-attrs", a.slot_attrs.as_deref())?;
    let cc = ConnectCandidate {
        plug: ConnectedPlugSlot {
            snap: &plug_loaded.snap,
            info: plug,
            dynamic_attrs: plug_dynamic.as_ref(),
        },
        plug_declaration: plug_decl.as_ref().map(DeclarationRules::from),
        slot: ConnectedPlugSlot {
            snap: &slot_loaded.snap,
            info: slot,
            dynamic_attrs: slot_dynamic.as_ref(),
        },
        slot_declaration: slot_decl.as_ref().map(DeclarationRules::from),
        base_declaration: &base,
        env: &env,
    };
    out.insert(
        "plug".into(),
        json!(format!("{}:{plug_name}", plug_loaded.snap.name)),
    );
    out.insert(
        "slot".into(),
        json!(format!("{}:{slot_name}", slot_loaded.snap.name)),
    );
    out.insert("interface".into(), json!(plug.interface));
    let error = if auto {
        let result = cc.check_auto_connect();
        out.insert(
            "slots_per_plug".into(),
            result.as_ref().map_or(Value::Null, |s| json!(s.as_str())),
        );
        out.insert(
            "interface_auto_connect".into(),
            interface_auto_connect(plug, slot),
        );
        result.err()
    } else {
        out.insert(
            "snapd_skips_check".into(),
            json!(plug_decl.is_none() || slot_decl.is_none()),
        );
        cc.check().err()
    };
    Ok(finish(out, error.iter().map(ToString::to_string).collect()))
}
