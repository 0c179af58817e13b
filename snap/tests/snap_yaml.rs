//! snap.yaml read and validated against snapd 2.57's texts: every row's expectation is what
//! the oracle (snapd's `InfoFromSnapYaml` then `Validate`) printed for that input. Inputs
//! have a single error each (snapd walks Go maps in random order).
//!
//! With `UCORE_ORACLE=/tmp/snapd-oracle`, `live_oracle_agrees` re-runs the table through
//! the oracle.

use std::io::Write;
use std::process::{Command, Stdio};

use ucore_snap::{Info, Sanitizer, SnapType};

/// What snapd does with an input.
#[derive(Debug, PartialEq)]
enum Expect {
    /// Reads and validates.
    Ok,
    /// `InfoFromSnapYaml` fails with this text.
    Parse(&'static str),
    /// `Validate` fails with this text.
    Validate(&'static str),
}
use Expect::{Ok, Parse, Validate};

type Case = (&'static str, &'static [u8], Expect);

/// Inputs with the result snapd 2.57 gives (the oracle command above each row).
const CASES: &[Case] = &[
    // printf 'name: foo\nversion: 1\nslots:\n  d: {interface: dbus, bus: session, name: org.x}\napps:\n  a:\n    command: x\n    daemon: simple\n    activates-on: [d]\n' | /tmp/snapd-oracle snap-yaml -
    ("act-bus", b"name: foo\nversion: 1\nslots:\n  d: {interface: dbus, bus: session, name: org.x}\napps:\n  a:\n    command: x\n    daemon: simple\n    activates-on: [d]\n", Validate("invalid definition of application \"a\": invalid activates-on value \"d\": bus \"session\" does not match daemon-scope \"system\"")),
    // printf 'name: foo\nversion: 1\nslots:\n  d: {interface: dbus, bus: system, name: org.x}\napps:\n  a:\n    command: x\n    activates-on: [d]\n' | /tmp/snapd-oracle snap-yaml -
    ("act-nonservice", b"name: foo\nversion: 1\nslots:\n  d: {interface: dbus, bus: system, name: org.x}\napps:\n  a:\n    command: x\n    activates-on: [d]\n", Validate("invalid definition of application \"a\": activates-on is only applicable to services")),
    // printf 'name: foo\nversion: 1\nslots:\n  d: {interface: network}\napps:\n  a:\n    command: x\n    daemon: simple\n    activates-on: [d]\n' | /tmp/snapd-oracle snap-yaml -
    ("act-notdbus", b"name: foo\nversion: 1\nslots:\n  d: {interface: network}\napps:\n  a:\n    command: x\n    daemon: simple\n    activates-on: [d]\n", Validate("invalid definition of application \"a\": invalid activates-on value \"d\": slot does not use dbus interface")),
    // printf 'name: foo\nversion: 1\napps:\n  a:\n    daemon: simple\n    activates-on: [nope]\n' | /tmp/snapd-oracle snap-yaml -
    ("act-notfound", b"name: foo\nversion: 1\napps:\n  a:\n    daemon: simple\n    activates-on: [nope]\n", Parse("invalid activates-on value \"nope\" on app \"a\": slot not found")),
    // printf 'name: foo\nversion: 1\napps:\n  a:\n    command: x\n    daemon: bogus\n  a:\n    command: y\n' | /tmp/snapd-oracle snap-yaml -
    ("app-dup", b"name: foo\nversion: 1\napps:\n  a:\n    command: x\n    daemon: bogus\n  a:\n    command: y\n", Ok),
    // printf 'name: foo\nversion: 1\napps:\n  a_b:\n    command: x\n' | /tmp/snapd-oracle snap-yaml -
    ("app-name", b"name: foo\nversion: 1\napps:\n  a_b:\n    command: x\n", Validate("invalid definition of application \"a_b\": cannot have \"a_b\" as app name - use letters, digits, and dash as separator")),
    // printf 'name: foo\nversion: 1\napps:\n  a: x\n' | /tmp/snapd-oracle snap-yaml -
    ("app-scalar", b"name: foo\nversion: 1\napps:\n  a: x\n", Parse("cannot parse snap.yaml: yaml: unmarshal errors:\n  line 4: cannot unmarshal !!str `x` into snap.appYaml")),
    // printf 'name: foo\nversion: 1\napps: [a]\n' | /tmp/snapd-oracle snap-yaml -
    ("apps-seq", b"name: foo\nversion: 1\napps: [a]\n", Parse("cannot parse snap.yaml: yaml: unmarshal errors:\n  line 3: cannot unmarshal !!seq into map[string]snap.appYaml")),
    // printf 'name: foo\nversion: 1\narchitectures: amd64\n' | /tmp/snapd-oracle snap-yaml -
    ("arch-scalar", b"name: foo\nversion: 1\narchitectures: amd64\n", Parse("cannot parse snap.yaml: yaml: unmarshal errors:\n  line 3: cannot unmarshal !!str `amd64` into []string")),
    // printf 'name: foo\nversion: 1\nbase: core_x\n' | /tmp/snapd-oracle snap-yaml -
    ("base-inst", b"name: foo\nversion: 1\nbase: core_x\n", Validate("base cannot specify a snap instance name: \"core_x\"")),
    // printf 'name: foo\nversion: 1\nbase: none\napps:\n  a:\n    command: x\n' | /tmp/snapd-oracle snap-yaml -
    ("base-none-apps", b"name: foo\nversion: 1\nbase: none\napps:\n  a:\n    command: x\n", Validate("cannot have apps or hooks with base \"none\"")),
    // printf 'name: foo\nversion: 1\ntype: base\nbase: core18\n' | /tmp/snapd-oracle snap-yaml -
    ("base-on-base", b"name: foo\nversion: 1\ntype: base\nbase: core18\n", Validate("cannot have \"base\" field on \"base\" snap \"foo\"")),
    // printf 'name: foo\nversion: 1\napps:\n  a:\n    command: x\n    command-chain: ["a b"]\n' | /tmp/snapd-oracle snap-yaml -
    ("chain-illegal", b"name: foo\nversion: 1\napps:\n  a:\n    command: x\n    command-chain: [\"a b\"]\n", Validate("invalid definition of application \"a\": app description field 'command-chain' contains illegal \"a b\" (legal: '^[A-Za-z0-9/._#:$-]*$')")),
    // printf 'name: foo\nversion: 1\nplugs:\n  x: network\nslots:\n  x: network\n' | /tmp/snapd-oracle snap-yaml -
    ("clash", b"name: foo\nversion: 1\nplugs:\n  x: network\nslots:\n  x: network\n", Validate("cannot have plug and slot with the same name: \"x\"")),
    // printf 'name: foo\nversion: 1\napps:\n  a:\n    command: "x'\''y"\n' | /tmp/snapd-oracle snap-yaml -
    ("cmd-illegal", b"name: foo\nversion: 1\napps:\n  a:\n    command: \"x'y\"\n", Validate("invalid definition of application \"a\": app description field 'command' contains illegal \"x'y\" (legal: '^[A-Za-z0-9/. _#:$-]*$')")),
    // printf 'name: foo\nversion: 1\nconfinement: bogus\n' | /tmp/snapd-oracle snap-yaml -
    ("conf-bad", b"name: foo\nversion: 1\nconfinement: bogus\n", Parse("cannot parse snap.yaml: invalid confinement type: \"bogus\"")),
    // printf 'name: core\nversion: 1\ntype: os\nplugs:\n  network-bind:\n  core-support:\n' | /tmp/snapd-oracle snap-yaml -
    ("core-rename", b"name: core\nversion: 1\ntype: os\nplugs:\n  network-bind:\n  core-support:\n", Ok),
    // printf 'name: foo\nversion: 1\napps:\n  a:\n    command: x\n    daemon: simple\n    after: [a]\n' | /tmp/snapd-oracle snap-yaml -
    ("cycle", b"name: foo\nversion: 1\napps:\n  a:\n    command: x\n    daemon: simple\n    after: [a]\n", Validate("applications are part of a before/after cycle: a")),
    // printf 'name: foo\nversion: 1\napps:\n  a:\n    command: x\n    daemon: bogus\n' | /tmp/snapd-oracle snap-yaml -
    ("daemon-bad", b"name: foo\nversion: 1\napps:\n  a:\n    command: x\n    daemon: bogus\n", Validate("invalid definition of application \"a\": \"daemon\" field contains invalid value \"bogus\"")),
    // printf 'name: foo\nversion: 1\napps:\n  a:\n    command: x\n    daemon: simple\n    daemon-scope: bogus\n' | /tmp/snapd-oracle snap-yaml -
    ("daemon-scope-bad", b"name: foo\nversion: 1\napps:\n  a:\n    command: x\n    daemon: simple\n    daemon-scope: bogus\n", Parse("cannot parse snap.yaml: invalid daemon scope: \"bogus\"")),
    // printf 'name: foo\nname: bar\nversion: 1\n' | /tmp/snapd-oracle snap-yaml -
    ("dup-name", b"name: foo\nname: bar\nversion: 1\n", Ok),
    // printf '' | /tmp/snapd-oracle snap-yaml -
    ("empty", b"", Validate("snap name cannot be empty")),
    // printf 'name: foo\nversion: 1\napps:\n  a:\n    command: x\n    environment:\n      A: 1\n      A: 2\n' | /tmp/snapd-oracle snap-yaml -
    ("env-app-dup", b"name: foo\nversion: 1\napps:\n  a:\n    command: x\n    environment:\n      A: 1\n      A: 2\n", Parse("cannot parse snap.yaml: found duplicate key \"A\"")),
    // printf 'name: foo\nversion: 1\nenvironment:\n  true: x\n' | /tmp/snapd-oracle snap-yaml -
    ("env-bool", b"name: foo\nversion: 1\nenvironment:\n  true: x\n", Parse("cannot parse snap.yaml: cannot read %!q(bool=true)")),
    // printf 'name: foo\nversion: 1\nenvironment:\n  A: 1\n  A: 2\n' | /tmp/snapd-oracle snap-yaml -
    ("env-dup", b"name: foo\nversion: 1\nenvironment:\n  A: 1\n  A: 2\n", Parse("cannot parse snap.yaml: found duplicate key \"A\"")),
    // printf 'name: foo\nversion: 1\nenvironment:\n  1.5: x\n' | /tmp/snapd-oracle snap-yaml -
    ("env-float", b"name: foo\nversion: 1\nenvironment:\n  1.5: x\n", Parse("cannot parse snap.yaml: cannot read %!q(float64=1.5)")),
    // printf 'name: foo\nversion: 1\nenvironment:\n  1: x\n' | /tmp/snapd-oracle snap-yaml -
    ("env-int", b"name: foo\nversion: 1\nenvironment:\n  1: x\n", Parse("cannot parse snap.yaml: cannot read '\\x01'")),
    // printf 'name: foo\nversion: 1\nenvironment:\n  A: [x]\n' | /tmp/snapd-oracle snap-yaml -
    ("env-list", b"name: foo\nversion: 1\nenvironment:\n  A: [x]\n", Parse("cannot parse snap.yaml: yaml: unmarshal errors:\n  line 4: cannot unmarshal !!seq into string")),
    // printf 'name: foo\nversion: 1\nenvironment:\n  ~: x\n' | /tmp/snapd-oracle snap-yaml -
    ("env-null", b"name: foo\nversion: 1\nenvironment:\n  ~: x\n", Parse("cannot parse snap.yaml: cannot read %!q(<nil>)")),
    // printf 'name: foo\nversion: 1\nenvironment: [x]\n' | /tmp/snapd-oracle snap-yaml -
    ("env-seq", b"name: foo\nversion: 1\nenvironment: [x]\n", Parse("cannot parse snap.yaml: yaml: unmarshal errors:\n  line 3: cannot unmarshal !!seq into map[string]string")),
    // printf 'name: foo\nversion: 1\nenvironment:\n  A:\n' | /tmp/snapd-oracle snap-yaml -
    ("env-val-null", b"name: foo\nversion: 1\nenvironment:\n  A:\n", Ok),
    // printf 'name: foo\nversion: 1\nepoch: {read: [01]}\n' | /tmp/snapd-oracle snap-yaml -
    ("epoch-01", b"name: foo\nversion: 1\nepoch: {read: [01]}\n", Parse("cannot parse snap.yaml: epoch numbers must be base 10 with no zero padding, but got \"01\"")),
    // printf 'name: foo\nversion: 1\nepoch: 0*\n' | /tmp/snapd-oracle snap-yaml -
    ("epoch-0star", b"name: foo\nversion: 1\nepoch: 0*\n", Parse("cannot parse snap.yaml: 0* is an invalid epoch")),
    // printf 'name: foo\nversion: 1\nepoch: {read: [1,2,3,4,5,6,7,8,9,10,11]}\n' | /tmp/snapd-oracle snap-yaml -
    ("epoch-big-list", b"name: foo\nversion: 1\nepoch: {read: [1,2,3,4,5,6,7,8,9,10,11]}\n", Parse("cannot parse snap.yaml: epoch list must not have more than 10 entries")),
    // printf 'name: foo\nversion: 1\nepoch: 5000000000\n' | /tmp/snapd-oracle snap-yaml -
    ("epoch-huge", b"name: foo\nversion: 1\nepoch: 5000000000\n", Parse("cannot parse snap.yaml: epoch numbers must be less than 2³², but got \"5000000000\"")),
    // printf 'name: foo\nversion: 1\nepoch: {read: 5}\n' | /tmp/snapd-oracle snap-yaml -
    ("epoch-map-bad", b"name: foo\nversion: 1\nepoch: {read: 5}\n", Parse("cannot parse snap.yaml: epoch read/write attributes must be lists of epoch numbers")),
    // printf 'name: foo\nversion: 1\nepoch: {read: []}\n' | /tmp/snapd-oracle snap-yaml -
    ("epoch-map-empty", b"name: foo\nversion: 1\nepoch: {read: []}\n", Parse("cannot parse snap.yaml: epoch list cannot be explicitly empty")),
    // printf 'name: foo\nversion: 1\nepoch: {read: [[1]]}\n' | /tmp/snapd-oracle snap-yaml -
    ("epoch-nested", b"name: foo\nversion: 1\nepoch: {read: [[1]]}\n", Parse("cannot parse snap.yaml: epoch read/write attributes must be lists of epoch numbers")),
    // printf 'name: foo\nversion: 1\nepoch: {read: [1], write: [2]}\n' | /tmp/snapd-oracle snap-yaml -
    ("epoch-noint", b"name: foo\nversion: 1\nepoch: {read: [1], write: [2]}\n", Parse("cannot parse snap.yaml: epoch read and write lists must have a non-empty intersection")),
    // printf 'name: foo\nversion: 1\nepoch: {read: [~]}\n' | /tmp/snapd-oracle snap-yaml -
    ("epoch-null-item", b"name: foo\nversion: 1\nepoch: {read: [~]}\n", Parse("cannot parse snap.yaml: epoch numbers must be base 10 with no zero padding, but got \"\"")),
    // printf 'name: foo\nversion: 1\nepoch: [1]\n' | /tmp/snapd-oracle snap-yaml -
    ("epoch-seq", b"name: foo\nversion: 1\nepoch: [1]\n", Parse("cannot parse snap.yaml: yaml: unmarshal errors:\n  line 3: cannot unmarshal !!seq into snap.structuredEpoch")),
    // printf 'name: foo\nversion: 1\nepoch: '\''*'\''\n' | /tmp/snapd-oracle snap-yaml -
    ("epoch-star", b"name: foo\nversion: 1\nepoch: '*'\n", Parse("cannot parse snap.yaml: epoch numbers must be base 10 with no zero padding, but got \"\"")),
    // printf 'name: foo\nversion: 1\nepoch: {write: [3]}\n' | /tmp/snapd-oracle snap-yaml -
    ("epoch-write-only", b"name: foo\nversion: 1\nepoch: {write: [3]}\n", Ok),
    // printf 'name: foo\nversion: 1\nhooks:\n  configure:\n    command-chain: ["a b"]\n' | /tmp/snapd-oracle snap-yaml -
    ("hook-chain", b"name: foo\nversion: 1\nhooks:\n  configure:\n    command-chain: [\"a b\"]\n", Validate("hook command-chain contains illegal \"a b\" (legal: '^[A-Za-z0-9/._#:$-]*$')")),
    // printf 'name: foo\nversion: 1\nhooks:\n  configure:\n    environment:\n      A: [1]\n' | /tmp/snapd-oracle snap-yaml -
    ("hook-env-list", b"name: foo\nversion: 1\nhooks:\n  configure:\n    environment:\n      A: [1]\n", Parse("cannot parse snap.yaml: yaml: unmarshal errors:\n  line 6: cannot unmarshal !!seq into string")),
    // printf 'name: foo\nversion: 1\nhooks:\n  configure: x\n' | /tmp/snapd-oracle snap-yaml -
    ("hook-scalar", b"name: foo\nversion: 1\nhooks:\n  configure: x\n", Parse("cannot parse snap.yaml: yaml: unmarshal errors:\n  line 4: cannot unmarshal !!str `x` into snap.hookYaml")),
    // printf 'name: foo\nversion: 1\nhooks:\n  bogus:\n' | /tmp/snapd-oracle snap-yaml -
    ("hooks-bogus", b"name: foo\nversion: 1\nhooks:\n  bogus:\n", Ok),
    // printf 'name: foo\nversion: 1\napps:\n  a:\n    command: x\n    install-mode: x\n' | /tmp/snapd-oracle snap-yaml -
    ("install-bad", b"name: foo\nversion: 1\napps:\n  a:\n    command: x\n    install-mode: x\n", Validate("invalid definition of application \"a\": \"install-mode\" field contains invalid value \"x\"")),
    // printf 'name: foo\nversion: 1\napps:\n  a:\n    command: x\n    install-mode: enable\n' | /tmp/snapd-oracle snap-yaml -
    ("install-nosvc", b"name: foo\nversion: 1\napps:\n  a:\n    command: x\n    install-mode: enable\n", Validate("invalid definition of application \"a\": \"install-mode\" cannot be used for \"a\", only for services")),
    // printf 'name: foo\nversion: 1\nlayout:\n  /usr/a*:\n    bind: $SNAP/x\n' | /tmp/snapd-oracle snap-yaml -
    ("lay-apparmor", b"name: foo\nversion: 1\nlayout:\n  /usr/a*:\n    bind: $SNAP/x\n", Validate("invalid layout path: \"/usr/a*\" contains a reserved apparmor char from ?*[]{}^\"\u{0}")),
    // printf 'name: foo\nversion: 1\nlayout:\n  /usr/x:\n    bind: $SNAP/y*\n' | /tmp/snapd-oracle snap-yaml -
    ("lay-bindaa", b"name: foo\nversion: 1\nlayout:\n  /usr/x:\n    bind: $SNAP/y*\n", Validate("layout \"/usr/x\" uses invalid mount source: \"/snap/foo/unset/y*\" contains a reserved apparmor char from ?*[]{}^\"\u{0}")),
    // printf 'name: foo\nversion: 1\nlayout:\n  /usr/x:\n    bind: $SNAP/x/../y\n' | /tmp/snapd-oracle snap-yaml -
    ("lay-bindclean", b"name: foo\nversion: 1\nlayout:\n  /usr/x:\n    bind: $SNAP/x/../y\n", Validate("layout \"/usr/x\" uses invalid bind mount source \"/snap/foo/unset/x/../y\": must be absolute and clean")),
    // printf 'name: foo\nversion: 1\nlayout:\n  /usr/x:\n    bind: /usr/y\n' | /tmp/snapd-oracle snap-yaml -
    ("lay-bindout", b"name: foo\nversion: 1\nlayout:\n  /usr/x:\n    bind: /usr/y\n", Validate("layout \"/usr/x\" uses invalid bind mount source \"/usr/y\": must start with $SNAP, $SNAP_DATA or $SNAP_COMMON")),
    // printf 'name: foo\nversion: 1\nlayout:\n  /usr/x:\n    bind: $FOO/x\n' | /tmp/snapd-oracle snap-yaml -
    ("lay-bindvar", b"name: foo\nversion: 1\nlayout:\n  /usr/x:\n    bind: $FOO/x\n", Validate("layout \"/usr/x\" uses invalid bind mount source \"$FOO/x\": reference to unknown variable \"$FOO\"")),
    // printf 'name: foo\nversion: 1\nlayout:\n  /usr/a:\n    bind: $SNAP/x\n  /usr/b:\n    bind-file: $SNAP/x\n' | /tmp/snapd-oracle snap-yaml -
    ("lay-dirfile", b"name: foo\nversion: 1\nlayout:\n  /usr/a:\n    bind: $SNAP/x\n  /usr/b:\n    bind-file: $SNAP/x\n", Validate("layout \"/usr/b\" refers to file \"$SNAP/x\" but another layout treats it as a directory")),
    // printf 'name: foo\nversion: 1\nlayout:\n  /usr/x:\n    type: ext4\n' | /tmp/snapd-oracle snap-yaml -
    ("lay-fs", b"name: foo\nversion: 1\nlayout:\n  /usr/x:\n    type: ext4\n", Validate("layout \"/usr/x\" uses invalid filesystem \"ext4\"")),
    // printf 'name: foo\nversion: 1\nlayout:\n  /usr/x:\n    type: tmpfs\n    group: me\n' | /tmp/snapd-oracle snap-yaml -
    ("lay-group", b"name: foo\nversion: 1\nlayout:\n  /usr/x:\n    type: tmpfs\n    group: me\n", Validate("layout \"/usr/x\" uses invalid group \"me\"")),
    // printf 'name: foo\nversion: 1\nlayout:\n  /usr/x:\n    type: tmpfs\n    mode: 2755\n' | /tmp/snapd-oracle snap-yaml -
    ("lay-mode", b"name: foo\nversion: 1\nlayout:\n  /usr/x:\n    type: tmpfs\n    mode: 2755\n", Validate("layout \"/usr/x\" uses invalid mode 02755")),
    // printf 'name: foo\nversion: 1\nlayout:\n  /usr/x:\n    user: root\n' | /tmp/snapd-oracle snap-yaml -
    ("lay-none", b"name: foo\nversion: 1\nlayout:\n  /usr/x:\n    user: root\n", Validate("layout \"/usr/x\" must define a bind mount, a filesystem mount or a symlink")),
    // printf 'name: foo\nversion: 1\nlayout:\n  /usr/x/:\n    bind: $SNAP/x\n' | /tmp/snapd-oracle snap-yaml -
    ("lay-notclean", b"name: foo\nversion: 1\nlayout:\n  /usr/x/:\n    bind: $SNAP/x\n", Validate("layout \"/usr/x/\" uses invalid mount point: must be absolute and clean")),
    // printf 'name: foo\nversion: 1\nlayout:\n  /usr/x:\n' | /tmp/snapd-oracle snap-yaml -
    ("lay-null", b"name: foo\nversion: 1\nlayout:\n  /usr/x:\n", Validate("layout \"/usr/x\" must define a bind mount, a filesystem mount or a symlink")),
    // printf 'name: foo\nversion: 1\nlayout:\n  /var/lib/snapd/x:\n    bind: $SNAP/x\n' | /tmp/snapd-oracle snap-yaml -
    ("lay-offlimits", b"name: foo\nversion: 1\nlayout:\n  /var/lib/snapd/x:\n    bind: $SNAP/x\n", Validate("layout \"/var/lib/snapd/x\" in an off-limits area")),
    // printf 'name: foo\nversion: 1\nlayout:\n  /snap/bar/x:\n    bind: $SNAP/x\n' | /tmp/snapd-oracle snap-yaml -
    ("lay-other", b"name: foo\nversion: 1\nlayout:\n  /snap/bar/x:\n    bind: $SNAP/x\n", Validate("layout \"/snap/bar/x\" defines a layout in space belonging to another snap")),
    // printf 'name: foo\nversion: 1\nlayout:\n  usr/foo:\n    bind: $SNAP/x\n' | /tmp/snapd-oracle snap-yaml -
    ("lay-relative", b"name: foo\nversion: 1\nlayout:\n  usr/foo:\n    bind: $SNAP/x\n", Validate("layout \"usr/foo\" is a relative filename")),
    // printf 'name: foo\nversion: 1\nlayout:\n  $SNAP/x:\n    type: tmpfs\n  $SNAP/x/y:\n    type: tmpfs\n' | /tmp/snapd-oracle snap-yaml -
    ("lay-snap", b"name: foo\nversion: 1\nlayout:\n  $SNAP/x:\n    type: tmpfs\n  $SNAP/x/y:\n    type: tmpfs\n", Validate("layout \"$SNAP/x/y\" underneath prior layout item \"/snap/foo/unset/x\"")),
    // printf 'name: foo\nversion: 1\nlayout:\n  /usr/x:\n    symlink: /usr/y\n' | /tmp/snapd-oracle snap-yaml -
    ("lay-symout", b"name: foo\nversion: 1\nlayout:\n  /usr/x:\n    symlink: /usr/y\n", Validate("layout \"/usr/x\" uses invalid symlink old name \"/usr/y\": must start with $SNAP, $SNAP_DATA or $SNAP_COMMON")),
    // printf 'name: foo\nversion: 1\nlayout:\n  /proc/foo:\n    bind: $SNAP/x\n' | /tmp/snapd-oracle snap-yaml -
    ("lay-toplevel", b"name: foo\nversion: 1\nlayout:\n  /proc/foo:\n    bind: $SNAP/x\n", Validate("layout \"/proc/foo\" defines a new top-level directory \"/proc\"")),
    // printf 'name: foo\nversion: 1\nlayout:\n  /usr/x:\n    type: tmpfs\n    user: me\n' | /tmp/snapd-oracle snap-yaml -
    ("lay-user", b"name: foo\nversion: 1\nlayout:\n  /usr/x:\n    type: tmpfs\n    user: me\n", Validate("layout \"/usr/x\" uses invalid user \"me\"")),
    // printf 'name: foo\nversion: 1\nlayout:\n  $SNAP_USER_DATA/x:\n    bind: $SNAP/x\n' | /tmp/snapd-oracle snap-yaml -
    ("lay-var", b"name: foo\nversion: 1\nlayout:\n  $SNAP_USER_DATA/x:\n    bind: $SNAP/x\n", Validate("layout \"$SNAP_USER_DATA/x\" defines a new top-level directory \"/x\"")),
    // printf 'name: foo\nversion: 1\nlayout:\n  /usr/x: y\n' | /tmp/snapd-oracle snap-yaml -
    ("layout-entry-scalar", b"name: foo\nversion: 1\nlayout:\n  /usr/x: y\n", Parse("cannot parse snap.yaml: yaml: unmarshal errors:\n  line 4: cannot unmarshal !!bool `y` into snap.layoutYaml")),
    // printf 'name: foo\nversion: 1\nlayout:\n  /usr/foo:\n    bind: $SNAP/x\n    mode: 77777777777\n' | /tmp/snapd-oracle snap-yaml -
    ("layout-mode-big", b"name: foo\nversion: 1\nlayout:\n  /usr/foo:\n    bind: $SNAP/x\n    mode: 77777777777\n", Parse("strconv.ParseUint: parsing \"77777777777\": value out of range")),
    // printf 'name: foo\nversion: 1\nlayout:\n  /usr/foo:\n    bind: $SNAP/x\n    mode: "0999"\n' | /tmp/snapd-oracle snap-yaml -
    ("layout-mode", b"name: foo\nversion: 1\nlayout:\n  /usr/foo:\n    bind: $SNAP/x\n    mode: \"0999\"\n", Parse("strconv.ParseUint: parsing \"0999\": invalid syntax")),
    // printf 'name: foo\nversion: 1\nlayout: x\n' | /tmp/snapd-oracle snap-yaml -
    ("layout-scalar", b"name: foo\nversion: 1\nlayout: x\n", Parse("cannot parse snap.yaml: yaml: unmarshal errors:\n  line 3: cannot unmarshal !!str `x` into map[string]snap.layoutYaml")),
    // printf 'name: foo\nversion: 1\nlayouts:\n' | /tmp/snapd-oracle snap-yaml -
    ("layouts-null", b"name: foo\nversion: 1\nlayouts:\n", Ok),
    // printf 'name: foo\nversion: 1\nlayouts: {}\n' | /tmp/snapd-oracle snap-yaml -
    ("layouts", b"name: foo\nversion: 1\nlayouts: {}\n", Parse("cannot parse snap.yaml: typo detected: use singular \"layout\" instead of plural \"layouts\"")),
    // printf 'name: foo\nversion: 1\nlinks:\n  contact: x\n' | /tmp/snapd-oracle snap-yaml -
    ("links-scalar", b"name: foo\nversion: 1\nlinks:\n  contact: x\n", Parse("cannot parse snap.yaml: yaml: unmarshal errors:\n  line 4: cannot unmarshal !!str `x` into []string")),
    // printf 'name: foo\nversion: 1\napps:\n  a: &x\n    command: x\n  b:\n    <<: *x\n' | /tmp/snapd-oracle snap-yaml -
    ("merge-key", b"name: foo\nversion: 1\napps:\n  a: &x\n    command: x\n  b:\n    <<: *x\n", Ok),
    // printf 'name: foo\nversion: 1\napps:\n  a:\n    command: x\n    <<: {daemon: bogus}\n' | /tmp/snapd-oracle snap-yaml -
    ("merge-over", b"name: foo\nversion: 1\napps:\n  a:\n    command: x\n    <<: {daemon: bogus}\n", Validate("invalid definition of application \"a\": \"daemon\" field contains invalid value \"bogus\"")),
    // printf 'name: foo\nversion: 1\nplugs:\n  <<: x\n' | /tmp/snapd-oracle snap-yaml -
    ("merge-scalar", b"name: foo\nversion: 1\nplugs:\n  <<: x\n", Parse("cannot parse snap.yaml: yaml: map merge requires map or sequence of maps as the value")),
    // printf 'name: foo\nversion: 1\nbase: &b {a: network}\nplugs:\n  <<: [{a: home, b: x11}, *b]\n  c: home\n' | /tmp/snapd-oracle snap-yaml -
    ("merge-seq", b"name: foo\nversion: 1\nbase: &b {a: network}\nplugs:\n  <<: [{a: home, b: x11}, *b]\n  c: home\n", Parse("cannot parse snap.yaml: yaml: unmarshal errors:\n  line 3: cannot unmarshal !!map into string")),
    // printf '<<: {name: foo}\nversion: 1\n' | /tmp/snapd-oracle snap-yaml -
    ("merge-top", b"<<: {name: foo}\nversion: 1\n", Ok),
    // printf 'version: 1\n' | /tmp/snapd-oracle snap-yaml -
    ("name-empty", b"version: 1\n", Validate("snap name cannot be empty")),
    // printf 'name: ~\nversion: 1\n' | /tmp/snapd-oracle snap-yaml -
    ("name-null", b"name: ~\nversion: 1\n", Validate("snap name cannot be empty")),
    // printf 'name: foo\nversion: \xc3' | /tmp/snapd-oracle snap-yaml -
    ("nonutf8-incomplete", b"name: foo\nversion: \xc3", Parse("cannot parse snap.yaml: yaml: incomplete UTF-8 octet sequence")),
    // printf 'name: foo\nversion: \xc3(\n' | /tmp/snapd-oracle snap-yaml -
    ("nonutf8-trail", b"name: foo\nversion: \xc3(\n", Parse("cannot parse snap.yaml: yaml: invalid trailing UTF-8 octet")),
    // printf 'name: foo\nversion: \xff\n' | /tmp/snapd-oracle snap-yaml -
    ("nonutf8", b"name: foo\nversion: \xff\n", Parse("cannot parse snap.yaml: yaml: invalid leading UTF-8 octet")),
    // printf 'name: foo\nversion: 1\napps:\n  a:\n    command: x\n    daemon: simple\n    after: [b]\n' | /tmp/snapd-oracle snap-yaml -
    ("order-missing", b"name: foo\nversion: 1\napps:\n  a:\n    command: x\n    daemon: simple\n    after: [b]\n", Validate("invalid definition of application \"a\": before/after references a missing application \"b\"")),
    // printf 'name: foo\nversion: 1\napps:\n  a:\n    command: x\n    daemon: simple\n    after: [b]\n  b:\n    command: x\n' | /tmp/snapd-oracle snap-yaml -
    ("order-nonsvc", b"name: foo\nversion: 1\napps:\n  a:\n    command: x\n    daemon: simple\n    after: [b]\n  b:\n    command: x\n", Validate("invalid definition of application \"a\": before/after references a non-service application \"b\"")),
    // printf 'name: foo\nversion: 1\napps:\n  a:\n    command: x\n    after: [b]\n' | /tmp/snapd-oracle snap-yaml -
    ("order-nosvc", b"name: foo\nversion: 1\napps:\n  a:\n    command: x\n    after: [b]\n", Validate("invalid definition of application \"a\": must be a service to define before/after ordering")),
    // printf 'name: foo\nversion: 1\napps:\n  a:\n    command: x\n    daemon: simple\n    after: [b]\n  b:\n    command: x\n    daemon: simple\n    daemon-scope: user\n' | /tmp/snapd-oracle snap-yaml -
    ("order-scope", b"name: foo\nversion: 1\napps:\n  a:\n    command: x\n    daemon: simple\n    after: [b]\n  b:\n    command: x\n    daemon: simple\n    daemon-scope: user\n", Validate("invalid definition of application \"a\": before/after references service with different daemon-scope \"b\"")),
    // printf 'name: foo\nversion: 1\nplugs:\n  p:\n    n: x\n' | /tmp/snapd-oracle snap-yaml -
    ("plug-bool-key", b"name: foo\nversion: 1\nplugs:\n  p:\n    n: x\n", Parse("plug \"p\" has attribute key that is not a string (found bool)")),
    // printf 'name: foo\nversion: 1\nplugs:\n  p:\n    $x: 1\n' | /tmp/snapd-oracle snap-yaml -
    ("plug-dollar", b"name: foo\nversion: 1\nplugs:\n  p:\n    $x: 1\n", Parse("plug \"p\" uses reserved attribute \"$x\"")),
    // printf 'name: foo\nversion: 1\nplugs:\n  p:\n    '\'''\'': 1\n' | /tmp/snapd-oracle snap-yaml -
    ("plug-empty-key", b"name: foo\nversion: 1\nplugs:\n  p:\n    '': 1\n", Parse("plug \"p\" has an empty attribute key")),
    // printf 'name: foo\nversion: 1\nplugs:\n  p: 1.5\n' | /tmp/snapd-oracle snap-yaml -
    ("plug-float", b"name: foo\nversion: 1\nplugs:\n  p: 1.5\n", Parse("plug \"p\" has malformed definition (found float64)")),
    // printf 'name: foo\nversion: 1\nplugs:\n  p:\n    interface: 1\n' | /tmp/snapd-oracle snap-yaml -
    ("plug-iface-int", b"name: foo\nversion: 1\nplugs:\n  p:\n    interface: 1\n", Parse("interface name on plug \"p\" is not a string (found int)")),
    // printf 'name: foo\nversion: 1\nplugs:\n  p: 1\n' | /tmp/snapd-oracle snap-yaml -
    ("plug-int", b"name: foo\nversion: 1\nplugs:\n  p: 1\n", Parse("plug \"p\" has malformed definition (found int)")),
    // printf 'name: foo\nversion: 1\nplugs:\n  p:\n    label: yes\n' | /tmp/snapd-oracle snap-yaml -
    ("plug-label-bool", b"name: foo\nversion: 1\nplugs:\n  p:\n    label: yes\n", Parse("label of plug \"p\" is not a string (found bool)")),
    // printf 'name: foo\nversion: 1\nplugs:\n  p: [a]\n' | /tmp/snapd-oracle snap-yaml -
    ("plug-list", b"name: foo\nversion: 1\nplugs:\n  p: [a]\n", Parse("plug \"p\" has malformed definition (found []interface {})")),
    // printf 'name: foo\nversion: 1\nplugs:\n  p:\n    a: {1: 2}\n' | /tmp/snapd-oracle snap-yaml -
    ("plug-nonstr-key", b"name: foo\nversion: 1\nplugs:\n  p:\n    a: {1: 2}\n", Parse("attribute \"a\" of plug \"p\": non-string key: 1")),
    // printf 'name: foo\nversion: 1\nplugs:\n  p:\n    a:\n' | /tmp/snapd-oracle snap-yaml -
    ("plug-null-attr", b"name: foo\nversion: 1\nplugs:\n  p:\n    a:\n", Parse("attribute \"a\" of plug \"p\": invalid scalar: <nil>")),
    // printf 'name: foo\nversion: 1\nplugs:\n  p:\n    a: {[1]: 2}\n' | /tmp/snapd-oracle snap-yaml -
    ("plug-seq-key", b"name: foo\nversion: 1\nplugs:\n  p:\n    a: {[1]: 2}\n", Parse("cannot parse snap.yaml: yaml: invalid map key: []interface {}{1}")),
    // printf 'name: foo\nversion: 1\nplugs:\n  x: bogus-iface\n' | /tmp/snapd-oracle snap-yaml -
    ("plugs-bad-interface-noop", b"name: foo\nversion: 1\nplugs:\n  x: bogus-iface\n", Ok),
    // printf 'name: foo\nversion: 1\nplugs:\n  p:\n    interface: content\n    interface: 1\n' | /tmp/snapd-oracle snap-yaml -
    ("plugs-dupkey", b"name: foo\nversion: 1\nplugs:\n  p:\n    interface: content\n    interface: 1\n", Parse("interface name on plug \"p\" is not a string (found int)")),
    // printf 'name: foo\nversion: 1\nplugs:\n  <<: {a: network}\n' | /tmp/snapd-oracle snap-yaml -
    ("plugs-merge-key", b"name: foo\nversion: 1\nplugs:\n  <<: {a: network}\n", Ok),
    // printf 'name: foo\nversion: 1\nplugs:\n  a: network\nplugs:\n  b: home\n' | /tmp/snapd-oracle snap-yaml -
    ("plugs-merge", b"name: foo\nversion: 1\nplugs:\n  a: network\nplugs:\n  b: home\n", Ok),
    // printf 'name: foo\nversion: 1\nplugs: [a]\n' | /tmp/snapd-oracle snap-yaml -
    ("plugs-seq", b"name: foo\nversion: 1\nplugs: [a]\n", Parse("cannot parse snap.yaml: yaml: unmarshal errors:\n  line 3: cannot unmarshal !!seq into map[string]interface {}")),
    // printf 'name: foo\nversion: 1\nprovenance: global-upload\n' | /tmp/snapd-oracle snap-yaml -
    ("prov-default", b"name: foo\nversion: 1\nprovenance: global-upload\n", Validate("provenance cannot be set to default (global-upload) explicitly")),
    // printf 'name: foo\nversion: 1\napps:\n  a:\n    command: x\n    daemon: simple\n    refresh-mode: ignore-running\n' | /tmp/snapd-oracle snap-yaml -
    ("refresh-ir-svc", b"name: foo\nversion: 1\napps:\n  a:\n    command: x\n    daemon: simple\n    refresh-mode: ignore-running\n", Validate("invalid definition of application \"a\": \"refresh-mode\" cannot be set to \"ignore-running\" for services")),
    // printf 'name: foo\nversion: 1\napps:\n  a:\n    command: x\n    refresh-mode: endure\n' | /tmp/snapd-oracle snap-yaml -
    ("refresh-nosvc", b"name: foo\nversion: 1\napps:\n  a:\n    command: x\n    refresh-mode: endure\n", Validate("invalid definition of application \"a\": \"refresh-mode\" for app \"a\" can only have value \"ignore-running\"")),
    // printf 'name: foo\nversion: 1\napps:\n  a:\n    command: x\n    restart-condition: bogus\n' | /tmp/snapd-oracle snap-yaml -
    ("restart-bad", b"name: foo\nversion: 1\napps:\n  a:\n    command: x\n    restart-condition: bogus\n", Parse("cannot parse snap.yaml: invalid restart condition")),
    // printf 'name: foo\nversion: 1\napps:\n  a:\n    command: x\n    restart-condition: always\n' | /tmp/snapd-oracle snap-yaml -
    ("restart-cond-nosvc", b"name: foo\nversion: 1\napps:\n  a:\n    command: x\n    restart-condition: always\n", Validate("invalid definition of application \"a\": restart-condition is only applicable to services")),
    // printf 'foo\n' | /tmp/snapd-oracle snap-yaml -
    ("scalar-doc", b"foo\n", Parse("cannot parse snap.yaml: yaml: unmarshal errors:\n  line 1: cannot unmarshal !!str `foo` into snap.snapYaml")),
    // printf 'name: foo\nversion: 1\napps:\n  a:\n    command: x\n    daemon-scope: user\n' | /tmp/snapd-oracle snap-yaml -
    ("scope-nodaemon", b"name: foo\nversion: 1\napps:\n  a:\n    command: x\n    daemon-scope: user\n", Validate("invalid definition of application \"a\": \"daemon-scope\" can only be set for daemons")),
    // printf '- a\n' | /tmp/snapd-oracle snap-yaml -
    ("seq-doc", b"- a\n", Parse("cannot parse snap.yaml: yaml: unmarshal errors:\n  line 1: cannot unmarshal !!seq into snap.snapYaml")),
    // printf 'name: [a]\nversion: 1\n' | /tmp/snapd-oracle snap-yaml -
    ("seq-name", b"name: [a]\nversion: 1\n", Parse("cannot parse snap.yaml: yaml: unmarshal errors:\n  line 1: cannot unmarshal !!seq into string")),
    // printf 'name: snapd\nversion: 1\n' | /tmp/snapd-oracle snap-yaml -
    ("snapd-type", b"name: snapd\nversion: 1\n", Ok),
    // printf 'name: foo\nversion: 1\napps:\n  a:\n    command: x\n    plugs: [network-bind]\n    daemon: simple\n    sockets:\n      s:\n        listen-stream: 8080\n        socket-mode: 1.5\n' | /tmp/snapd-oracle snap-yaml -
    ("socket-float", b"name: foo\nversion: 1\napps:\n  a:\n    command: x\n    plugs: [network-bind]\n    daemon: simple\n    sockets:\n      s:\n        listen-stream: 8080\n        socket-mode: 1.5\n", Ok),
    // printf 'name: foo\nversion: 1\napps:\n  a:\n    command: x\n    sockets:\n      s:\n        socket-mode: -1\n' | /tmp/snapd-oracle snap-yaml -
    ("socket-mode-neg", b"name: foo\nversion: 1\napps:\n  a:\n    command: x\n    sockets:\n      s:\n        socket-mode: -1\n", Parse("cannot parse snap.yaml: yaml: unmarshal errors:\n  line 8: cannot unmarshal !!int `-1` into fs.FileMode")),
    // printf 'name: foo\nversion: 1\napps:\n  a:\n    command: x\n    sockets:\n      s:\n        socket-mode: "0660"\n' | /tmp/snapd-oracle snap-yaml -
    ("socket-mode-str", b"name: foo\nversion: 1\napps:\n  a:\n    command: x\n    sockets:\n      s:\n        socket-mode: \"0660\"\n", Parse("cannot parse snap.yaml: yaml: unmarshal errors:\n  line 8: cannot unmarshal !!str `0660` into fs.FileMode")),
    // printf 'name: foo\nversion: 1\napps:\n  a:\n    command: x\n    daemon: simple\n    sockets:\n      s:\n        listen-stream: 8080\n' | /tmp/snapd-oracle snap-yaml -
    ("sockets-nobind", b"name: foo\nversion: 1\napps:\n  a:\n    command: x\n    daemon: simple\n    sockets:\n      s:\n        listen-stream: 8080\n", Validate("invalid definition of application \"a\": \"network-bind\" interface plug is required when sockets are used")),
    // printf 'name: foo\nversion: 1\napps:\n  a:\n    command: x\n    daemon: simple\n    stop-mode: bogus\n' | /tmp/snapd-oracle snap-yaml -
    ("stopmode-bad", b"name: foo\nversion: 1\napps:\n  a:\n    command: x\n    daemon: simple\n    stop-mode: bogus\n", Validate("invalid definition of application \"a\": \"stop-mode\" field contains invalid value \"bogus\"")),
    // printf 'name: foo\nversion: 1\napps:\n  a:\n    command: x\n    stop-mode: sigterm\n' | /tmp/snapd-oracle snap-yaml -
    ("stopmode-nosvc", b"name: foo\nversion: 1\napps:\n  a:\n    command: x\n    stop-mode: sigterm\n", Validate("invalid definition of application \"a\": \"stop-mode\" cannot be used for \"a\", only for services")),
    // printf 'name: foo\nversion: 1\nsystem-usernames:\n  '\'''\'': shared\n' | /tmp/snapd-oracle snap-yaml -
    ("su-empty", b"name: foo\nversion: 1\nsystem-usernames:\n  '': shared\n", Parse("system username cannot be empty")),
    // printf 'name: foo\nversion: 1\nsystem-usernames:\n  snap_daemon: [a]\n' | /tmp/snapd-oracle snap-yaml -
    ("su-list", b"name: foo\nversion: 1\nsystem-usernames:\n  snap_daemon: [a]\n", Parse("system username \"snap_daemon\" has malformed definition (found []interface {})")),
    // printf 'name: foo\nversion: 1\nsystem-usernames:\n  snap_daemon: {}\n' | /tmp/snapd-oracle snap-yaml -
    ("su-noscope", b"name: foo\nversion: 1\nsystem-usernames:\n  snap_daemon: {}\n", Parse("system username \"snap_daemon\" does not specify a scope")),
    // printf 'name: foo\nversion: 1\nsystem-usernames:\n  snap_daemon:\n' | /tmp/snapd-oracle snap-yaml -
    ("su-null", b"name: foo\nversion: 1\nsystem-usernames:\n  snap_daemon:\n", Parse("system username \"snap_daemon\" does not specify a scope")),
    // printf 'name: foo\nversion: 1\nsystem-usernames:\n  snap_daemon: {scope: 1}\n' | /tmp/snapd-oracle snap-yaml -
    ("su-scope-int", b"name: foo\nversion: 1\nsystem-usernames:\n  snap_daemon: {scope: 1}\n", Parse("scope on system username \"snap_daemon\" is not a string (found int)")),
    // printf 'name: foo\n  bad: [\n' | /tmp/snapd-oracle snap-yaml -
    ("syntax", b"name: foo\n  bad: [\n", Parse("cannot parse snap.yaml: yaml: line 2: mapping values are not allowed in this context")),
    // printf 'name: foo\nversion: 1\nplugs:\n  p: !!str 1\n' | /tmp/snapd-oracle snap-yaml -
    ("tagged-str", b"name: foo\nversion: 1\nplugs:\n  p: !!str 1\n", Ok),
    // printf 'name: foo\nversion: 1\napps:\n  a:\n    command: x\n    timer: 10:00\n' | /tmp/snapd-oracle snap-yaml -
    ("timer-nosvc", b"name: foo\nversion: 1\napps:\n  a:\n    command: x\n    timer: 10:00\n", Validate("invalid definition of application \"a\": timer is only applicable to services")),
    // printf 'name: foo\nversion: 1\napps:\n  a:\n    command: x\n    daemon: simple\n    timer: 10:00\n' | /tmp/snapd-oracle snap-yaml -
    ("timer-set", b"name: foo\nversion: 1\napps:\n  a:\n    command: x\n    daemon: simple\n    timer: 10:00\n", Ok),
    // printf 'name: foo\nversion: 1\ntitle: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n' | /tmp/snapd-oracle snap-yaml -
    ("title-long", b"name: foo\nversion: 1\ntitle: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n", Validate("title can have up to 40 codepoints, got 45")),
    // printf 'name: [a]\nversion: {a: 1}\ntitle: x\n' | /tmp/snapd-oracle snap-yaml -
    ("two-type-errors", b"name: [a]\nversion: {a: 1}\ntitle: x\n", Parse("cannot parse snap.yaml: yaml: unmarshal errors:\n  line 1: cannot unmarshal !!seq into string\n  line 2: cannot unmarshal !!map into string")),
    // printf 'name: foo\nversion: 1\ntype: application\n' | /tmp/snapd-oracle snap-yaml -
    ("type-application", b"name: foo\nversion: 1\ntype: application\n", Ok),
    // printf 'name: foo\nversion: 1\ntype: bogus\n' | /tmp/snapd-oracle snap-yaml -
    ("type-bad", b"name: foo\nversion: 1\ntype: bogus\n", Parse("cannot parse snap.yaml: invalid snap type: \"bogus\"")),
    // printf 'name: foo\nversion: 1\ntype: '\'''\''\n' | /tmp/snapd-oracle snap-yaml -
    ("type-empty", b"name: foo\nversion: 1\ntype: ''\n", Parse("cannot parse snap.yaml: invalid snap type: \"\"")),
    // printf 'name: foo\nversion: 1\ntype: ~\n' | /tmp/snapd-oracle snap-yaml -
    ("type-null", b"name: foo\nversion: 1\ntype: ~\n", Ok),
    // printf 'name: foo\nversion: 1\ntype: [a]\n' | /tmp/snapd-oracle snap-yaml -
    ("type-seq", b"name: foo\nversion: 1\ntype: [a]\n", Parse("cannot parse snap.yaml: yaml: unmarshal errors:\n  line 3: cannot unmarshal !!seq into string")),
    // printf 'name: foo\nversion: 1.10\n' | /tmp/snapd-oracle snap-yaml -
    ("ver-float", b"name: foo\nversion: 1.10\n", Ok),
    // printf 'name: foo\nversion: 1\nslots:\n  d: {interface: dbus, bus: 1, name: org.x}\napps:\n  a:\n    command: x\n    daemon: simple\n    activates-on: [d]\n' | /tmp/snapd-oracle snap-yaml -
    ("act-intbus", b"name: foo\nversion: 1\nslots:\n  d: {interface: dbus, bus: 1, name: org.x}\napps:\n  a:\n    command: x\n    daemon: simple\n    activates-on: [d]\n", Ok),
    // printf 'name: foo\nversion: 1\nslots:\n  d: {interface: dbus, name: org.x}\napps:\n  a:\n    command: x\n    daemon: simple\n    activates-on: [d]\n' | /tmp/snapd-oracle snap-yaml -
    ("act-nobus", b"name: foo\nversion: 1\nslots:\n  d: {interface: dbus, name: org.x}\napps:\n  a:\n    command: x\n    daemon: simple\n    activates-on: [d]\n", Ok),
    // printf 'name: foo\nversion: 1\nlinks:\n  '\'''\'': [a]\n' | /tmp/snapd-oracle snap-yaml -
    ("links-empty-key", b"name: foo\nversion: 1\nlinks:\n  '': [a]\n", Parse("links key cannot be empty")),
    // printf 'name: foo\nversion: 1\napps:\n  a:\n    command: x\n    restart-delay: 10s\n' | /tmp/snapd-oracle snap-yaml -
    ("restart-delay-nosvc", b"name: foo\nversion: 1\napps:\n  a:\n    command: x\n    restart-delay: 10s\n", Validate("invalid definition of application \"a\": restart-delay is only applicable to services")),
    // printf 'name: foo\nversion: 1\napps:\n  a:\n    command: x\n    stop-timeout: 10\n' | /tmp/snapd-oracle snap-yaml -
    ("stop-timeout-10", b"name: foo\nversion: 1\napps:\n  a:\n    command: x\n    stop-timeout: 10\n", Parse("cannot parse snap.yaml: time: missing unit in duration \"10\"")),
    // printf 'name: foo\nversion: 1\napps:\n  a:\n    command: x\n    daemon: simple\n    stop-timeout: -10s\n' | /tmp/snapd-oracle snap-yaml -
    ("timeout-neg", b"name: foo\nversion: 1\napps:\n  a:\n    command: x\n    daemon: simple\n    stop-timeout: -10s\n", Validate("invalid definition of application \"a\": stop-timeout cannot be negative")),
    // printf 'name: foo\nversion: 1\napps:\n  a:\n    command: x\n    stop-timeout: 10s\n' | /tmp/snapd-oracle snap-yaml -
    ("timeout-nosvc", b"name: foo\nversion: 1\napps:\n  a:\n    command: x\n    stop-timeout: 10s\n", Validate("invalid definition of application \"a\": stop-timeout is only applicable to services")),
];

/// What ucore does with an input, in the same terms.
fn ours(text: &[u8]) -> (bool, String, &'static str) {
    match Info::from_yaml(text) {
        Err(e) => (false, e.to_string(), "parse"),
        std::result::Result::Ok(info) => match info.validate() {
            Err(e) => (false, e.to_string(), "validate"),
            std::result::Result::Ok(()) => (true, String::new(), "ok"),
        },
    }
}

fn want(expect: &Expect) -> (bool, String, &'static str) {
    match expect {
        Ok => (true, String::new(), "ok"),
        Parse(e) => (false, e.to_string(), "parse"),
        Validate(e) => (false, e.to_string(), "validate"),
    }
}

fn check(cases: &[Case]) {
    let mut failures = Vec::new();
    for (name, text, expect) in cases {
        let got = ours(text);
        let want = want(expect);
        if got != want {
            failures.push(format!("{name}: want {want:?}, got {got:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn snapd_texts() {
    check(CASES);
}

/// The oracle's JSON for `text`.
fn oracle_json(oracle: &std::path::Path, text: &[u8]) -> serde_json::Value {
    let mut child = Command::new(oracle)
        .args(["snap-yaml", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("the oracle runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(text)
        .expect("write");
    let out = child.wait_with_output().expect("the oracle ends");
    serde_json::from_slice(&out.stdout).expect("JSON")
}

#[test]
fn live_oracle_agrees() {
    let Some(oracle) = ucore_test_support::oracle() else {
        return;
    };
    for (name, text, expect) in CASES.iter() {
        let v = oracle_json(&oracle, text);
        let ok = v["ok"].as_bool().unwrap_or(false);
        let stage = if ok {
            "ok"
        } else {
            v["stage"].as_str().unwrap_or("")
        };
        let got = (ok, v["error"].as_str().unwrap_or("").to_string(), stage);
        let want = want(expect);
        assert_eq!((got.0, got.1, got.2), (want.0, want.1, want.2), "{name}");
    }
}

const FULL: &str = "name: foo
version: 1.0
epoch: 1*
environment:
  B: 1
  A: x
plugs:
  shared-content:
    interface: content
    target: $SNAP/x
  net: network
slots:
  dbus-svc:
    interface: dbus
    bus: system
    name: org.foo
apps:
  a:
    command: bin/a
    daemon: simple
    plugs: [network-bind, home]
    activates-on: [dbus-svc]
    sockets:
      s1:
        listen-stream: $SNAP_DATA/s
        socket-mode: 0660
  b:
    command: bin/b
    aliases: [bb]
hooks:
  configure:
    plugs: [x11]
  bogus:
layout:
  /usr/foo:
    bind: $SNAP/usr/foo
    mode: \"0700\"
system-usernames:
  snap_daemon: shared
links:
  contact: [foo@example.com]
";

/// The bindings snapd makes, as the oracle prints them for `FULL`: unscoped plugs go to
/// every app and hook, listed ones only to their lister, activates-on binds its slot.
#[test]
fn bindings_defaults_and_serialisation() {
    let info = Info::from_yaml(FULL.as_bytes()).unwrap();
    info.validate().unwrap();
    let json = serde_json::to_value(&info).unwrap();
    assert_eq!(
        json["apps"]["a"]["plugs"],
        serde_json::json!(["home", "net", "network-bind", "shared-content"])
    );
    assert_eq!(
        json["apps"]["b"]["plugs"],
        serde_json::json!(["net", "shared-content"])
    );
    assert_eq!(json["apps"]["a"]["slots"], serde_json::json!(["dbus-svc"]));
    assert_eq!(json["apps"]["b"]["slots"], serde_json::json!([]));
    assert_eq!(
        json["hooks"]["configure"]["plugs"],
        serde_json::json!(["net", "shared-content", "x11"])
    );
    assert_eq!(
        json["plugs"]["x11"]["hooks"],
        serde_json::json!(["configure"])
    );
    assert_eq!(json["apps"]["a"]["daemon-scope"], "system");
    assert_eq!(json["apps"]["b"]["daemon-scope"], "");
    assert_eq!(json["apps"]["a"]["sockets"]["s1"]["socket-mode"], 432);
    assert_eq!(json["layout"]["/usr/foo"]["mode"], 448);
    assert_eq!(json["layout"]["/usr/foo"]["user"], "root");
    assert_eq!(
        json["environment"],
        serde_json::json!([["B", "1"], ["A", "x"]])
    );
    assert_eq!(
        json["epoch"],
        serde_json::json!({"read": [0, 1], "write": [1]})
    );
    assert_eq!(info.epoch.to_string(), "1*");
    assert_eq!(json["architectures"], serde_json::json!(["all"]));
    assert_eq!(
        json["system_usernames"]["snap_daemon"],
        serde_json::json!({"scope": "shared", "attrs": null})
    );
    assert!(!info.hooks.contains_key("bogus"));
    assert_eq!(info.legacy_aliases["bb"], "b");
    assert_eq!(info.effective_provenance(), "global-upload");
}

/// The fields the oracle prints for `FULL` that depend neither on the stubbed leaf rules
/// nor on the sanitizer (which adds attributes) are the same as ours.
#[test]
fn live_oracle_same_info() {
    let Some(oracle) = ucore_test_support::oracle() else {
        return;
    };
    let theirs = oracle_json(&oracle, FULL.as_bytes());
    let mine = serde_json::to_value(Info::from_yaml(FULL.as_bytes()).unwrap()).unwrap();
    for key in [
        "name",
        "version",
        "type",
        "base",
        "architectures",
        "assumes",
        "confinement",
        "title",
        "summary",
        "description",
        "license",
        "provenance",
        "environment",
        "links",
        "layout",
        "system_usernames",
        "common_ids",
    ] {
        assert_eq!(mine[key], theirs[key], "{key}");
    }
    assert_eq!(mine["epoch"], theirs["epoch_structured"]);
    for app in ["a", "b"] {
        for key in [
            "plugs",
            "slots",
            "activates-on",
            "aliases",
            "sockets",
            "daemon-scope",
            "command",
        ] {
            assert_eq!(
                mine["apps"][app][key], theirs["apps"][app][key],
                "{app} {key}"
            );
        }
    }
    for (name, plug) in theirs["plugs"].as_object().unwrap() {
        for key in ["apps", "hooks", "interface", "label"] {
            assert_eq!(mine["plugs"][name][key], plug[key], "{name} {key}");
        }
    }
}

#[test]
fn implicit_hooks_get_the_unscoped_plugs_and_slots() {
    let mut info = Info::from_yaml(
        b"name: foo\nversion: 1\nplugs:\n  net: network\n  home:\nslots:\n  s: x11\nhooks:\n  configure:\n    plugs: [home]\n",
    )
    .unwrap();
    info.add_implicit_hooks(["install", "configure", "bogus", "connect-plug-net"]);
    assert_eq!(
        info.hooks.keys().collect::<Vec<_>>(),
        ["configure", "connect-plug-net", "install"]
    );
    let install = &info.hooks["install"];
    assert!(!install.explicit);
    assert_eq!(install.plugs.iter().collect::<Vec<_>>(), ["net"]);
    assert_eq!(install.slots.iter().collect::<Vec<_>>(), ["s"]);
    // The declared hook keeps its own bindings (plus the unscoped ones from parsing).
    assert_eq!(
        info.hooks["configure"].plugs.iter().collect::<Vec<_>>(),
        ["home", "net"]
    );
    assert_eq!(
        info.plugs["net"].hooks.iter().collect::<Vec<_>>(),
        ["configure", "connect-plug-net", "install"]
    );
}

/// Two apps with one alias or one common-id: snapd names them in Go map order (either
/// way round); ucore in name order.
#[test]
fn clashes_between_apps() {
    let err = Info::from_yaml(
        b"name: foo\nversion: 1\napps:\n  b:\n    aliases: [x]\n  a:\n    aliases: [x]\n",
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "cannot set \"x\" as alias for both \"a\" and \"b\""
    );
    let info = Info::from_yaml(
        b"name: foo\nversion: 1\napps:\n  a:\n    common-id: i\n  b:\n    common-id: i\n",
    )
    .unwrap();
    assert_eq!(
        info.validate().unwrap_err().to_string(),
        "application \"b\" common-id \"i\" must be unique, already used by application \"a\""
    );
    let info = Info::from_yaml(
        b"name: foo\nversion: 1\napps:\n  a:\n    daemon: simple\n    after: [b]\n  b:\n    daemon: simple\n    after: [a]\n  c:\n    daemon: simple\n    before: [a]\n",
    )
    .unwrap();
    assert_eq!(
        info.validate().unwrap_err().to_string(),
        "applications are part of a before/after cycle: a, b"
    );
}

#[test]
fn snap_types() {
    let info = Info::from_yaml(b"name: snapd\nversion: 1\ntype: app\n").unwrap();
    assert_eq!(info.snap_type(), SnapType::Snapd);
    let mut info = Info::from_yaml(b"name: other\nversion: 1\n").unwrap();
    assert_eq!(info.snap_type(), SnapType::App);
    info.snap_id = "PMrrV4ml8uWuEUDBT8dSGnKUYbevVhc4".into();
    assert_eq!(info.snap_type(), SnapType::Snapd);
    assert_eq!(info.type_, SnapType::App);
}

#[test]
fn core_plugs_are_renamed() {
    let info = Info::from_yaml(
        b"name: core\nversion: 1\ntype: os\nplugs:\n  network-bind:\n  core-support:\napps:\n  a:\n    command: x\n    plugs: [network-bind]\n",
    )
    .unwrap();
    assert_eq!(
        info.plugs.keys().collect::<Vec<_>>(),
        ["core-support-plug", "network-bind-plug"]
    );
    assert_eq!(info.plugs["network-bind-plug"].interface, "network-bind");
    assert_eq!(
        info.apps["a"].plugs.iter().collect::<Vec<_>>(),
        ["core-support-plug", "network-bind-plug"]
    );
}

/// prepare-image's no-op sanitizer keeps a plug with a bad name, which `Validate` then
/// refuses (snapd's `ValidatePlugName`); the builtin one drops it.
#[test]
fn sanitizers() {
    let text = b"name: foo\nversion: 1\nplugs:\n  Net: network\n  x: bogus-iface\n";
    let info = Info::from_yaml_with(text, Sanitizer::None).unwrap();
    assert_eq!(
        info.validate().unwrap_err().to_string(),
        "invalid plug name: \"Net\""
    );
    let info = Info::from_yaml(text).unwrap();
    assert!(info.plugs.is_empty());
    assert_eq!(
        info.bad_interfaces["x"],
        "unknown interface \"bogus-iface\""
    );
    info.validate().unwrap();
}

#[test]
fn no_sanitizer_keeps_everything() {
    let text = b"name: foo\nversion: 1\nplugs:\n  x: bogus-iface\n";
    let info = Info::from_yaml_with(text, Sanitizer::None).unwrap();
    assert_eq!(info.plugs["x"].interface, "bogus-iface");
    assert!(info.bad_interfaces.is_empty());
}

/// Hostile input is an error or a result, never a panic, and deep nesting is bounded.
#[test]
fn hostile_input() {
    let deep = format!(
        "name: foo\nversion: 1\nplugs:\n  p:\n    a: {}",
        "[".repeat(100_000)
    );
    assert!(Info::from_yaml(deep.as_bytes()).is_err());
    let chain: String = (0..2000)
        .map(|i| {
            format!(
                "  a{i}:\n    command: x\n    daemon: simple\n    after: [a{}]\n",
                (i + 1) % 2000
            )
        })
        .collect();
    let info =
        Info::from_yaml(format!("name: foo\nversion: 1\napps:\n{chain}").as_bytes()).unwrap();
    assert!(
        info.validate()
            .unwrap_err()
            .to_string()
            .starts_with("applications are part of a before/after cycle: ")
    );
    for text in ["", "~", "[", "{", "- - -", "name: [", ":", "?", "&a [*a]"] {
        let _ = Info::from_yaml(text.as_bytes()).map(|i| i.validate());
    }
}
