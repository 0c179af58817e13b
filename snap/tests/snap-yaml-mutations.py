#!/usr/bin/env python3
"""Generate single-fault snap.yaml variants for the differential tests of ucore-snap.

Usage: snap-yaml-mutations.py CORPUS_DIR OUT_DIR

Writes OUT_DIR/NNNN.yaml (one case each, numbered in generation order) and
OUT_DIR/index.tsv (`NNNN<TAB>what the case changes`). The output is a pure function of
this script and of the corpus files (no randomness, no clock), so re-running it gives
the same cases with the same numbers. Identical texts are generated once.

Every case changes ONE thing of a valid base (a field removed, emptied, given a wrong
YAML type or a bad value), so that snapd's answer does not depend on Go's map order.
The rules and texts covered are those of /work/shared/spec/snap-image.md section 1.
"""

import copy
import os
import sys

import yaml


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data):
        return True


def dump(doc):
    return yaml.dump(doc, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=4096)


DROP = object()  # marker: remove the key


# --- bases ------------------------------------------------------------------------------

# A valid app snap that uses most of snap.yaml: every mutation below starts from a copy.
RICH = {
    "name": "mutant",
    "version": "1.0",
    "summary": "A snap for mutations",
    "description": "Base for single-fault variants.",
    "title": "Mutant",
    "license": "MIT",
    "base": "core22",
    "confinement": "strict",
    "type": "app",
    "epoch": "1*",
    "architectures": ["amd64", "arm64"],
    "assumes": ["snapd2.55", "command-chain"],
    "environment": {"FOO": "bar", "NUM": "1"},
    "plugs": {
        "home": None,
        "net": "network",
        "shared": {
            "interface": "content",
            "content": "shared",
            "target": "$SNAP/shared",
            "default-provider": "provider-snap",
        },
    },
    "slots": {
        "dbus-svc": {"interface": "dbus", "bus": "system", "name": "org.example.Mutant"},
    },
    "apps": {
        "cli": {
            "command": "bin/cli --flag",
            "command-chain": ["bin/chain"],
            "plugs": ["home", "net", "shared"],
            "aliases": ["mutant-cli"],
            "common-id": "org.example.Mutant",
            "environment": {"APP": "1"},
        },
        "svc": {
            "command": "bin/svc",
            "daemon": "simple",
            "stop-command": "bin/stop",
            "reload-command": "bin/reload",
            "post-stop-command": "bin/post-stop",
            "stop-timeout": "10s",
            "start-timeout": "1m",
            "watchdog-timeout": "30s",
            "restart-delay": "5s",
            "restart-condition": "on-failure",
            "stop-mode": "sigterm",
            "refresh-mode": "endure",
            "install-mode": "enable",
            "plugs": ["network-bind"],
            "sockets": {"sock": {"listen-stream": "$SNAP_DATA/sock", "socket-mode": 0o660}},
            "after": ["worker"],
        },
        "worker": {"command": "bin/worker", "daemon": "oneshot", "timer": "mon,10:00-12:00"},
        "bus": {
            "command": "bin/bus",
            "daemon": "dbus",
            "bus-name": "org.example.Mutant",
            "activates-on": ["dbus-svc"],
        },
        "user-svc": {"command": "bin/user", "daemon": "simple", "daemon-scope": "user"},
    },
    "hooks": {
        "configure": {"plugs": ["home"]},
        "install": {"command-chain": ["bin/hook-chain"]},
    },
    "layout": {
        "/usr/share/mutant": {"bind": "$SNAP/usr/share/mutant"},
        "/etc/mutant.conf": {"bind-file": "$SNAP_DATA/etc/mutant.conf"},
        "/var/cache/mutant": {"type": "tmpfs", "mode": "0755"},
        "/opt/mutant": {"symlink": "$SNAP/opt/mutant"},
    },
    "system-usernames": {"snap_daemon": "shared"},
    "links": {"website": ["https://example.com"], "contact": ["mailto:dev@example.com"]},
}

# A minimal valid snap with one command and one service (with a network-bind plug).
SIMPLE = {
    "name": "simple",
    "version": "1",
    "apps": {
        "cli": {"command": "bin/cli"},
        "svc": {"command": "bin/svc", "daemon": "simple", "plugs": ["network-bind"]},
    },
}

TYPED = {
    "gadget": {"name": "pc", "version": "22-1", "type": "gadget", "base": "core22"},
    "kernel": {"name": "pc-kernel", "version": "5.15.0-1", "type": "kernel"},
    "base": {"name": "core22", "version": "20230801", "type": "base"},
    "snapd": {"name": "snapd", "version": "2.57.6", "type": "snapd"},
    "os": {"name": "core", "version": "16-2.57", "type": "os"},
}


class Cases:
    def __init__(self):
        self.items = []
        self.seen = set()

    def text(self, what, text):
        if text in self.seen:
            return
        self.seen.add(text)
        self.items.append((what, text))

    def doc(self, what, doc):
        self.text(what, dump(doc))


def setp(doc, path, value):
    """Copy of doc with path (list of keys) set to value (DROP removes it)."""
    d = copy.deepcopy(doc)
    cur = d
    for k in path[:-1]:
        cur = cur[k]
    if value is DROP:
        cur.pop(path[-1], None)
    else:
        cur[path[-1]] = value
    return d


WRONG_TYPES = [("removed", DROP), ("empty", ""), ("null", None), ("list", ["x"]),
               ("map", {"x": "y"}), ("int", 5)]


# Keys of RICH that get every wrong type; the others get the first, fourth and fifth only.
ALL_WRONG = {"name", "version", "apps", "plugs", "slots", "epoch", "layout", "environment", "links",
             "system-usernames", "hooks"}


