//! Hostile input for the assertion decoders and the OpenPGP packet readers: patterns made to
//! work a hand-written grammar hard (many headers, long values, deep lists, long lines,
//! many assertions in a stream, email phrases, times, channels, packet lengths that promise
//! more than the input holds), each at 1×, 8× and 64× its size. Every run must stay within
//! 16 bytes of memory per input byte (plus 1 MiB), finish, not panic, and take time that
//! grows no faster than the input (`ucore_test_support::hostile`).

use ucore_assertions::openpgp::{DataKind, Packet, decode_public_key, decode_signature, decode_v1};
use ucore_assertions::{Assertion, AssertionRef, Decoder};
use ucore_test_support::hostile::{Check, Limits};

#[global_allocator]
static ALLOC: ucore_test_support::alloc::Counting = ucore_test_support::alloc::Counting;

const SIGN_KEY: &str = "dKgGLvNmYhvRaJM33UC9mpIVjQvGqdmwzpKv85BOrpO7QhXgYetYUCKYYf8-V6E6";

/// An account assertion with `extra` header lines, then an optional body.
fn account(extra: &str, body: Option<&str>) -> Vec<u8> {
    let mut s = String::from(
        "type: account\nauthority-id: canonical\naccount-id: acme\ndisplay-name: ACME\n\
         username: acme\nvalidation: verified\ntimestamp: 2016-01-01T00:00:00Z\n",
    );
    s.push_str(extra);
    if let Some(b) = body {
        s.push_str(&format!("body-length: {}\n", b.len()));
    }
    s.push_str(&format!("sign-key-sha3-384: {SIGN_KEY}\n\n"));
    if let Some(b) = body {
        s.push_str(b);
        s.push_str("\n\n");
    }
    s.push_str("AXNpZw==");
    s.into_bytes()
}

/// A system-user assertion with the given email.
fn system_user(email: &str) -> Vec<u8> {
    format!(
        "type: system-user\nauthority-id: acme\nbrand-id: acme\nemail: {email}\nseries:\n  - 16\n\
         models:\n  - m\nname: n\nusername: u\nsince: 2016-01-01T00:00:00Z\n\
         until: 2030-01-01T00:00:00Z\nsign-key-sha3-384: {SIGN_KEY}\n\nAXNpZw=="
    )
    .into_bytes()
}

/// A model with the given extra headers.
fn model(extra: &str) -> Vec<u8> {
    format!(
        "type: model\nauthority-id: acme\nseries: 16\nbrand-id: acme\nmodel: m\n\
         architecture: amd64\nbase: core20\ngrade: signed\n{extra}\
         timestamp: 2016-01-01T00:00:00Z\nsign-key-sha3-384: {SIGN_KEY}\n\nAXNpZw=="
    )
    .into_bytes()
}

/// A preseed assertion with the given `snaps` entries.
fn preseed(snaps: &str) -> Vec<u8> {
    format!(
        "type: preseed\nauthority-id: acme\nseries: 16\nbrand-id: acme\nmodel: m\n\
         system-label: 20161201\nartifact-sha3-384: \
         PFhhBDpDANLSeafth-6wT6EcqPQE8i88ugQbt5ibHfts-9wCD6OWRqtLRpZvL_Ao\nsnaps:\n{snaps}\
         timestamp: 2016-01-01T00:00:00Z\nsign-key-sha3-384: {SIGN_KEY}\n\nAXNpZw=="
    )
    .into_bytes()
}

/// A store assertion with `extra` header lines.
fn store(extra: &str) -> Vec<u8> {
    format!(
        "type: store\nauthority-id: canonical\nstore: acme-store\noperator-id: acme\n{extra}\
         timestamp: 2016-01-01T00:00:00Z\nsign-key-sha3-384: {SIGN_KEY}\n\nAXNpZw=="
    )
    .into_bytes()
}

/// The format-1 account-key of the generated data with `extra` lines added to its first
/// constraint's `headers` map.
fn constrained_account_key(extra: &str) -> Vec<u8> {
    let base = std::fs::read_to_string(
        ucore_test_support::repo()
            .join("tests/data/assertions/generated/valid/account-key-constraints-format1.assert"),
    )
    .expect("base account-key");
    base.replacen(
        "      model: acme-.*\n",
        &format!("      model: acme-.*\n{extra}"),
        1,
    )
    .into_bytes()
}

