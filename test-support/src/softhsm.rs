//! A throwaway SoftHSM2 token for the PKCS#11 tests: the module, a fresh token in a
//! temporary directory, keys imported into it.
//!
//! The PKCS#11 module reads `SOFTHSM2_CONF` from the environment when it loads, so a test
//! sets up the token here, then runs its PKCS#11 part in a child process with
//! `SOFTHSM2_CONF` set to the file [`init_token`] returns.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Where distributions install the SoftHSM2 module.
pub const MODULES: &[&str] = &[
    "/usr/lib/softhsm/libsofthsm2.so",
    "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
];

/// The user PIN of the tokens [`init_token`] makes.
pub const PIN: &str = "1234";

/// The SoftHSM2 module, when it and `softhsm2-util` are installed; else `None` with a
/// notice, or a panic under `UCORE_REQUIRE_TOOLS=1`.
pub fn module() -> Option<PathBuf> {
    let found = MODULES.iter().map(PathBuf::from).find(|p| p.exists());
    let tool = Command::new("softhsm2-util").arg("--version").output();
    match (found, tool) {
        (Some(m), Ok(out)) if out.status.success() => Some(m),
        _ => {
            assert_ne!(
                std::env::var("UCORE_REQUIRE_TOOLS").as_deref(),
                Ok("1"),
                "softhsm2 is required (UCORE_REQUIRE_TOOLS=1) but missing"
            );
            eprintln!("NOTICE: softhsm2 not installed; skipping (apt-get install softhsm2)");
            None
        }
    }
}

/// Runs `softhsm2-util` with `args` under `conf`; panics with its error if it fails.
pub fn util(conf: &Path, args: &[&str]) {
    let out = Command::new("softhsm2-util")
        .env("SOFTHSM2_CONF", conf)
        .args(args)
        .output()
        .expect("softhsm2-util runs");
    assert!(
        out.status.success(),
        "softhsm2-util {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A fresh token labelled `label` (user PIN [`PIN`]) whose files live under `dir`; returns
/// the configuration file to set as `SOFTHSM2_CONF`.
pub fn init_token(dir: &Path, label: &str) -> PathBuf {
    let tokens = dir.join("tokens");
    std::fs::create_dir_all(&tokens).expect("the token directory");
    let conf = dir.join("softhsm2.conf");
    let settings = format!(
        "directories.tokendir = {}\nobjectstore.backend = file\nlog.level = ERROR\n",
        tokens.display()
    );
    std::fs::write(&conf, settings).expect("the SoftHSM2 configuration");
    let args = [
        "--init-token",
        "--free",
        "--label",
        label,
        "--pin",
        PIN,
        "--so-pin",
        "5678",
    ];
    util(&conf, &args);
    conf
}

/// Imports the private key `pkcs8_pem` into token `token` as `label` with id `id` (hex).
pub fn import_key(conf: &Path, token: &str, pkcs8_pem: &str, label: &str, id: &str) {
    let file = conf.with_file_name(format!("{label}.p8"));
    std::fs::write(&file, pkcs8_pem).expect("the key file");
    let path = file.to_str().expect("a UTF-8 path");
    let args = [
        "--import", path, "--token", token, "--label", label, "--id", id, "--pin", PIN,
    ];
    util(conf, &args);
    std::fs::remove_file(&file).expect("the key file removed");
}

/// Runs test `test` of this test binary again in a child process, with `SOFTHSM2_CONF`
/// set to `conf` and `child_var` to `dir` (the child sees it and runs the PKCS#11 part);
/// panics unless the child passes and prints `marker`.
pub fn run_in_child(test: &str, conf: &Path, child_var: &str, dir: &Path, marker: &str) {
    let exe = std::env::current_exe().expect("the test binary");
    let out = Command::new(exe)
        .args(["--exact", test, "--nocapture", "--test-threads=1"])
        .env("SOFTHSM2_CONF", conf)
        .env(child_var, dir)
        .output()
        .expect("the test binary runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "child failed:\n{stdout}\n{stderr}");
    assert!(stdout.contains(marker), "{stdout}\n{stderr}");
}