def top_level(c):
    for key in list(RICH):
        for n, (label, val) in enumerate(WRONG_TYPES):
            if key in ALL_WRONG or n in (0, 3, 4):
                c.doc(f"rich: {key} {label}", setp(RICH, [key], val))
    for key in ["name", "version", "apps"]:
        for label, val in WRONG_TYPES:
            c.doc(f"simple: {key} {label}", setp(SIMPLE, [key], val))
    c.doc("rich: valid base", RICH)
    c.doc("simple: valid base", SIMPLE)
    c.doc("rich: layouts typo", setp(RICH, ["layouts"], {"/opt/x": {"bind": "$SNAP/x"}}))
    c.doc("rich: grade bogus (ignored)", setp(RICH, ["grade"], "bogus"))
    c.doc("rich: unknown key (ignored)", setp(RICH, ["adopt-info"], "part"))
    c.text("raw: empty document", "")
    c.text("raw: comment only", "# nothing\n")
    c.text("raw: top-level list", "- name: x\n")
    c.text("raw: top-level scalar", "hello\n")
    c.text("raw: bad yaml", "name: [\n")
    c.text("raw: tab indentation", "name: tabbed\nversion: 1\napps:\n\tx:\n\t\tcommand: x\n")
    c.text("raw: duplicate top-level name (last wins)", "name: first\nname: second\nversion: 1\n")
    c.text("raw: invalid utf-8", b"name: utf\nversion: 1\nsummary: \xff\n")


def names(c):
    for n in ["ab", "a", "a" * 40, "a" * 41, "-ab", "ab-", "a--b", "Ab", "1234", "a1", "1a",
              "x_y", "x.y", "été", "snapd", "core", "a-1-b", "0x", "9-9-a"]:
        c.doc(f"name {n!r}", setp(SIMPLE, ["name"], n))
    c.text("raw: name on (yaml bool text)", "name: on\nversion: 1\n")
    c.text("raw: name 123 (yaml int text)", "name: 123\nversion: 1\n")


def versions(c):
    vals = ["1", "1.0", "a" * 32, "a" * 33, "-1", "1.", "1..2", "1 2", "héllo", "1_2", "v1.0+",
            "1.0~", ".1", "1:2", "a!b!c", "-x.y.", "1_2_3-", "~1", "1-", "a", "+", "1+", "x" * 40 + "!",
            "1.0.0-rc.1", "2024.01.01", "git", "1/2", "_", "a\tb", "1.2_beta~x"]
    for v in vals:
        c.doc(f"version {v!r}", setp(SIMPLE, ["version"], v))
    for raw in ["1.10", "0x10", "on", "1e3", "0777", "-1", "1.0.0", "null", "~", "''", "\"\""]:
        c.text(f"raw: version {raw}", f"name: rawver\nversion: {raw}\n")


def enums(c):
    for t in ["app", "application", "gadget", "kernel", "base", "snapd", "os", "bogus", "App", "core"]:
        c.doc(f"type {t!r}", setp(SIMPLE, ["type"], t))
    for t in ["strict", "devmode", "classic", "bogus", "Strict", "jailmode"]:
        c.doc(f"confinement {t!r}", setp(SIMPLE, ["confinement"], t))
    for kind, doc in TYPED.items():
        c.doc(f"typed {kind}: valid", doc)
        c.doc(f"typed {kind}: with base core22", setp(doc, ["base"], "core22"))
        c.doc(f"typed {kind}: with base none", setp(doc, ["base"], "none"))
        c.doc(f"typed {kind}: with an app", setp(doc, ["apps"], {"x": {"command": "bin/x"}}))
    c.doc("typed snapd: named snapd but type app", setp(TYPED["snapd"], ["type"], "app"))
    c.doc("typed os: core with network-bind and core-support plugs",
          setp(TYPED["os"], ["plugs"], {"network-bind": None, "core-support": None}))
    c.doc("typed os: core with network-bind slot",
          setp(TYPED["os"], ["slots"], {"network-bind": None, "network": None}))
    for b in ["core18", "none", "Core", "core_x", "bare", "a", "base-with-dash", "core--x"]:
        c.doc(f"base {b!r}", setp(SIMPLE, ["base"], b))
    c.doc("base none without apps", {"name": "nobase", "version": "1", "base": "none"})
    c.doc("base none with only hooks", {"name": "nobase", "version": "1", "base": "none",
                                        "hooks": {"configure": None}})


def texts(c):
    for n in [40, 41]:
        c.doc(f"title {n} chars", setp(SIMPLE, ["title"], "t" * n))
        c.doc(f"title {n} code points (multi-byte)", setp(SIMPLE, ["title"], "é" * n))
    for n in [4096, 4097]:
        c.doc(f"description {n} code points", setp(SIMPLE, ["description"], "ü" * n))
    c.doc("summary 200 chars (no check)", setp(SIMPLE, ["summary"], "s" * 200))
    for p in ["global-upload", "abc", "a-b", "-ab", "a_b", "a--b", "A1", "ab-", "x.y"]:
        c.doc(f"provenance {p!r}", setp(SIMPLE, ["provenance"], p))


def epochs(c):
    for e in ["", "0", "1", "1*", "0*", "01", "5000000000", "4294967295", "4294967296", "*",
              "x", "-1", "2**", "1 *", " 1", "10*", "00"]:
        c.doc(f"epoch {e!r}", setp(SIMPLE, ["epoch"], e))
    raws = ["epoch: 1", "epoch: 1*", "epoch: 0x1", "epoch: [1]", "epoch: 1.5", "epoch: null",
            "epoch: true"]
    for r in raws:
        c.text(f"raw: {r}", f"name: epo\nversion: 1\n{r}\n")
    maps = [
        {"read": [1, 2], "write": [2]},
        {"read": [0, 1]},
        {"write": [3]},
        {"read": []},
        {"write": []},
        {"read": [2, 1]},
        {"read": [1, 1]},
        {"read": [1], "write": [2]},
        {"read": list(range(11))},
        {"read": list(range(10))},
        {"read": 1},
        {"write": "2"},
        {"read": ["01"]},
        {"read": ["1"], "write": ["1"]},
        {"read": [1], "write": [1, 2]},
        {"read": [4294967296]},
        {"read": [-1]},
        {"read": ["x"]},
        {"read": [1.5]},
        {},
        {"bogus": [1]},
        {"read": [None]},
        {"read": [[1]]},
    ]
    for m in maps:
        c.doc(f"epoch map {m!r}", setp(SIMPLE, ["epoch"], m))