fn decode_both(input: &[u8]) {
    let _ = AssertionRef::decode(input).map(|a| a.to_owned());
    let _ = Assertion::decode(input);
}

fn decode_stream(input: &[u8]) {
    for item in Decoder::new(input) {
        if item.is_err() {
            break;
        }
    }
}

#[test]
fn assertion_decoders_stay_linear() {
    let single = Check::new("AssertionRef::decode", Limits::default(), decode_both);
    let stream = Check::new("Decoder", Limits::default(), decode_stream);
    for check in [&single, &stream] {
        // The 289-byte system-user whose `email` once made the address parser loop
        // and allocate without bound, and its shape at every size.
        check.input(
            "issue 19",
            &std::fs::read(
                ucore_test_support::repo().join("tests/data/hostile/system-user-email-loop.assert"),
            )
            .expect("regression input"),
        );
        check.growth("email phrase of '..' words", 500, |n| {
            system_user(&format!("adn..{}@acme.\u{1}", " a..".repeat(n)))
        });
        check.growth("email of open quotes", 500, |n| {
            system_user(&"\"a\" ".repeat(n))
        });
        check.growth("email of open comments", 500, |n| {
            system_user(&format!("a@b ({}", "(".repeat(n)))
        });
        check.growth("email group", 500, |n| {
            system_user(&format!("g: {};", vec!["a@b.c"; n].join(", ")))
        });
        check.growth("many headers", 200, |n| {
            account(
                &(0..n).map(|i| format!("h{i}: v\n")).collect::<String>(),
                None,
            )
        });
        check.growth("one repeated header", 200, |n| {
            account(&"x: v\n".repeat(n), None)
        });
        check.growth("long value", 2_000, |n| {
            account(&format!("x: {}\n", "v".repeat(n)), None)
        });
        check.growth("multi-line value", 500, |n| {
            account(&format!("x:\n{}", "    line\n".repeat(n)), None)
        });
        check.growth("long list", 500, |n| {
            account(&format!("x:\n{}", "  - item\n".repeat(n)), None)
        });
        check.growth("nested lists at the depth limit", 50, |n| {
            let mut s = String::from("x:\n");
            for _ in 0..n {
                for d in 0..8 {
                    s.push_str(&" ".repeat(2 + 4 * d));
                    s.push_str("-\n");
                }
                s.push_str(&" ".repeat(2 + 4 * 8));
                s.push_str("- leaf\n");
            }
            account(&s, None)
        });
        check.growth("maps in a list", 200, |n| {
            model(&format!(
                "snaps:\n{}",
                "  -\n    name: pc\n    type: gadget\n    default-channel: 20/stable\n".repeat(n)
            ))
        });
        check.growth("long channel", 2_000, |n| {
            model(&format!(
                "snaps:\n  -\n    name: pc\n    type: gadget\n    default-channel: {}/stable\n",
                "t".repeat(n)
            ))
        });
        check.growth("long time", 2_000, |n| {
            account(
                &format!("since: 2016-01-01T00:00:00.{}Z\n", "0".repeat(n)),
                None,
            )
        });
        check.growth("long body", 4_000, |n| account("", Some(&"b".repeat(n))));
        check.growth("long signature", 2_000, |n| {
            let mut a = account("", None);
            a.truncate(a.len() - "AXNpZw==".len());
            a.extend(b"AXNp".repeat(n));
            a
        });
        check.growth("blank lines", 2_000, |n| vec![b'\n'; n]);
        check.growth("colons", 2_000, |n| vec![b':'; n]);
        check.growth("list markers", 2_000, |n| b"x:\n  - ".repeat(n));
        check.growth("indentation", 2_000, |n| {
            account(&format!("x:\n{}- y\n", " ".repeat(n)), None)
        });
    }
    for check in [&single, &stream] {
        check.growth("header map keys in descending order", 200, |n| {
            let keys: String = (0..n).rev().map(|i| format!("  k{i:07}: v\n")).collect();
            account(&format!("x:\n{keys}"), None)
        });
        check.growth("many snaps (duplicate checks)", 50, |n| {
            model(&format!(
                "snaps:\n{}",
                (0..n)
                    .map(|i| format!("  -\n    name: s{i}\n    id: {i:0>32}\n    type: app\n"))
                    .collect::<String>()
            ))
        });
        check.growth(
            "many preseed snaps (duplicate name and id checks)",
            50,
            |n| {
                preseed(
                    &(0..n)
                        .map(|i| {
                            format!("  -\n    name: s{i}\n    id: {i:0>32}\n    revision: 1\n")
                        })
                        .collect::<String>(),
                )
            },
        );
        check.growth("system-user password of many fields", 2_000, |n| {
            let mut a = system_user("a@b.c");
            let at = a
                .windows(9)
                .position(|w| w == b"username:")
                .expect("username");
            let line = format!("password: $6$rounds=5000${}\n", "s$".repeat(n));
            a.splice(at..at, line.into_bytes());
            a
        });
        check.growth("store url of many segments", 2_000, |n| {
            store(&format!("url: https://x/{}\n", "a/%20".repeat(n)))
        });
        check.growth("signature followed by whitespace lines", 500, |n| {
            let mut a = account("", None);
            a.extend(b"\n \t\n".repeat(n));
            a
        });
        check.growth("components inheriting many modes", 50, |n| {
            model(&format!(
                "snaps:\n  -\n    name: pc\n    type: gadget\n    modes:\n{}    components:\n{}",
                "      - aa\n".repeat(n),
                (0..n)
                    .map(|i| format!("      c{i}: required\n"))
                    .collect::<String>()
            ))
        });
    }
    for check in [&single, &stream] {
        check.growth(
            "JSON body whose canonical form is indented deep",
            1_000,
            |n| {
                let body = format!("{}{}1{}", "[".repeat(127), "1,".repeat(n), "]".repeat(127));
                format!(
                    "type: confdb-schema\nauthority-id: acme\naccount-id: acme\nname: network\n\
                 views:\n  wifi-setup:\n    rules:\n      -\n        request: ssid\n        \
                 storage: wifi.ssid\ntimestamp: 2016-12-01T12:00:00Z\nbody-length: {}\n\
                 sign-key-sha3-384: {SIGN_KEY}\n\n{body}\n\nAXNpZw==",
                    body.len()
                )
                .into_bytes()
            },
        );
    }
    stream.growth("many assertions", 100, |n| {
        let one = account("", None);
        let mut s = Vec::new();
        for _ in 0..n {
            s.extend_from_slice(&one);
            s.extend_from_slice(b"\n\n");
        }
        s
    });
    stream.growth("signature with blank lines", 500, |n| {
        let mut a = account("", None);
        a.extend(b"\n\n\n".repeat(n));
        a
    });
}

