#!/usr/bin/env python3
"""Writes golden.json: snapd 2.57's sanitizer (`builtin.SanitizePlugsSlots`, via the oracle's
`snap-yaml`) run on plugs and slots of every builtin interface, plain and with good and bad
attributes. snap/tests/interfaces.rs replays the cases through `interfaces::sanitize`.

Regenerate (from the workspace root, with the oracle built):
    python3 snap/tests/data/interfaces/gen-golden.py /tmp/snapd-oracle \
        > snap/tests/data/interfaces/golden.json

`snaps`: each entry is one snap: its type, name, the plugs and slots as written (JSON is YAML, so
the snap.yaml is the JSON itself), and the oracle's `plugs`/`slots` attrs and
`bad_interfaces`. Floats in the cases are never whole numbers (JSON would not tell them
from ints). `patterns`: custom-device `devices` paths made of AppArmor pattern characters
(seeded, so the same each run), each alone in a snap: snapd's text, none (`null`) when it
passes, or `"panic": true` when snapd 2.57 panics (`regexp.MustCompile` in
`utils.NewPathPattern`).
"""
import json
import os
import random
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "../../../.."))


def interface_names():
    text = open(os.path.join(ROOT, "snap/src/interfaces/list.rs"), encoding="utf-8").read()
    return [line.strip().strip('",') for line in text.splitlines() if line.startswith('    "')]


def d(**kw):
    """Attributes with Python-friendly keys: `a_b` is `a-b`."""
    return {k.replace("_", "-"): v for k, v in kw.items()}