LICENSES = ["MIT", "GPL-3.0", "GPL-3.0+", "GPL-3.0-only", "GPL-3.0-or-later", "MIT AND Apache-2.0",
            "MIT OR (Apache-2.0 AND BSD-3-Clause)", "GPL-2.0 WITH Classpath-exception-2.0",
            "GPL-2.0+ WITH Linux-syscall-note", "Foo", "MIT WITH Foo-exception", "MIT WITH MIT",
            "(MIT", "MIT)", "()", "AND MIT", "MIT AND", "MIT Apache-2.0", "WITH Classpath-exception-2.0",
            "MIT WITH", "LicenseRef-foo", "mit", "MIT OR", "Proprietary", "Other Open Source",
            "MIT and Apache-2.0", "MIT\nAND Apache-2.0", "(MIT OR Apache-2.0) AND (BSD-2-Clause)",
            "((MIT))", "MIT AND (", "MIT OR OR Apache-2.0", "Apache-2.0 WITH LLVM-exception",
            "AGPL-3.0-only", "BSD-3-Clause", "CC0-1.0", "Unlicense", "0BSD", "MPL-2.0 OR", " ",
            "MIT AND Classpath-exception-2.0", "Classpath-exception-2.0", "MIT WITH (Classpath-exception-2.0)",
            "GPL-2.0-only WITH Linux-syscall-note AND MIT", "MIT  OR  ISC", "(MIT) (ISC)", "MIT)(",
            "EPL-1.0", "Apache-2.0 AND EPL-1.0", "LGPL-2.1+", "GPL-1.0+"]


def licenses(c):
    for lic in LICENSES:
        c.doc(f"license {lic!r}", setp(SIMPLE, ["license"], lic))


def environment(c):
    base = "name: env\nversion: 1\n"
    c.text("raw: env duplicate key", base + "environment:\n  A: 1\n  A: 2\n")
    c.text("raw: env int key", base + "environment:\n  1: x\n")
    c.text("raw: env bool key", base + "environment:\n  true: x\n")
    c.text("raw: env list value", base + "environment:\n  A: [1, 2]\n")
    c.text("raw: env map value", base + "environment:\n  A: {b: c}\n")
    c.text("raw: env null value", base + "environment:\n  A:\n")
    c.text("raw: env bool value", base + "environment:\n  A: true\n")
    c.text("raw: env float value", base + "environment:\n  A: 1.50\n")
    c.text("raw: env order kept", base + "environment:\n  Z: 1\n  A: 2\n  M: 3\n")
    c.text("raw: env as list", base + "environment:\n  - A=1\n")
    c.text("raw: app env duplicate key", base + "apps:\n  x:\n    command: x\n    environment:\n      A: 1\n      A: 2\n")
    c.text("raw: app env list value", base + "apps:\n  x:\n    command: x\n    environment:\n      A: [1]\n")
    c.text("raw: hook env int key", base + "hooks:\n  configure:\n    environment:\n      7: x\n")


def app_fields(c):
    def app(field, value, which="svc"):
        return setp(SIMPLE, ["apps", which, field], value)

    for n in ["a_b", "-a", "a-", "A1", "a--b", "é", "1", "UPPER", "a.b", "a b"]:
        d = copy.deepcopy(SIMPLE)
        d["apps"][n] = {"command": "bin/x"}
        c.doc(f"app name {n!r}", d)
    bad_cmds = ["bin/a;b", "bin/a|b", "bin/a 'x'", "bin/$SNAP/x", "bin/a=1", "bin/a,b", 'bin/a"b',
                "bin/a&b", "bin/a\\b", "bin/a#b:c", "bin/é", "bin/a\tb", "bin/a*", "bin/a(b)", "", "bin/a~b"]
    for key in ["command", "stop-command", "reload-command", "post-stop-command", "bus-name"]:
        for v in bad_cmds if key == "command" else bad_cmds[:2] + ["bin/a=1", ""]:
            c.doc(f"svc {key} {v!r}", app(key, v))
    for v in ["bin/a b", "bin/a;b", "bin/a", "$SNAP/bin/a", "bin/a#x", "", "bin/é"]:
        c.doc(f"cli command-chain [{v!r}]", app("command-chain", [v], "cli"))
    c.doc("cli command-chain string", app("command-chain", "bin/a", "cli"))
    for v in ["simple", "forking", "oneshot", "dbus", "notify", "bogus", "Simple", "", "exec"]:
        c.doc(f"svc daemon {v!r}", app("daemon", v))
    for v in ["system", "user", "bogus", ""]:
        c.doc(f"svc daemon-scope {v!r}", app("daemon-scope", v))
        c.doc(f"cli daemon-scope {v!r}", app("daemon-scope", v, "cli"))
    for key in ["stop-timeout", "start-timeout", "watchdog-timeout", "restart-delay"]:
        all_durations = ["10s", "10", "-5s", "1h30m", "1.5h", "100ms", "5us", "5µs", "1d", "", "abc",
                         "0s", "0", "-0s", "9999999h", "1s1", ".5s", "1e3s"]
        for v in all_durations if key == "stop-timeout" else ["10s", "10", "-5s", "0", "abc"]:
            c.doc(f"svc {key} {v!r}", app(key, v))
        c.doc(f"cli {key} 10s", app(key, "10s", "cli"))
        c.text(f"raw: svc {key} int", f"name: tmo\nversion: 1\napps:\n  svc:\n    command: x\n    daemon: simple\n    {key}: 10\n")
    for v in ["no", "never", "on-success", "on-failure", "on-abnormal", "on-abort", "on-watchdog",
              "always", "bogus", "", "Always"]:
        c.doc(f"svc restart-condition {v!r}", app("restart-condition", v))
    c.doc("cli restart-condition always", app("restart-condition", "always", "cli"))
    for v in ["sigterm", "sigterm-all", "sighup", "sighup-all", "sigusr1", "sigusr1-all", "sigusr2",
              "sigusr2-all", "sigint", "sigint-all", "sigkill", "bogus", "SIGTERM", "-all", "sigterm-"]:
        c.doc(f"svc stop-mode {v!r}", app("stop-mode", v))
    c.doc("cli stop-mode sigterm", app("stop-mode", "sigterm", "cli"))
    for v in ["endure", "restart", "ignore-running", "bogus", ""]:
        c.doc(f"svc refresh-mode {v!r}", app("refresh-mode", v))
        c.doc(f"cli refresh-mode {v!r}", app("refresh-mode", v, "cli"))
    for v in ["enable", "disable", "bogus", ""]:
        c.doc(f"svc install-mode {v!r}", app("install-mode", v))
        c.doc(f"cli install-mode {v!r}", app("install-mode", v, "cli"))
    for key in ["plugs", "slots", "after", "before", "aliases", "activates-on", "command-chain"]:
        c.doc(f"svc {key} as a string", app(key, "x"))
        c.doc(f"svc {key} as a map", app(key, {"x": "y"}))
    for key in ["command", "timer", "common-id", "completer", "autostart", "daemon"]:
        c.doc(f"svc {key} as a list", app(key, ["x"]))
    c.doc("cli completer", app("completer", "bin/complete.sh", "cli"))
    c.doc("cli autostart", app("autostart", "cli.desktop", "cli"))
    c.doc("app as a string", setp(SIMPLE, ["apps", "cli"], "bin/cli"))
    c.doc("app as null", setp(SIMPLE, ["apps", "cli"], None))
    c.doc("app as a list", setp(SIMPLE, ["apps", "cli"], ["bin/cli"]))
    c.doc("app without command", setp(SIMPLE, ["apps", "cli"], {"plugs": ["home"]}))