/// Account-key constraints compile into automata: 256 bytes of compiled memory per byte of
/// pattern are allowed (`types/constraint_regex.rs`), so the limit here is 320 a byte.
#[test]
fn account_key_constraints_stay_linear() {
    let limits = Limits {
        bytes_per_input_byte: 320,
        ..Limits::default()
    };
    let check = Check::new("account-key constraints", limits, decode_both);
    check.growth("word classes", 10, |n| {
        constrained_account_key(
            &(0..n)
                .map(|i| format!("      h{i}: \\w{{200}}\n"))
                .collect::<String>(),
        )
    });
    check.growth("Unicode classes", 10, |n| {
        constrained_account_key(
            &(0..n)
                .map(|i| format!("      h{i}: \\pL{{100}}\n"))
                .collect::<String>(),
        )
    });
    check.growth("many small patterns", 50, |n| {
        constrained_account_key(
            &(0..n)
                .map(|i| format!("      h{i}: a{i}-.*\n"))
                .collect::<String>(),
        )
    });
    check.growth("one long pattern", 1_000, |n| {
        constrained_account_key(&format!("      h: {}\n", "(a|b)".repeat(n)))
    });
}

#[test]
fn openpgp_readers_stay_linear() {
    let packets = Check::new("openpgp", Limits::default(), |input: &[u8]| {
        let _ = Packet::parse(input);
        let _ = Packet::parse_strict(input);
        for kind in [DataKind::Signature, DataKind::PublicKey] {
            let _ = decode_v1(input, kind);
        }
        let _ = decode_signature(input);
        let _ = decode_public_key(input);
    });
    // A new-format packet header that promises 4 GiB and holds n bytes.
    packets.growth("declared length beyond the input", 2_000, |n| {
        let mut p = vec![0xc2, 0xff, 0xff, 0xff, 0xff, 0xff];
        p.extend(vec![0x04; n]);
        p
    });
    // Partial body lengths: n chunks of one byte each.
    packets.growth("partial body lengths", 2_000, |n| {
        let mut p = vec![0xc2];
        for _ in 0..n {
            p.extend([0xe0, 0x04]);
        }
        p.push(0x00);
        p
    });
    // An MPI whose bit count promises more than the packet has.
    packets.growth("oversized MPI", 2_000, |n| {
        let mut body = vec![0x04, 0x00, 0x00, 0x00, 0x00, 0x01, 0xff, 0xff];
        body.extend(vec![0xaa; n]);
        let mut p = vec![0xc6, 0xff];
        p.extend((body.len() as u32).to_be_bytes());
        p.extend(body);
        p
    });
    // Signature subpackets: n empty ones in the hashed area.
    packets.growth("many subpackets", 1_000, |n| {
        let mut sub = Vec::new();
        for _ in 0..n {
            sub.extend([0x01, 0x10]);
        }
        let mut body = vec![0x04, 0x00, 0x01, 0x0a];
        body.extend((sub.len() as u16).to_be_bytes());
        body.extend(sub);
        body.extend([0x00, 0x00, 0x00, 0x00]);
        let mut p = vec![0xc2, 0xff];
        p.extend((body.len() as u32).to_be_bytes());
        p.extend(body);
        p
    });
    // v1 text: the version byte then base64 in many short lines, or one long line.
    packets.growth("v1 base64 lines", 1_000, |n| {
        let mut s = b"AcLA".to_vec();
        for _ in 0..n {
            s.extend(b"\nAAAA");
        }
        s
    });
    packets.growth("v1 base64 line", 4_000, |n| {
        let mut s = b"AcLA".to_vec();
        s.extend(b"A".repeat(n));
        s
    });
    packets.growth("v1 whitespace", 4_000, |n| {
        let mut s = b"Ac".to_vec();
        s.extend(b" \n".repeat(n));
        s
    });
}