# (interface, "plug"|"slot", attrs) — every error text of every BeforePrepare, and passes.
CASES = [
    # bool-file
    ("bool-file", "slot", {}),
    ("bool-file", "slot", d(path=5)),
    ("bool-file", "slot", d(path="")),
    ("bool-file", "slot", d(path="/sys/class/leds/input0::capslock/brightness")),
    ("bool-file", "slot", d(path="/sys/class/gpio/gpio12/value/")),
    ("bool-file", "slot", d(path="/sys/class/gpio/../gpio/gpio3/value")),
    ("bool-file", "slot", d(path="/etc/passwd")),
    # browser-support / docker-support / desktop / optical-drive
    ("browser-support", "plug", d(allow_sandbox=True)),
    ("browser-support", "plug", d(allow_sandbox="yes")),
    ("docker-support", "plug", d(privileged_containers=False)),
    ("docker-support", "plug", d(privileged_containers=1)),
    ("desktop", "plug", d(mount_host_font_cache=False)),
    ("desktop", "plug", d(mount_host_font_cache="false")),
    ("optical-drive", "plug", d(write=True)),
    ("optical-drive", "plug", d(write=[True])),
    # kubernetes-support / snapd-control / home
    ("kubernetes-support", "plug", d(flavor="kubelet")),
    ("kubernetes-support", "plug", d(flavor="autobind-unix")),
    ("kubernetes-support", "plug", d(flavor="kubeadm")),
    ("kubernetes-support", "plug", d(flavor=1)),
    ("snapd-control", "plug", d(refresh_schedule="managed")),
    ("snapd-control", "plug", d(refresh_schedule="weekly")),
    ("snapd-control", "plug", d(refresh_schedule=False)),
    ("home", "plug", d(read="all")),
    ("home", "plug", d(read="owner")),
    ("home", "plug", d(read=["all"])),
    # content
    ("content", "plug", d(target="$SNAP/lib")),
    ("content", "plug", d(content="gtk", target="x/y", default_provider="gtk-common:gtk")),
    ("content", "plug", d(content="", target="$SNAP_DATA/x")),
    ("content", "plug", d(content=7, target="t")),
    ("content", "plug", {}),
    ("content", "plug", d(target="")),
    ("content", "plug", d(target=["a"])),
    ("content", "plug", d(target="$SNAP/a*")),
    ("content", "plug", d(target="../up")),
    ("content", "plug", d(target="a//b")),
    ("content", "plug", d(target="..")),
    ("content", "slot", d(read=["$SNAP/lib"])),
    ("content", "slot", d(content="c", write=["$SNAP_DATA/w"], read=["/r"])),
    ("content", "slot", d(source=d(read=["$SNAP/a"], write=["$SNAP_DATA/b"]))),
    ("content", "slot", d(source=d(read=["a"]), read=["b"])),
    ("content", "slot", d(source=d(write=["a"]), write=["b"])),
    ("content", "slot", d(source="x")),
    ("content", "slot", d(source=d(read="a"))),
    ("content", "slot", d(source=d(read=["a", 1]))),
    ("content", "slot", {}),
    ("content", "slot", d(read=[])),
    ("content", "slot", d(read=["ok", 3])),
    ("content", "slot", d(read=["ok"], write=["bad/../.."])),
    ("content", "slot", d(read=["a{b}"])),
    ("content", "slot", d(read="$SNAP/lib")),
    ("content", "slot", d(content=["x"], read=["a"])),
    # cups
    ("cups", "slot", {}),
    ("cups", "slot", d(cups_socket_directory="$SNAP_COMMON/cups")),
    ("cups", "slot", d(cups_socket_directory="$SNAP_DATA")),
    ("cups", "slot", d(cups_socket_directory=3)),
    ("cups", "slot", d(cups_socket_directory="$SNAP_COMMON/[x]")),
    ("cups", "slot", d(cups_socket_directory="$SNAP_COMMON/../x")),
    ("cups", "slot", d(cups_socket_directory="/var/snap/x")),
    ("cups", "slot", d(cups_socket_directory="$SNAP_COMMON/$HOME")),
    ("cups", "slot", d(cups_socket_directory="$SNAP_COMMONX")),
    # custom-device
    ("custom-device", "plug", {}),
    ("custom-device", "plug", d(custom_device="dev")),
    ("custom-device", "plug", d(custom_device=["dev"])),
    ("custom-device", "slot", d(devices=["/dev/foo"])),
    ("custom-device", "slot", d(custom_device="tag", read_devices=["/dev/input/event[0-9]"])),
    ("custom-device", "slot", d(custom_device=3, devices=["/dev/foo"])),
    ("custom-device", "slot", {}),
    ("custom-device", "slot", d(devices=[])),
    ("custom-device", "slot", d(devices="/dev/foo")),
    ("custom-device", "slot", d(devices=["/dev/foo", 1])),
    ("custom-device", "slot", d(read_devices=d(a="b"))),
    ("custom-device", "slot", d(devices=["/etc/foo"])),
    ("custom-device", "slot", d(devices=["/dev/a|b"])),
    ("custom-device", "slot", d(devices=["/dev/a@b"])),
    ("custom-device", "slot", d(devices=["/dev/a/../b"])),
    ("custom-device", "slot", d(devices=["/dev/a/"])),
    ("custom-device", "slot", d(devices=["/dev/a]"])),
    ("custom-device", "slot", d(devices=["/dev/a,b"])),
    ("custom-device", "slot", d(devices=["/dev/a[b"])),
    ("custom-device", "slot", d(devices=["/dev/**"])),
    ("custom-device", "slot", d(devices=["/dev/*/x"])),
    ("custom-device", "slot", d(devices=["/dev/a?"])),
    ("custom-device", "slot", d(devices=["/dev/[]a[b]"])),
    ("custom-device", "slot", d(devices=["/dev/foo"], read_devices=["/dev/foo"])),
    ("custom-device", "slot", d(devices=["/dev/foo"], read_devices=["/dev/bar"])),
    ("custom-device", "slot", d(files=d(read=["/etc/foo"], write=["/var/x"]))),
    ("custom-device", "slot", d(files=d(read=[]))),
    ("custom-device", "slot", d(files={})),
    ("custom-device", "slot", d(files=d(execute=["/bin/x"]))),
    ("custom-device", "slot", d(files=d(read="/etc/foo"))),
    ("custom-device", "slot", d(files=["/etc/foo"])),
    ("custom-device", "slot", d(files=d(read=["etc/foo"]))),
    ("custom-device", "slot", d(files=d(write=['/a"b']))),
    ("custom-device", "slot", d(files=d(read=["/a{b}"]))),
    ("custom-device", "slot", d(files=d(read=["/a\\"]))),
    ("custom-device", "slot", d(files=d(read=["/a{b,{c,d}"]))),
    ("custom-device", "slot", d(files=d(read=["/a}"]))),
    ("custom-device", "slot", d(files=d(read=["/a/{b,c}/[xy]*"]))),
    ("custom-device", "slot", d(devices=["/dev/input/event1"], udev_tagging=[d(kernel="input/event1", subsystem="input", attributes=d(idVendor="0x1"), environment=d(FOO="bar"))])),
    ("custom-device", "slot", d(devices=["/dev/foo"], udev_tagging=[])),
    ("custom-device", "slot", d(devices=["/dev/foo"], udev_tagging=d(kernel="foo"))),
    ("custom-device", "slot", d(devices=["/dev/foo"], udev_tagging=["foo"])),
    ("custom-device", "slot", d(devices=["/dev/foo"], udev_tagging=[d(subsystem="x")])),
    ("custom-device", "slot", d(devices=["/dev/foo"], udev_tagging=[d(kernel="bar")])),
    ("custom-device", "slot", d(devices=["/dev/foo"], udev_tagging=[d(kernel=1)])),
    ("custom-device", "slot", d(devices=["/dev/foo"], udev_tagging=[d(kernel='fo"o')])),
    ("custom-device", "slot", d(devices=["/dev/foo"], udev_tagging=[d(kernel="foo", subsystem=["a"])])),
    ("custom-device", "slot", d(devices=["/dev/foo"], udev_tagging=[d(kernel="foo", subsystem="a{")])),
    ("custom-device", "slot", d(devices=["/dev/foo"], udev_tagging=[d(kernel="foo", attributes="x")])),
    ("custom-device", "slot", d(devices=["/dev/foo"], udev_tagging=[d(kernel="foo", environment=d(a=1))])),
    ("custom-device", "slot", d(devices=["/dev/foo"], udev_tagging=[d(kernel="foo", environment={"a}": "b"})])),
    ("custom-device", "slot", d(devices=["/dev/foo"], udev_tagging=[d(kernel="foo", action="add")])),
    ("custom-device", "slot", d(read_devices=["/dev/foo"], udev_tagging=[d(kernel="foo", attributes=d(x=1.5))])),
    # dbus
    ("dbus", "plug", d(bus="session", name="org.example.Foo")),
    ("dbus", "slot", d(bus="system", name="org.example.foo_bar-2x")),
    ("dbus", "slot", {}),
    ("dbus", "slot", d(bus=1, name="org.a.b")),
    ("dbus", "slot", d(bus="user", name="org.a.b")),
    ("dbus", "plug", d(bus="session")),
    ("dbus", "plug", d(bus="session", name=["org.a"])),
    ("dbus", "plug", d(bus="session", name="")),
    ("dbus", "plug", d(bus="session", name="org." + "a" * 252)),
    ("dbus", "plug", d(bus="session", name="org." + "a" * 251)),
    ("dbus", "plug", d(bus="session", name="nodots")),
    ("dbus", "plug", d(bus="session", name="org.1a")),
    ("dbus", "slot", d(bus="session", name="org.example.foo-12")),
    # gpio, pwm
    ("gpio", "slot", d(number=12)),
    ("gpio", "slot", {}),
    ("gpio", "slot", d(number="12")),
    ("gpio", "slot", d(number=1.5)),
    ("pwm", "slot", d(channel=0, chip_number=1)),
    ("pwm", "slot", d(chip_number=1)),
    ("pwm", "slot", d(channel="0", chip_number=1)),
    ("pwm", "slot", d(channel=0)),
    ("pwm", "slot", d(channel=0, chip_number=True)),
    # hidraw
    ("hidraw", "slot", d(path="/dev/hidraw0")),
    ("hidraw", "slot", d(path="/dev/hidraw1234")),
    ("hidraw", "slot", {}),
    ("hidraw", "slot", d(path="")),
    ("hidraw", "slot", d(path="/dev/hidraw-foo", usb_vendor=0x1234, usb_product=0)),
    ("hidraw", "slot", d(path="/dev/hidraw0", usb_vendor=0x1234, usb_product=1)),
    ("hidraw", "slot", d(path="/dev/hidraw-foo", usb_product=1)),
    ("hidraw", "slot", d(path="/dev/hidraw-foo", usb_vendor=0, usb_product=1)),
    ("hidraw", "slot", d(path="/dev/hidraw-foo", usb_vendor=0x10000, usb_product=1)),
    ("hidraw", "slot", d(path="/dev/hidraw-foo", usb_vendor=1)),
    ("hidraw", "slot", d(path="/dev/hidraw-foo", usb_vendor=1, usb_product=-1)),
    ("hidraw", "slot", d(path="/dev/hidraw-foo", usb_vendor="1", usb_product="2")),
    # i2c, iio
    ("i2c", "slot", d(path="/dev/i2c-1")),
    ("i2c", "slot", d(sysfs_name="1-0050")),
    ("i2c", "slot", d(sysfs_name="a/b")),
    ("i2c", "slot", d(sysfs_name="x", path="/dev/i2c-1")),
    ("i2c", "slot", d(sysfs_name=1, path="/dev/i2c-1")),
    ("i2c", "slot", {}),
    ("i2c", "slot", d(path="/dev/i2c-a")),
    ("iio", "slot", d(path="/dev/iio:device0")),
    ("iio", "slot", d(path="/dev//iio:device0/")),
    ("iio", "slot", {}),
    ("iio", "slot", d(path="/dev/iio0")),
    # mpris
    ("mpris", "slot", {}),
    ("mpris", "slot", d(name="vlc")),
    ("mpris", "slot", d(name="")),
    ("mpris", "slot", d(name="a.b")),
    ("mpris", "slot", d(name=5)),
    ("mpris", "slot", d(other="x")),
    # netlink-driver
    ("netlink-driver", "slot", d(family=100, family_name="foo-bar")),
    ("netlink-driver", "slot", d(family_name="foo")),
    ("netlink-driver", "slot", d(family="100", family_name="foo")),
    ("netlink-driver", "slot", d(family=100)),
    ("netlink-driver", "slot", d(family=100, family_name=1)),
    ("netlink-driver", "slot", d(family=100, family_name="foo-")),
    ("netlink-driver", "plug", d(family_name="foo1")),
    ("netlink-driver", "plug", {}),
    ("netlink-driver", "plug", d(family_name=["x"])),
    ("netlink-driver", "plug", d(family_name="Foo")),
    # personal-files / system-files
    ("personal-files", "plug", d(read=["$HOME/.config/foo"], write=["$HOME/.foo"])),
    ("personal-files", "plug", {}),
    ("personal-files", "plug", d(read="$HOME/.foo")),
    ("personal-files", "plug", d(write=["$HOME/a", 1])),
    ("personal-files", "plug", d(read=["$HOME/a/"])),
    ("personal-files", "plug", d(read=["$HOME/a/../b"])),
    ("personal-files", "plug", d(read=["$HOME/~a"])),
    ("personal-files", "plug", d(read=["$HOME/a*"])),
    ("personal-files", "plug", d(read=["/etc/foo"])),
    ("personal-files", "plug", d(read=["$HOME/$HOME"])),
    ("personal-files", "plug", d(read=[])),
    ("system-files", "plug", d(read=["/etc/foo"], write=["/var/lib/foo"])),
    ("system-files", "plug", {}),
    ("system-files", "plug", d(write=[{"a": "b"}])),
    ("system-files", "plug", d(read=["etc/foo"])),
    ("system-files", "plug", d(read=["/home/$HOME"])),
    ("system-files", "plug", d(read=["/etc/"])),
    ("system-files", "plug", d(read=["/etc/[ab]"])),
    ("system-files", "plug", d(read=["/etc/foo"], write="x")),
    # pkcs11
    ("pkcs11", "slot", d(pkcs11_socket="/run/p11-kit/pkcs11-optee")),
    ("pkcs11", "slot", {}),
    ("pkcs11", "slot", d(pkcs11_socket=["x"])),
    ("pkcs11", "slot", d(pkcs11_socket="/run/p11-kit/../x")),
    ("pkcs11", "slot", d(pkcs11_socket="/run/x")),
    ("pkcs11", "slot", d(pkcs11_socket="/run/p11-kit/a*")),
    ("pkcs11", "slot", d(pkcs11_socket="/run/p11-kit")),
    # polkit
    ("polkit", "plug", d(action_prefix="org.example.foo")),
    ("polkit", "plug", {}),
    ("polkit", "plug", d(action_prefix=1)),
    ("polkit", "plug", d(action_prefix="foo")),
    # posix-mq
    ("posix-mq", "plug", {}),
    ("posix-mq", "plug", d(posix_mq="q")),
    ("posix-mq", "plug", d(posix_mq=1)),
    ("posix-mq", "slot", d(path="/q")),
    ("posix-mq", "slot", d(path="q", permissions=["create", "open"])),
    ("posix-mq", "slot", d(path=["/a", "b"], posix_mq="mq")),
    ("posix-mq", "slot", d(posix_mq=["x"], path="/q")),
    ("posix-mq", "slot", d(path="/q", permissions=["read", "execute"])),
    ("posix-mq", "slot", d(path="/q", permissions="read")),
    ("posix-mq", "slot", d(path="/q", permissions=[1])),
    ("posix-mq", "slot", {}),
    ("posix-mq", "slot", d(path=[])),
    ("posix-mq", "slot", d(path=1)),
    ("posix-mq", "slot", d(path=["/a", 1])),
    ("posix-mq", "slot", d(path="")),
    ("posix-mq", "slot", d(path=["/a", ""])),
    ("posix-mq", "slot", d(path="/a/b")),
    ("posix-mq", "slot", d(path="/" + "x" * 256)),
    ("posix-mq", "slot", d(path="/a*")),
    ("posix-mq", "slot", d(path="/..")),
    # raw-volume, uio, spi
    ("raw-volume", "slot", d(path="/dev/sda1")),
    ("raw-volume", "slot", d(path="/dev/nvme0n1p3")),
    ("raw-volume", "slot", {}),
    ("raw-volume", "slot", d(path=1)),
    ("raw-volume", "slot", d(path="/dev/sda1/")),
    ("raw-volume", "slot", d(path="/dev/sda")),
    ("uio", "slot", d(path="/dev/uio0")),
    ("uio", "slot", d(path="")),
    ("uio", "slot", d(path="/dev/./uio0")),
    ("uio", "slot", d(path="/dev/uiox")),
    ("spi", "slot", d(path="/dev/spidev0.0")),
    ("spi", "slot", d(path="/dev/spidev0.1/")),
    ("spi", "slot", {}),
    ("spi", "slot", d(path=["/dev/spidev0.0"])),
    ("spi", "slot", d(path="/dev/spidev0")),
    # serial-port
    ("serial-port", "slot", d(path="/dev/ttyUSB0")),
    ("serial-port", "slot", {}),
    ("serial-port", "slot", d(path="/dev/ttyFOO0")),
    ("serial-port", "slot", d(path="/dev/serial-port-foo", usb_vendor=0x0403, usb_product=0x6001)),
    ("serial-port", "slot", d(path="/dev/serial-port-foo", usb_vendor=1, usb_product=2, usb_interface_number=31)),
    ("serial-port", "slot", d(path="/dev/serial-port-foo", usb_vendor=1, usb_product=2, usb_interface_number=32)),
    ("serial-port", "slot", d(path="/dev/serial-port-foo", usb_vendor=1, usb_product=2, usb_interface_number=-1)),
    ("serial-port", "slot", d(path="/dev/serial-port-foo", usb_vendor=1, usb_product=2, usb_interface_number="x")),
    ("serial-port", "slot", d(path="/dev/ttyUSB0", usb_vendor=1, usb_product=2)),
    ("serial-port", "slot", d(path="/dev/serial-port-foo", usb_product=2)),
    ("serial-port", "slot", d(path="/dev/serial-port-foo", usb_vendor=0x10000, usb_product=2)),
    ("serial-port", "slot", d(path="/dev/serial-port-foo", usb_vendor=1)),
    ("serial-port", "slot", d(path="/dev/serial-port-foo", usb_vendor=1, usb_product=0x10000)),
    # shared-memory
    ("shared-memory", "plug", {}),
    ("shared-memory", "plug", d(shared_memory="foo")),
    ("shared-memory", "plug", d(private=False, shared_memory="")),
    ("shared-memory", "plug", d(private="yes")),
    ("shared-memory", "plug", d(shared_memory=5)),
    ("shared-memory", "plug", d(private=True, shared_memory="x")),
    ("shared-memory", "slot", d(read=["foo"])),
    ("shared-memory", "slot", d(shared_memory="sm", write=["foo.*", "bar"])),
    ("shared-memory", "slot", d(shared_memory=True, read=["foo"])),
    ("shared-memory", "slot", {}),
    ("shared-memory", "slot", d(read=[], write=[])),
    ("shared-memory", "slot", d(read="foo")),
    ("shared-memory", "slot", d(read=["a"], write=["b", 2])),
    ("shared-memory", "slot", d(read=[""])),
    ("shared-memory", "slot", d(read=[" foo"])),
    ("shared-memory", "slot", d(read=["foo?"])),
    ("shared-memory", "slot", d(read=["foo**"])),
    ("shared-memory", "slot", d(read=["a/b"])),
    ("shared-memory", "slot", d(read=[".."])),
    ("shared-memory", "slot", d(read=["."])),
    # no BeforePrepare, but attributes
    ("network", "plug", d(anything=[1, 1.5, True, {"x": None and 0 or "y"}])),
    ("empty", "slot", d(foo="bar")),
]