def sockets(c):
    def sock(name="sock", listen="$SNAP_DATA/sock", mode=None, scope=None, plugs=("network-bind",)):
        d = copy.deepcopy(SIMPLE)
        s = {"listen-stream": listen}
        if mode is not None:
            s["socket-mode"] = mode
        d["apps"]["svc"]["sockets"] = {name: s}
        d["apps"]["svc"]["plugs"] = list(plugs)
        if scope:
            d["apps"]["svc"]["daemon-scope"] = scope
        return d

    c.doc("socket without network-bind plug", sock(plugs=()))
    c.doc("socket with network plug only", sock(plugs=("network",)))
    for n in ["Sock", "s_k", "-s", "s-", "s--k", "1s", "s1", "a" * 50]:
        c.doc(f"socket name {n!r}", sock(name=n))
    for m in [0o777, 0o1777, 0, 0o600, 511, 512, -1]:
        c.doc(f"socket-mode {m:#o}", sock(mode=m))
    c.text("raw: socket-mode string", "name: sk\nversion: 1\napps:\n  svc:\n    command: x\n    daemon: simple\n    plugs: [network-bind]\n    sockets:\n      s:\n        listen-stream: $SNAP_DATA/s\n        socket-mode: abc\n")
    c.text("raw: socket-mode 0o660 text", "name: sk\nversion: 1\napps:\n  svc:\n    command: x\n    daemon: simple\n    plugs: [network-bind]\n    sockets:\n      s:\n        listen-stream: $SNAP_DATA/s\n        socket-mode: 0660\n")
    for ls in ["", "$SNAP_DATA/x", "$SNAP_COMMON/x", "$XDG_RUNTIME_DIR/x", "$SNAP/x", "/tmp/x",
               "$SNAP_DATA/../x", "$SNAP_DATA//x", "$SNAP_DATA/x/", "$SNAP_DATA", "$SNAP_USER_DATA/x",
               "@snap.simple.x", "@snap.other.x", "@x", "@snap.simple", "8080", "0", "65535", "65536",
               "127.0.0.1:80", "[::1]:80", "[::]:80", "0.0.0.0:80", "localhost:80", "127.0.0.1:",
               "80a", "-1", "::1:80", "[::1]:0", "127.0.0.1:65536", "+80", "080", "$SNAP_DATA/./x"]:
        c.doc(f"listen-stream {ls!r}", sock(listen=ls))
    for ls in ["$SNAP_USER_DATA/x", "$SNAP_USER_COMMON/x", "$XDG_RUNTIME_DIR/x", "$SNAP_DATA/x", "8080"]:
        c.doc(f"user daemon listen-stream {ls!r}", sock(listen=ls, scope="user"))
    c.doc("socket as a string", setp(SIMPLE, ["apps", "svc", "sockets"], {"s": "$SNAP_DATA/s"}))
    c.doc("socket on non-service", setp(SIMPLE, ["apps", "cli", "sockets"], {"s": {"listen-stream": "$SNAP_DATA/s"}}))


TIMERS_OK = ["mon", "mon-fri", "9:00", "09:00", "9:00-10:00", "9:00~10:00/2", "mon,10:00,,fri,15:00",
             "mon1", "mon5-fri", "23:59", "24:00", "00:00-24:00/96", "9:00-10:00/0:30", "mon,9:00,10:00",
             "fri-mon", "mon1-mon2", "sun5,9:00", "9:00~11:00", "mon2-fri,0:00~10:00,,mon5-fri,0:00-10:00"]