/// Go regexps (`go_regexp`, as snapd anchors them): the parse tree and the translated
/// expression stay linear in the pattern: 128 bytes per input byte. Character classes are
/// stored whole, as Go and `regex-syntax` store them, so a `\pL` (3 bytes) holds about
/// 5 KB: Unicode classes get 2048 bytes per input byte (callers bound them with
/// `go_regexp::Limits::class_runes`).
#[test]
fn go_regexps_stay_linear() {
    fn parse(input: &[u8]) {
        let text = String::from_utf8_lossy(input);
        let _ = ucore_assertions::go_regexp::parse(&format!("^({text})$"));
    }
    let plain = Check::new(
        "go_regexp",
        Limits {
            bytes_per_input_byte: 128,
            ..Limits::default()
        },
        parse,
    );
    /// A pattern shape: its label and the pattern of size `n`.
    type Shape = (&'static str, fn(usize) -> String);
    let shapes: [Shape; 9] = [
        ("literal", |n| "a".repeat(n)),
        ("nested groups", |n| {
            format!("{}a{}", "(".repeat(n), ")".repeat(n))
        }),
        ("unclosed groups", |n| "(?:".repeat(n)),
        ("alternatives", |n| "ab|".repeat(n)),
        ("counted repeats", |n| "(?:a{10}|b)*".repeat(n)),
        ("nested repeats", |n| {
            format!("{}a{}", "(".repeat(n), "{2})".repeat(n))
        }),
        ("quoted", |n| format!("\\Q{}", "x*".repeat(n))),
        ("classes", |n| "[a-z0-9_]".repeat(n)),
        ("case folding", |n| format!("(?i){}", "[a-z]k".repeat(n))),
    ];
    for (label, make) in shapes {
        plain.growth(label, 100, |n| make(n).into_bytes());
    }
    let unicode = Check::new(
        "go_regexp Unicode classes",
        Limits {
            bytes_per_input_byte: 2048,
            ..Limits::default()
        },
        parse,
    );
    unicode.growth("letters", 20, |n| "\\pL".repeat(n).into_bytes());
    unicode.growth("in brackets", 20, |n| {
        "[\\p{Greek}\\d]".repeat(n).into_bytes()
    });
    unicode.growth("folded", 20, |n| "(?i)\\p{Lu}".repeat(n).into_bytes());
}