# Snaps whose outcome depends on the snap's other plugs and slots.
CONTEXT_SNAPS = [
    {"plugs": {"priv": d(interface="shared-memory", private=True)}},
    {"plugs": {"priv": d(interface="shared-memory", private=True), "other": d(interface="shared-memory")}},
    {"plugs": {"priv": d(interface="shared-memory", private=True)}, "slots": {"sms": d(interface="shared-memory", read=["a"])}},
    {"plugs": {"priv": d(interface="shared-memory", private=True), "bad-name-later": d(interface="bogus")}},
    {"plugs": {"priv": d(interface="shared-memory", private=True)}, "slots": {"bad": d(interface="shared-memory")}},
]

# Names and unknown interfaces.
NAME_CASES = [
    ("plug", "Bad", "network"),
    ("plug", "a--b", "network"),
    ("slot", "1a", "network"),
    ("slot", "a-", "network"),
    ("plug", "x", "bogus"),
    ("slot", "y", "no-such-interface"),
    ("plug", "Bad2", "bogus"),
    ("plug", "network-ok", "network"),
]


def run(oracle, snap):
    doc = {"name": snap["name"], "version": "1", "type": snap["type"]}
    if snap["plugs"]:
        doc["plugs"] = snap["plugs"]
    if snap["slots"]:
        doc["slots"] = snap["slots"]
    out = subprocess.run(
        [oracle, "snap-yaml", "-"], input=json.dumps(doc), capture_output=True, text=True
    )
    got = json.loads(out.stdout)
    if got.get("error"):
        raise SystemExit(f"{snap['name']}: {got['error']}")
    return {
        "plugs": {n: p["attrs"] for n, p in got["plugs"].items()},
        "slots": {n: s["attrs"] for n, s in got["slots"].items()},
        "bad_interfaces": got["bad_interfaces"],
    }