TIMERS_BAD = ["bogus", "25:00", "mon6", "mon0", "9:00-", "9:00/2", "9:00-10:00/0", "9:00-10:00/abc",
              ",,", "mon,,", "", "9:60", "9", "monday", "mon-", "-fri", "9:00-10:00/1:00:00", "mon1-fri6",
              "9:00~10:00~11:00", "mon,", ",9:00", "9:00 - 10:00", "mon fri", "24:01", "9:0", "99:00",
              "mon-fri-sat", "9:00-10:00/-1", "9:00-10:00/0:00"]


def timers(c):
    for t in TIMERS_OK + TIMERS_BAD:
        c.doc(f"timer {t!r}", setp(SIMPLE, ["apps", "svc", "timer"], t))
    c.doc("timer on non-service", setp(SIMPLE, ["apps", "cli", "timer"], "mon"))


def ordering(c):
    c.doc("after missing app", setp(SIMPLE, ["apps", "svc", "after"], ["nope"]))
    c.doc("before missing app", setp(SIMPLE, ["apps", "svc", "before"], ["nope"]))
    c.doc("after non-service", setp(SIMPLE, ["apps", "svc", "after"], ["cli"]))
    c.doc("before on non-service", setp(SIMPLE, ["apps", "cli", "before"], ["svc"]))
    c.doc("after on non-service", setp(SIMPLE, ["apps", "cli", "after"], ["svc"]))
    d = copy.deepcopy(SIMPLE)
    d["apps"]["usr"] = {"command": "bin/u", "daemon": "simple", "daemon-scope": "user"}
    d["apps"]["svc"]["after"] = ["usr"]
    c.doc("after service of other scope", d)
    d = copy.deepcopy(SIMPLE)
    d["apps"]["b"] = {"command": "bin/b", "daemon": "simple", "after": ["svc"]}
    d["apps"]["svc"]["after"] = ["b"]
    c.doc("two-service cycle", d)
    d = copy.deepcopy(SIMPLE)
    d["apps"]["b"] = {"command": "bin/b", "daemon": "simple", "before": ["svc"]}
    d["apps"]["svc"]["after"] = ["b"]
    c.doc("consistent before/after", d)
    c.doc("after itself", setp(SIMPLE, ["apps", "svc", "after"], ["svc"]))


def activates_on(c):
    base = copy.deepcopy(SIMPLE)
    base["slots"] = {"dbus-slot": {"interface": "dbus", "bus": "system", "name": "org.example.S"}}
    base["apps"]["svc"]["activates-on"] = ["dbus-slot"]
    c.doc("activates-on valid", base)
    c.doc("activates-on on non-service", setp(setp(base, ["apps", "svc", "activates-on"], DROP),
                                               ["apps", "cli", "activates-on"], ["dbus-slot"]))
    c.doc("activates-on slot not found", setp(base, ["apps", "svc", "activates-on"], ["nope"]))
    c.doc("activates-on non-dbus slot", setp(base, ["slots", "dbus-slot"], {"interface": "network-bind"}))
    c.doc("activates-on session bus on system daemon", setp(base, ["slots", "dbus-slot", "bus"], "session"))
    d = setp(base, ["slots", "dbus-slot", "bus"], "session")
    d["apps"]["svc"]["daemon-scope"] = "user"
    c.doc("activates-on session bus on user daemon", d)
    d = copy.deepcopy(base)
    d["apps"]["svc2"] = {"command": "bin/s2", "daemon": "simple", "activates-on": ["dbus-slot"]}
    c.doc("activates-on slot on two apps", d)


def aliases_common_ids(c):
    c.doc("alias bad name", setp(SIMPLE, ["apps", "cli", "aliases"], ["a/b"]))
    c.doc("alias starting with dash", setp(SIMPLE, ["apps", "cli", "aliases"], ["-a"]))
    c.doc("alias with dot and underscore", setp(SIMPLE, ["apps", "cli", "aliases"], ["a_b.c-d"]))
    d = setp(SIMPLE, ["apps", "cli", "aliases"], ["same"])
    d["apps"]["svc"]["aliases"] = ["same"]
    c.doc("alias used by two apps", d)
    d = setp(SIMPLE, ["apps", "cli", "common-id"], "org.example.X")
    d["apps"]["svc"]["common-id"] = "org.example.X"
    c.doc("common-id used twice", d)


def hooks(c):
    for h in ["prepare-device", "install-device", "configure", "install", "pre-refresh", "post-refresh",
              "remove", "check-health", "fde-setup", "gate-auto-refresh", "bogus-hook",
              "connect-plug-foo", "prepare-slot-x", "disconnect-slot-a-b", "unprepare-plug-x1",
              "connect-plug-", "connect-plug-Foo", "Configure", "default-configure", "save-data"]:
        c.doc(f"hook {h!r}", setp(SIMPLE, ["hooks"], {h: None}))
    c.doc("hook command-chain bad", setp(SIMPLE, ["hooks"], {"configure": {"command-chain": ["a b"]}}))
    c.doc("hook command-chain ok", setp(SIMPLE, ["hooks"], {"configure": {"command-chain": ["bin/c"]}}))
    c.doc("hook plugs bind implicit", setp(SIMPLE, ["hooks"], {"configure": {"plugs": ["home", "network"]}}))
    c.doc("hook slots bind implicit", setp(SIMPLE, ["hooks"], {"install": {"slots": ["network-bind"]}}))
    c.doc("hook as a string", setp(SIMPLE, ["hooks"], {"configure": "bin/x"}))
    c.doc("hook as a list", setp(SIMPLE, ["hooks"], {"configure": ["x"]}))
    c.doc("hooks as a list", setp(SIMPLE, ["hooks"], ["configure"]))
    c.doc("hook with unknown field", setp(SIMPLE, ["hooks"], {"configure": {"command": "bin/x"}}))


