"""The policy golden cases: name -> (type, plugs, slots, extra headers).

Each case becomes NAME.assert (signed with `$O sign` when snapd accepts it, else crafted
with a placeholder signature, which decoding does not check) and NAME.oracle.json (what
`$O policy compile NAME.assert` prints, plus "min_format": the lowest format `$O sign`
accepts, or null when it refuses the declaration). Run ./regenerate.sh after editing.
"""

SD = "snap-declaration"
BD = "base-declaration"

ID = "helloidaaaaaaaaaaaaaaaaaaaaaaaaa"
ID2 = "slotsnapidididididididididididid"


def p(rule, iface="iface"):
    return {"plugs": {iface: rule}}


def s(rule, iface="iface"):
    return {"slots": {iface: rule}}


CASES = {
    # --- good: every constraint key, both sides, all subrules ---
    "every-plug-key": {"plugs": {
        "iface": {
            "allow-installation": {
                "plug-snap-type": ["app", "core"],
                "plug-snap-id": [ID],
                "plug-names": ["foo-.*", "$INTERFACE"],
                "plug-attributes": {"a": "x|y", "b": {"c": "$MISSING", "d": ["1", "2"]}},
                "on-classic": ["ubuntu", "debian"],
                "on-store": ["store1"],
                "on-brand": ["acme"],
                "on-model": ["acme/model-1"],
            },
            "deny-installation": {"on-classic": "false"},
            "allow-connection": [
                {"slot-snap-type": ["gadget"], "slot-publisher-id": ["$PLUG_PUBLISHER_ID", "acme"],
                 "slot-snap-id": [ID2], "slots-per-plug": "*", "plugs-per-slot": "2"},
                {"slot-attributes": {"s": "$PLUG(p.q)"}, "plug-attributes": {"p": "$SLOT(s)"},
                 "slot-names": ["bar[0-9]"]},
            ],
            "deny-connection": {"plug-attributes": {"private": "true"}, "on-classic": "true"},
            "allow-auto-connection": [{"slots-per-plug": "2"}, {"slots-per-plug": "*", "on-brand": ["acme", "BRANDIDAAAAAAAAAAAAAAAAAAAAAAAAA"]}],
            "deny-auto-connection": "true",
        },
        "other": "true",
        "third": "false",
    }},
    "every-slot-key": {"slots": {
        "iface": {
            "allow-installation": [
                {"slot-snap-type": ["core"], "slot-snap-id": [ID], "slot-names": ["$INTERFACE"],
                 "slot-attributes": [{"a": "1"}, {"a": "2", "b": "$MISSING"}]},
                {"on-model": ["acme/m"], "on-classic": "false"},
            ],
            "deny-installation": {"slot-attributes": {"x": "y"}},
            "allow-connection": {"plug-snap-type": ["app"], "plug-publisher-id": ["$SLOT_PUBLISHER_ID"],
                                 "plug-snap-id": [ID2], "plug-names": ["p"], "plugs-per-slot": "*"},
            "deny-connection": [{"slot-attributes": {"name": ".+"}}, {"on-store": ["s"]}],
            "allow-auto-connection": {"plug-attributes": {"content": "$SLOT(content)"}, "slots-per-plug": "+1"},
            "deny-auto-connection": {"on-classic": ["fedora"]},
        },
    }},
    "shortcuts-and-defaults": {"plugs": {"a": "true", "b": "false", "c": {"deny-auto-connection": "true"}},
                               "slots": {"a": {"allow-installation": "false"}, "d": {"foo": "bar", "allow-connection": "true"}}},
    "installation-only-unknown-keys": {"plugs": {"iface": {"allow-installation": {"plug-snap-ids": ["foo"]},
                                                            "deny-installation": {"bogus": "x"}}}},
    "slot-installation-ignores-plug-keys": s({"allow-installation": {"plug-attributes": "true", "plug-snap-type": ["x"]}}),
    "arity-only": p({"allow-connection": {"slots-per-plug": "5"}, "allow-auto-connection": {"plugs-per-slot": "+01"}}),
    "unbalanced-regexp": p({"allow-installation": {"plug-attributes": {"a": "a)|(b"}}}),
    "nested-alternatives": p({"allow-connection": {"plug-attributes": {"mnt": [{"what": "/(bar/|dev/x)\\*", "options": "rw|bind"}, {"where": ["a", "b"]}]}}}),
    "device-scope-all": s({"allow-auto-connection": {"on-store": ["a", "F_o-O88"], "on-brand": ["dwell-88"], "on-model": ["dwell/dwell1-23"]}}),
    "base-declaration": {"type": BD, "plugs": {"x": {"allow-installation": "false", "deny-auto-connection": "true"}},
                         "slots": {"x": {"allow-installation": {"slot-snap-type": ["core"]}, "deny-connection": {"on-classic": "false"}}}},
    "no-rules": {},
    # --- bad: the compile errors of policy.md §5, in order ---
    "e-r1-string": p("foo"),
    "e-r1-list": p(["allow"]),
    "e-r2": p({"allow-installation": "foo"}),
    "e-r2-deny": p({"deny-connection": "maybe"}),
    "e-r3": p({"allow-connection": ["foo"]}),
    "e-r3-shortcut": p({"allow-connection": [{"plug-attributes": {"a": "x"}}, "false"]}),
    "e-r4": p({"allow-connect": "true"}),
    "e-r4-slot": s({"foo": "bar"}),
    "e-c1-regexp": p({"allow-installation": {"plug-attributes": {"a1": "["}}}),
    "e-c1-regexp-alt": p({"allow-connection": [{"plug-attributes": {"a": "("}}]}),
    "e-c1-first-level": p({"allow-installation": {"plug-attributes": "true"}}),
    "e-c1-first-level-list": p({"allow-installation": {"plug-attributes": ["FOO"]}}),
    "e-c1-nested-top": p({"allow-installation": {"plug-attributes": [["a"]]}}),
    "e-c1-nested": p({"allow-installation": {"plug-attributes": {"a": [["x"]]}}}),
    "e-c1-two-args": p({"allow-installation": {"plug-attributes": {"a": "$SLOT(a,b)"}}}),
    "e-c1-bad-op": p({"allow-installation": {"plug-attributes": {"a": "$FOO"}}}),
    "e-c1-publisher-ref": p({"allow-connection": {"slot-attributes": {"a": "$PLUG_PUBLISHER_ID"}}}),
    "e-c1-empty-arg": p({"allow-connection": {"slot-attributes": {"a": "$SLOT()"}}}),
    "e-c1-alt-path": s({"allow-connection": {"slot-attributes": {"foo": [{"k": "$SLOT()"}]}}}),
    "e-c2-plug": p({"allow-connection": {"slot-snap-ids": ["foo"]}}),
    "e-c2-slot": s({"deny-auto-connection": {"plug-snap-ids": ["foo"]}}),
    "e-c2-plug-snap-type-in-plug-rule": p({"allow-connection": {"plug-snap-type": ["app"]}}),
    "e-c2-slot-snap-type-in-slot-rule": s({"allow-connection": {"slot-snap-type": ["app"]}}),
    "e-c3a-snap-id": p({"allow-connection": {"slot-snap-id": [{"foo": "1"}]}}),
    "e-c3a-not-list": s({"allow-installation": {"slot-snap-type": "core"}}),
    "e-c3b-snap-id": p({"allow-connection": {"slot-snap-id": ["foo"]}}),
    "e-c3b-snap-type": p({"allow-connection": {"slot-snap-type": ["base"]}}),
    "e-c3b-publisher": p({"allow-connection": {"slot-publisher-id": ["$slot"]}}),
    "e-c3b-alternative": p({"allow-connection": [{"on-classic": "true"}, {"slot-snap-type": ["bogus"]}]}),
    "e-c4a-installation": p({"allow-installation": {"slots-per-plug": "1"}}),
    "e-c4a-deny": s({"deny-auto-connection": {"plugs-per-slot": "*"}}),
    "e-c4b-any": p({"allow-auto-connection": {"plugs-per-slot": "any"}}),
    "e-c4b-zero": p({"allow-auto-connection": {"slots-per-plug": "0"}}),
    "e-c4b-minus-zero": p({"allow-auto-connection": {"slots-per-plug": "-0"}}),
    "e-c4b-map": p({"allow-auto-connection": {"slots-per-plug": {"what": "1"}}}),
    "e-c4c": p({"allow-auto-connection": {"slots-per-plug": "99999999999999999999"}}),
    "e-c4d": p({"allow-auto-connection": {"slots-per-plug": "00"}}),
    "e-c5a": s({"allow-connection": {"on-classic": {"x": "1"}}}),
    "e-c5a-yes": s({"allow-connection": {"on-classic": "yes"}}),
    "e-c5b": s({"allow-connection": {"on-classic": [{"a": "b"}]}}),
    "e-c5c": s({"allow-connection": {"on-classic": ["Ubuntu"]}}),
    "e-c5c-variant": s({"allow-connection": {"on-classic": ["ubuntu/desktop"]}}),
    "e-n1": p({"allow-auto-connection": {"plug-names": "true"}}),
    "e-n2": s({"allow-connection": {"slot-names": [{"foo": "bar"}]}}),
    "e-n3": p({"allow-connection": {"plug-names": ["$interface"]}}),
    "e-n3-dollar": p({"allow-connection": {"plug-names": ["$"]}}),
    "e-n4": p({"allow-connection": {"plug-names": ["$INTERFACE", "a b"]}}),
    "e-n5": p({"allow-connection": {"plug-names": ["["]}}),
    "e-ds-store-not-list": p({"allow-installation": {"on-store": "store1"}}),
    "e-ds-store-element": p({"allow-installation": {"on-store": ["zoom!"]}}),
    "e-ds-brand": p({"allow-connection": {"on-store": ["a"], "on-brand": ["B"]}}),
    "e-ds-model": p({"allow-auto-connection": {"on-model": ["foo/!qz"]}}),
    "e-ds-model-double-slash": s({"allow-auto-connection": {"on-model": ["foo//bar"]}}),
    "e-core-desktop": p({"allow-connection": {"on-core-desktop": "true"}}),
    "e-order-names-before-attributes": p({"allow-connection": {"plug-names": ["["], "plug-attributes": {"a": "["}}}),
    "e-order-subrules": p({"deny-auto-connection": "x", "allow-installation": "y"}),
    "e-order-plugs-before-slots": {"plugs": {"a": "x"}, "slots": {"a": "y"}},
    "e-plugs-not-map": {"plugs": "what"},
    "e-slots-not-map": {"slots": ["a"]},
    "e-revision-authority-store": {"revision-authority": [{"account-id": "acme", "provenance": ["p1"], "on-store": "s"}]},
    "e-revision-authority-brand": {"revision-authority": [{"account-id": "acme", "provenance": ["p1"], "on-brand": ["B!"]}]},
    "revision-authority-scope": {"revision-authority": [{"account-id": "acme", "provenance": ["p1"], "on-store": ["s"], "on-model": ["acme/m"]}]},
    "e-base-plugs": {"type": BD, "plugs": {"intf1": {"foo": "bar"}}},
}

# Headers-only base-declaration text, as snapd's InitBuiltinBaseDeclaration reads it
# (NAME.txt; the oracle's `policy compile` takes it as "builtin-headers").
HEAD = "type: base-declaration\nauthority-id: canonical\nseries: 16\n"
BUILTIN = {
    "builtin-type": "type: foo\n",
    "builtin-authority": "type: base-declaration\n",
    "builtin-series": "type: base-declaration\nauthority-id: canonical\n",
    "builtin-series-list": "type: base-declaration\nauthority-id: canonical\nseries:\n  - 16\n",
    "builtin-revision": HEAD + "revision: zzz\n",
    "builtin-revision-negative": HEAD + "revision: -1\n",
    "builtin-plugs": HEAD + "plugs: foo\n",
    "builtin-rule": HEAD + "slots:\n  x:\n    allow-connection: maybe\n",
    "builtin-trimmed": "\n  " + HEAD + "revision: 3\nplugs:\n  x: true\nslots:\n  x:\n    deny-connection:\n      on-classic: false\n\n",
    "builtin-bad-headers": HEAD + "plugs\n",
}