def pattern_cases(oracle, count=150):
    rng = random.Random(15)
    alphabet = list("[]{},\\*?a-z:^/") + ["[:alpha:]", "[:foo:]", "[]", "{a,b}"]
    patterns = set()
    while len(patterns) < count:
        length = rng.randint(1, 10)
        patterns.add("/dev/" + "".join(rng.choice(alphabet) for _ in range(length)))
    results = {}
    for pattern in sorted(patterns):
        doc = {"name": "pattern", "version": "1",
               "slots": {"s": {"interface": "custom-device", "devices": [pattern]}}}
        out = subprocess.run(
            [oracle, "snap-yaml", "-"], input=json.dumps(doc), capture_output=True, text=True
        )
        if "panic:" in out.stderr:
            results[pattern] = {"panic": True}
        else:
            results[pattern] = {"error": json.loads(out.stdout)["bad_interfaces"].get("s")}
    return results


def main():
    oracle = sys.argv[1] if len(sys.argv) > 1 else "/tmp/snapd-oracle"
    snaps = []
    for snap_type in ["app", "gadget", "os", "snapd"]:
        snaps.append({
            "name": f"plain-{snap_type}",
            "type": snap_type,
            "plugs": {f"p-{i}": {"interface": i} for i in interface_names()},
            "slots": {f"s-{i}": {"interface": i} for i in interface_names()},
        })
    for snap_type in ["app", "gadget"]:
        snap = {"name": f"attrs-{snap_type}", "type": snap_type, "plugs": {}, "slots": {}}
        for n, (iface, kind, attrs) in enumerate(CASES):
            snap[kind + "s"][f"{kind[0]}{n}"] = dict(attrs, interface=iface)
        snaps.append(snap)
    names = {"name": "names", "type": "app", "plugs": {}, "slots": {}}
    for kind, name, iface in NAME_CASES:
        names[kind + "s"][name] = {"interface": iface}
    snaps.append(names)
    for n, extra in enumerate(CONTEXT_SNAPS):
        snaps.append({"name": f"context-{n}", "type": "app",
                      "plugs": extra.get("plugs", {}), "slots": extra.get("slots", {})})
    for snap in snaps:
        snap["oracle"] = run(oracle, snap)
    golden = {"snaps": snaps, "patterns": pattern_cases(oracle)}
    json.dump(golden, sys.stdout, indent=1, sort_keys=True, ensure_ascii=False)
    sys.stdout.write("\n")


main()