def plugs_slots(c):
    for kind in ["plugs", "slots"]:
        def ps(value, name="p"):
            return setp(SIMPLE, [kind], {name: value})

        iface = "network" if kind == "plugs" else "network-bind"
        c.doc(f"{kind}: string form", ps(iface))
        c.doc(f"{kind}: null form", ps(None, iface))
        c.doc(f"{kind}: map with interface", ps({"interface": iface}))
        c.doc(f"{kind}: map without interface (name is interface)", ps({"attr": 1}, iface))
        c.doc(f"{kind}: interface int", ps({"interface": 5}))
        c.doc(f"{kind}: interface list", ps({"interface": ["x"]}))
        c.doc(f"{kind}: label int", ps({"interface": iface, "label": 5}))
        c.doc(f"{kind}: label string", ps({"interface": iface, "label": "My label"}))
        c.text(f"raw: {kind} attribute key int", f"name: ps\nversion: 1\n{kind}:\n  p:\n    interface: {iface}\n    1: x\n")
        c.text(f"raw: {kind} attribute key bool", f"name: ps\nversion: 1\n{kind}:\n  p:\n    interface: {iface}\n    true: x\n")
        c.text(f"raw: {kind} empty attribute key", f"name: ps\nversion: 1\n{kind}:\n  p:\n    interface: {iface}\n    \"\": x\n")
        c.doc(f"{kind}: $ attribute", ps({"interface": iface, "$x": 1}))
        c.doc(f"{kind}: attr float", ps({"interface": iface, "f": 1.5}))
        c.doc(f"{kind}: attr bool", ps({"interface": iface, "b": True}))
        c.doc(f"{kind}: attr list", ps({"interface": iface, "l": [1, "a", True]}))
        c.doc(f"{kind}: attr nested map", ps({"interface": iface, "m": {"a": {"b": [1]}}}))
        c.text(f"raw: {kind} attr map with int key", f"name: ps\nversion: 1\n{kind}:\n  p:\n    interface: {iface}\n    m:\n      1: x\n")
        c.text(f"raw: {kind} attr null", f"name: ps\nversion: 1\n{kind}:\n  p:\n    interface: {iface}\n    nul: null\n")
        c.text(f"raw: {kind} attr list with null", f"name: ps\nversion: 1\n{kind}:\n  p:\n    interface: {iface}\n    l: [1, null]\n")
        c.doc(f"{kind}: list form (malformed)", ps(["x"]))
        c.doc(f"{kind}: int form (malformed)", ps(5))
        c.doc(f"{kind}: unknown interface", ps("bogus-iface"))
        c.doc(f"{kind}: bad name", ps(iface, "Net"))
        c.doc(f"{kind}: bad name underscore", ps(iface, "a_b"))
        c.doc(f"{kind}: bad interface name", ps("Bad_Iface"))
        c.doc(f"{kind}: as a list", setp(SIMPLE, [kind], [iface]))
        c.doc(f"{kind}: app binds implicit", setp(SIMPLE, ["apps", "cli", kind], [iface]))
        c.doc(f"{kind}: app binds bad implicit name", setp(SIMPLE, ["apps", "cli", kind], ["Bad"]))
        c.doc(f"{kind}: app binds unknown implicit", setp(SIMPLE, ["apps", "cli", kind], ["no-such-iface"]))
    d = setp(SIMPLE, ["plugs"], {"same": "network"})
    d["slots"] = {"same": "network-bind"}
    c.doc("plug and slot with the same name", d)
    c.doc("content plug without target", setp(SIMPLE, ["plugs"], {"c": {"interface": "content", "content": "x"}}))
    c.doc("content plug with target", setp(SIMPLE, ["plugs"], {"c": {"interface": "content", "target": "$SNAP/x"}}))
    c.doc("content slot read/write", setp(SIMPLE, ["slots"], {"c": {"interface": "content", "read": ["$SNAP/r"], "write": ["$SNAP_DATA/w"]}}))
    c.doc("content slot bad path", setp(SIMPLE, ["slots"], {"c": {"interface": "content", "read": ["/etc/../x"]}}))
    c.doc("dbus slot bad bus", setp(SIMPLE, ["slots"], {"d": {"interface": "dbus", "bus": "nope", "name": "org.x.Y"}}))
    c.doc("dbus slot missing name", setp(SIMPLE, ["slots"], {"d": {"interface": "dbus", "bus": "system"}}))
    c.doc("personal-files plug", setp(SIMPLE, ["plugs"], {"pf": {"interface": "personal-files", "read": ["$HOME/.x"]}}))
    c.doc("personal-files plug bad path", setp(SIMPLE, ["plugs"], {"pf": {"interface": "personal-files", "read": ["/etc/x"]}}))
    c.doc("system-files plug", setp(SIMPLE, ["plugs"], {"sf": {"interface": "system-files", "read": ["/etc/x"]}}))
    c.doc("serial-port slot", setp(SIMPLE, ["slots"], {"s": {"interface": "serial-port", "path": "/dev/ttyS0"}}))
    c.doc("gpio slot", setp(SIMPLE, ["slots"], {"g": {"interface": "gpio", "number": 5}}))
    c.doc("mpris slot with name", setp(SIMPLE, ["slots"], {"m": {"interface": "mpris", "name": "x"}}))


LAYOUTS = [
    ("/usr/share/x", {"bind": "$SNAP/x"}),
    ("/usr/share/x", {"bind-file": "$SNAP/x"}),
    ("/usr/share/x", {"type": "tmpfs"}),
    ("/usr/share/x", {"symlink": "$SNAP/x"}),
    ("/usr/share/x", {"type": "ext4"}),
    ("/usr/share/x", {}),
    ("/usr/share/x", {"bind": "$SNAP/x", "symlink": "$SNAP/y"}),
    ("/usr/share/x", {"bind": "$SNAP/x", "type": "tmpfs"}),
    ("/usr/share/x", {"bind": "$SNAP_DATA/x"}),
    ("/usr/share/x", {"bind": "$SNAP_COMMON/x"}),
    ("/usr/share/x", {"bind": "$SNAP_USER_DATA/x"}),
    ("/usr/share/x", {"bind": "$FOO/x"}),
    ("/usr/share/x", {"bind": "/etc/x"}),
    ("/usr/share/x", {"bind": "$SNAP/../x"}),
    ("/usr/share/x", {"bind": "x"}),
    ("/usr/share/x", {"bind": "$SNAP/x*"}),
    ("/usr/share/x", {"symlink": "$FOO/x"}),
    ("/usr/share/x", {"symlink": "/etc/x"}),
    ("/usr/share/x", {"symlink": "$SNAP/x/"}),
    ("/usr/share/x", {"symlink": "$SNAP/x{a}"}),
    ("/usr/share/x", {"bind": "$SNAP/x", "user": "root", "group": "root"}),
    ("/usr/share/x", {"bind": "$SNAP/x", "user": "daemon"}),
    ("/usr/share/x", {"bind": "$SNAP/x", "group": "adm"}),
    ("/usr/share/x", {"type": "tmpfs", "mode": "0755"}),
    ("/usr/share/x", {"type": "tmpfs", "mode": "1777"}),
    ("/usr/share/x", {"type": "tmpfs", "mode": "2755"}),
    ("/usr/share/x", {"type": "tmpfs", "mode": "0999"}),
    ("/usr/share/x", {"type": "tmpfs", "mode": "abc"}),
    ("/usr/share/x", {"type": "tmpfs", "mode": "777777777777777777777777"}),
    ("/usr/share/x", {"type": "tmpfs", "mode": ""}),
    ("", {"bind": "$SNAP/x"}),
    ("usr/share/x", {"bind": "$SNAP/x"}),
    ("/usr/share/x/", {"bind": "$SNAP/x"}),
    ("/usr/share/../x", {"bind": "$SNAP/x"}),
    ("/usr//share", {"bind": "$SNAP/x"}),
    ("/usr/share/x*", {"bind": "$SNAP/x"}),
    ("/usr/share/x?", {"bind": "$SNAP/x"}),
    ("/usr/share/{x}", {"bind": "$SNAP/x"}),
    ("/usr/share/\"x\"", {"bind": "$SNAP/x"}),
    ("/usr/share/x^", {"bind": "$SNAP/x"}),
    ("/proc/foo", {"bind": "$SNAP/x"}),
    ("/dev/foo", {"bind": "$SNAP/x"}),
    ("/foo", {"bind": "$SNAP/x"}),
    ("/home/x", {"bind": "$SNAP/x"}),
    ("/var/lib/snapd/x", {"bind": "$SNAP/x"}),
    ("/var/snap/x", {"bind": "$SNAP/x"}),
    ("/lib/firmware/x", {"bind": "$SNAP/x"}),
    ("/lib/modules/x", {"bind": "$SNAP/x"}),
    ("/var/lib/x", {"bind": "$SNAP/x"}),
    ("/etc/x", {"bind-file": "$SNAP_DATA/x"}),
    ("/opt/x", {"bind": "$SNAP/x"}),
    ("/srv/x", {"bind": "$SNAP/x"}),
    ("/snap/simple/x", {"bind": "$SNAP/x"}),
    ("/snap/other/x", {"bind": "$SNAP/x"}),
    ("$SNAP/x", {"bind": "$SNAP_DATA/x"}),
    ("$SNAP_DATA/x", {"bind": "$SNAP/x"}),
    ("$SNAP_COMMON/x", {"type": "tmpfs"}),
    ("$FOO/x", {"bind": "$SNAP/x"}),
    ("/usr", {"bind": "$SNAP/usr"}),
    ("/writable/x", {"bind": "$SNAP/x"}),
    ("/meta/x", {"bind": "$SNAP/x"}),
    ("/boot/x", {"bind": "$SNAP/x"}),
    ("/media/x", {"bind": "$SNAP/x"}),
    ("/run/x", {"bind": "$SNAP/x"}),
    ("/tmp/x", {"bind": "$SNAP/x"}),
    ("/sys/x", {"bind": "$SNAP/x"}),
    ("/lost+found/x", {"bind": "$SNAP/x"}),
]


def layouts(c):
    for path, entry in LAYOUTS:
        c.doc(f"layout {path!r}: {entry!r}", setp(SIMPLE, ["layout"], {path: entry}))
    c.doc("layout nested under prior", setp(SIMPLE, ["layout"], {"/usr/share/x": {"bind": "$SNAP/x"},
                                                               "/usr/share/x/y": {"bind": "$SNAP/y"}}))
    c.doc("layout source as dir and file", setp(SIMPLE, ["layout"], {"/usr/share/x": {"bind": "$SNAP/s"},
                                                                    "/etc/y": {"bind-file": "$SNAP/s"}}))
    c.doc("layout entry as string", setp(SIMPLE, ["layout"], {"/usr/share/x": "$SNAP/x"}))
    c.doc("layout as list", setp(SIMPLE, ["layout"], ["/usr/share/x"]))
    c.text("raw: layout mode as int", "name: simple\nversion: 1\nlayout:\n  /usr/share/x:\n    type: tmpfs\n    mode: 0755\n")
    c.text("raw: layout mode 755 decimal text", "name: simple\nversion: 1\nlayout:\n  /usr/share/x:\n    type: tmpfs\n    mode: 755\n")
    c.text("raw: layout with nul in path", "name: simple\nversion: 1\nlayout:\n  \"/usr/share/x\\0y\":\n    bind: $SNAP/x\n")


def system_usernames(c):
    for val in ["shared", "private", "external", "bogus", "", None, {"scope": "shared"},
                {"scope": 5}, {"scope": "shared", "x": 1}, {"other": "x"}, ["shared"], 5]:
        c.doc(f"system-usernames snap_daemon: {val!r}", setp(SIMPLE, ["system-usernames"], {"snap_daemon": val}))
    for name in ["daemon", "snap_microk8s", "Bad", "-x", "a+b.c_d", "x y", "_daemon_", "root"]:
        c.doc(f"system-usernames name {name!r}", setp(SIMPLE, ["system-usernames"], {name: "shared"}))
    c.text("raw: system-usernames empty name", "name: su\nversion: 1\nsystem-usernames:\n  \"\": shared\n")
    c.text("raw: system-usernames int attr key", "name: su\nversion: 1\nsystem-usernames:\n  snap_daemon:\n    scope: shared\n    1: x\n")
    c.text("raw: system-usernames empty attr key", "name: su\nversion: 1\nsystem-usernames:\n  snap_daemon:\n    scope: shared\n    \"\": x\n")
    c.text("raw: system-usernames bad attr value", "name: su\nversion: 1\nsystem-usernames:\n  snap_daemon:\n    scope: shared\n    m:\n      1: x\n")
    c.doc("system-usernames as list", setp(SIMPLE, ["system-usernames"], ["snap_daemon"]))


def links(c):
    for key in ["website", "contact", "donation", "issues", "source-code", "Web", "a1", "-x", "x-",
                "x_y", "1x", "a--b"]:
        c.doc(f"links key {key!r}", setp(SIMPLE, ["links"], {key: ["https://example.com"]}))
    c.text("raw: links empty key", "name: ln\nversion: 1\nlinks:\n  \"\": [https://x.org]\n")
    for url in ["https://example.com", "http://example.com", "ftp://example.com", "mailto:a@b.c",
                "mailto:nobody", "dev@example.com", "example.com", "", "https://exa mple.com",
                "http://[::1", "https://", "HTTPS://X.ORG", ":foo", "javascript:alert(1)",
                "https://example.com/%zz", "//example.com"]:
        c.doc(f"links url {url!r}", setp(SIMPLE, ["links"], {"website": [url]}))
    c.doc("links empty list", setp(SIMPLE, ["links"], {"website": []}))
    c.doc("links null list", setp(SIMPLE, ["links"], {"website": None}))
    c.doc("links string value", setp(SIMPLE, ["links"], {"website": "https://x.org"}))
    c.doc("links as list", setp(SIMPLE, ["links"], ["https://x.org"]))


def misc_lists(c):
    c.doc("architectures empty", setp(SIMPLE, ["architectures"], []))
    c.doc("architectures duplicate", setp(SIMPLE, ["architectures"], ["amd64", "amd64"]))
    c.doc("architectures bogus value", setp(SIMPLE, ["architectures"], ["not-an-arch"]))
    c.doc("assumes unsorted", setp(SIMPLE, ["assumes"], ["snapd2.55", "command-chain", "a"]))
    c.doc("assumes bogus", setp(SIMPLE, ["assumes"], ["no-such-feature"]))


# --- corpus-derived cases -------------------------------------------------------------

def top_level_blocks(text):
    """Top-level keys of a YAML text and their line ranges (column-0 `key:` lines)."""
    lines = text.splitlines(keepends=True)
    starts = []
    for i, line in enumerate(lines):
        if line[:1] not in ("", " ", "\t", "#", "-", "\n") and ":" in line:
            starts.append((i, line.split(":", 1)[0].strip().strip("'\"")))
    blocks = []
    for j, (i, key) in enumerate(starts):
        end = starts[j + 1][0] if j + 1 < len(starts) else len(lines)
        blocks.append((key, i, end))
    return lines, blocks


# Overrides appended to a corpus file (a repeated top-level key: the last one wins).
OVERRIDES = [
    "version: '1.0'",      # repairs the corpus files that lack a version (syncloud)
    "name: Bad_Name",
    "confinement: bogus",
    "epoch: 0*",
    "license: Not-A-License",
    "layouts: {}",
]

DROPPABLE = {"apps", "plugs", "slots", "layout", "hooks", "environment", "links", "epoch", "base", "type",
             "confinement", "architectures", "assumes", "license", "system-users", "system-usernames"}


def corpus(c, corpus_dir):
    files = sorted(f for f in os.listdir(corpus_dir) if f.endswith(".yaml"))
    for f in files:
        with open(os.path.join(corpus_dir, f), encoding="utf-8", newline="") as fh:
            text = fh.read()
        if not text.endswith("\n"):
            text += "\n"
        lines, blocks = top_level_blocks(text)
        has_version = any(k == "version" for k, _, _ in blocks)
        fix = "" if has_version else "version: '1.0'\n"
        n = files.index(f)
        if not has_version:
            c.text(f"corpus {f}: append {OVERRIDES[0]!r}", text + fix)
        ov = OVERRIDES[1 + n % (len(OVERRIDES) - 1)]
        c.text(f"corpus {f}: append {ov!r}", text + fix + ov + "\n")
        droppable = [b for b in blocks if b[0] in DROPPABLE]
        # At most two drops a file, chosen by the file's position, so the set stays small.
        for key, i, end in sorted({droppable[k % len(droppable)] for k in (n, n + 1)} if droppable else []):
            c.text(f"corpus {f}: drop {key!r}", "".join(lines[:i] + lines[end:]) + fix)


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: snap-yaml-mutations.py CORPUS_DIR OUT_DIR")
    corpus_dir, out = sys.argv[1], sys.argv[2]
    c = Cases()
    for gen in (top_level, names, versions, enums, texts, epochs, licenses, environment, app_fields,
                sockets, timers, ordering, activates_on, aliases_common_ids, hooks, plugs_slots,
                layouts, system_usernames, links, misc_lists):
        gen(c)
    corpus(c, corpus_dir)
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "index.tsv"), "w", encoding="utf-8") as idx:
        for n, (what, text) in enumerate(c.items, 1):
            name = f"{n:04d}"
            data = text if isinstance(text, bytes) else text.encode("utf-8")
            with open(os.path.join(out, name + ".yaml"), "wb") as fh:
                fh.write(data)
            idx.write(f"{name}\t{what.replace(chr(9), ' ').replace(chr(10), ' ')}\n")
    print(f"{len(c.items)} cases in {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
