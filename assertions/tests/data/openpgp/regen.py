#!/usr/bin/env python3
"""Regenerates the oracle golden files of the openpgp tests.

Needs the snapd oracle (snapd 2.57 + golang.org/x/crypto openpgp) built at
$UCORE_ORACLE (default /tmp/snapd-oracle) and /work/shared beside the repo.

Writes, next to this script:
  real-signatures.jsonl  every signature of the real and self-made assertions:
                         {"file", "index", "type", "signature", "sig_created"}
  real-keys.jsonl        every account-key body: {"file", "body", "key_id"}
  crafted.jsonl          crafted signature / public-key v1 texts and what
                         snapd says about them: {"kind", "name", "text", "oracle"}
                         ("oracle" is snapd's error text, or "ok")
  genkey-N.pem / genkey-N.json  oracle-made RSA-2048 keys with their
                         `keyid` and `account-key` outputs
"""
import base64, glob, json, os, struct, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))
ORACLE = os.environ.get("UCORE_ORACLE", "/tmp/snapd-oracle")
SHARED = os.environ.get("UCORE_SHARED", "/work/shared")
SELFMADE = os.path.join(SHARED, "oracle/testdata/selfmade")
NOW = "--now=2017-01-01T00:00:00Z"


def run(*args, stdin=None):
    return subprocess.run([ORACLE, *args], input=stdin, capture_output=True, check=False)


def real_inputs():
    files = [os.path.join(SHARED, "oracle/testdata", f) for f in
             ("canonical-root-account-key.assert", "generic-models-account-key.assert",
              "canonical-account.assert", "generic-account.assert", "generic-classic-model.assert")]
    files += sorted(glob.glob(os.path.join(SHARED, "corpus/assertions/canonical-models/*.model")))
    files += sorted(glob.glob(os.path.join(SELFMADE, "*.assert")))
    files += sorted(glob.glob(os.path.join(SELFMADE, "*.stream")))
    return files


def write_real():
    sigs, keys = [], []
    for path in real_inputs():
        rel = os.path.relpath(path, SHARED)
        out = run("decode", path).stdout.decode()
        for i, line in enumerate(out.splitlines()):
            d = json.loads(line)
            if "error" in d:
                # snapd 2.57 refuses a few newer models; take the signature
                # text (after the last blank line) without the oracle's time.
                raw = open(path, "rb").read().decode()
                sigs.append({"file": rel, "index": i, "type": None, "oracle_error": d["error"],
                             "signature": raw[raw.rindex("\n\n") + 2:], "sig_created": None})
                break
            sigs.append({"file": rel, "index": i, "type": d["type"],
                         "signature": d["signature"], "sig_created": d["sig_created"]})
            if d["type"] == "account-key":
                keys.append({"file": rel, "body": d["body"],
                             "key_id": d["headers"]["public-key-sha3-384"]})
    with open(os.path.join(HERE, "real-signatures.jsonl"), "w") as f:
        f.writelines(json.dumps(s, sort_keys=True) + "\n" for s in sigs)
    with open(os.path.join(HERE, "real-keys.jsonl"), "w") as f:
        f.writelines(json.dumps(k, sort_keys=True) + "\n" for k in keys)
    return sigs


# ---- crafting -------------------------------------------------------------

def v1(pkt, marker=b"\x01"):
    t = base64.b64encode(marker + pkt).decode()
    return "\n".join(t[i:i + 76] for i in range(0, len(t), 76))


def newlen(n):
    if n < 192:
        return bytes([n])
    if n < 8384:
        n -= 192
        return bytes([(n >> 8) + 192, n & 0xFF])
    return b"\xff" + struct.pack(">I", n)


def pkt(tag, body):
    return bytes([0xC0 | tag]) + newlen(len(body)) + body


def mpi(b, bits=None):
    b = b.lstrip(b"\0") if bits is None else b
    if bits is None:
        bits = (len(b) - 1) * 8 + b[0].bit_length() if b else 0
    return struct.pack(">H", bits) + b


def sub(kind, data, critical=False, five=False):
    n = len(data) + 1
    ln = b"\xff" + struct.pack(">I", n) if five else newlen(n)
    return ln + bytes([kind | (0x80 if critical else 0)]) + data


def sig_body(hashed, unhashed, algo=1, hash_id=10, version=4, sig_type=0, value=None, left=b"\xab\xcd"):
    if value is None:
        value = mpi(b"\x01" * 256, 2048)
    return (bytes([version, sig_type, algo, hash_id]) + struct.pack(">H", len(hashed)) + hashed
            + struct.pack(">H", len(unhashed)) + unhashed + left + value)


CT = sub(2, struct.pack(">I", 1480593600))


def crafted_signatures(real_packet):
    c = {}
    c["bad-base64-char"] = "AXN*"
    c["missing-padding"] = "AXNpZw"
    c["garbage-after-padding"] = "AXNpZw==AAAA"
    c["format-version-2"] = v1(real_packet, b"\x02")
    c["marker-only"] = v1(b"")
    c["tag-without-msb"] = v1(b"\x42\x00")
    c["truncated"] = v1(real_packet[:-10])
    c["truncated-header"] = v1(b"\xc2\xff\x00")
    c["trailing-byte"] = v1(real_packet + b"\x00")
    c["trailing-packet"] = v1(real_packet + pkt(13, b"x"))
    body = real_packet[3:]
    c["junk-inside-body"] = v1(pkt(2, body + b"junk"))
    c["old-format-header"] = v1(b"\x89" + struct.pack(">H", len(body)) + body)
    c["old-format-indeterminate"] = v1(b"\x8b" + body)
    c["partial-lengths"] = v1(b"\xc2\xe8" + body[:256] + newlen(len(body) - 256) + body[256:])
    c["partial-lengths-truncated"] = v1(b"\xc2\xe8" + body[:100])
    c["empty-body"] = v1(b"\xc2\x00")
    c["empty-body-truncated"] = v1(b"\xc2\x05")
    c["version-5"] = v1(pkt(2, sig_body(CT, b"", version=5)))
    c["v3"] = v1(pkt(2, bytes([3, 5, 0]) + struct.pack(">I", 1480593600) + b"\x11" * 8 + b"\x01\x0a\xab\xcd" + mpi(b"\x01" * 256, 2048)))
    c["v3-bad-hash"] = v1(pkt(2, bytes([3, 5, 0]) + struct.pack(">I", 1) + bytes(range(8)) + b"\x01\x63\xab\xcd" + mpi(b"\x01" * 4)))
    c["v3-hashed-len-4"] = v1(pkt(2, bytes([3, 4, 0])))
    c["v3-dsa-algo-19"] = v1(pkt(2, bytes([3, 5, 0]) + b"\0" * 12 + b"\x13\x0a"))
    c["version-1"] = v1(pkt(2, bytes([1, 5])))
    c["algo-22"] = v1(pkt(2, sig_body(CT, b"", algo=22)))
    c["algo-17-dsa"] = v1(pkt(2, sig_body(CT, b"", algo=17, value=mpi(b"\x05" * 20) + mpi(b"\x06" * 20))))
    c["hash-12"] = v1(pkt(2, sig_body(CT, b"", hash_id=12)))
    c["hash-sha256"] = v1(pkt(2, sig_body(CT, b"", hash_id=8)))
    c["no-creation-time"] = v1(pkt(2, sig_body(b"", b"")))
    c["creation-time-unhashed"] = v1(pkt(2, sig_body(CT, CT)))
    c["creation-time-only-unhashed"] = v1(pkt(2, sig_body(b"", CT)))
    c["creation-time-3-bytes"] = v1(pkt(2, sig_body(sub(2, b"\0\0\1"), b"")))
    c["zero-length-subpacket"] = v1(pkt(2, sig_body(CT + b"\x00", b"")))
    c["subpacket-truncated"] = v1(pkt(2, sig_body(CT + b"\x09\x10", b"")))
    c["subpacket-truncated-2byte"] = v1(pkt(2, sig_body(CT + b"\xc5", b"")))
    c["issuer-bad-length"] = v1(pkt(2, sig_body(CT, sub(16, b"\1" * 7))))
    c["issuer-ok"] = v1(pkt(2, sig_body(CT, sub(16, b"\1" * 8))))
    c["unknown-critical"] = v1(pkt(2, sig_body(CT + sub(100, b"x", critical=True), b"")))
    c["unknown-critical-unhashed"] = v1(pkt(2, sig_body(CT, sub(100, b"x", critical=True))))
    c["known-critical"] = v1(pkt(2, sig_body(CT + sub(16, b"\1" * 8, critical=True), b"")))
    c["unknown-noncritical"] = v1(pkt(2, sig_body(CT + sub(100, b"x"), b"")))
    c["issuer-fpr-critical"] = v1(pkt(2, sig_body(CT + sub(33, b"\4" + b"\1" * 20, critical=True), b"")))
    c["five-byte-subpacket-length"] = v1(pkt(2, sig_body(sub(2, struct.pack(">I", 5), five=True), b"")))
    c["sig-expiration-bad"] = v1(pkt(2, sig_body(CT + sub(3, b"\1"), b"")))
    c["sig-expiration-bad-unhashed"] = v1(pkt(2, sig_body(CT, sub(3, b"\1"))))
    c["key-expiration-bad"] = v1(pkt(2, sig_body(CT + sub(9, b"\1\2"), b"")))
    c["primary-uid-bad"] = v1(pkt(2, sig_body(CT + sub(25, b""), b"")))
    c["key-flags-empty"] = v1(pkt(2, sig_body(CT + sub(27, b""), b"")))
    c["revocation-empty"] = v1(pkt(2, sig_body(CT + sub(29, b""), b"")))
    emb_ok = sig_body(CT, b"", sig_type=0x19)
    emb_bad = sig_body(CT, b"", sig_type=0x18)
    c["embedded-ok"] = v1(pkt(2, sig_body(CT, sub(32, emb_ok))))
    c["embedded-wrong-type"] = v1(pkt(2, sig_body(CT, sub(32, emb_bad))))
    c["embedded-twice"] = v1(pkt(2, sig_body(CT + sub(32, emb_ok), sub(32, emb_ok))))
    c["embedded-truncated"] = v1(pkt(2, sig_body(CT, sub(32, emb_ok[:-5]))))
    c["embedded-no-ctime"] = v1(pkt(2, sig_body(CT, sub(32, sig_body(b"", b"", sig_type=0x19)))))
    c["mpi-truncated"] = v1(pkt(2, sig_body(CT, b"", value=mpi(b"\1" * 10, 2048))))
    big = sub(100, b"\0" * 5000)
    c["big-body-junk"] = v1(pkt(2, sig_body(CT, big) + b"junkjunk"))
    c["big-mpi-junk"] = v1(pkt(2, sig_body(CT, b"", value=mpi(b"\1" * 5000, 40000)) + b"junk"))
    c["big-mpi-junk-small-buffer"] = v1(pkt(2, sig_body(CT, sub(100, b"\0" * 4000), value=mpi(b"\1" * 5000, 40000)) + b"junk"))
    c["public-key-packet"] = v1(pkt(6, key_body(1, mpi(b"\xc1" * 256) + mpi(b"\1\0\1"))))
    c["user-id-packet"] = v1(pkt(13, b"someone <a@b.c>"))
    c["unknown-packet-60"] = v1(pkt(60, b"x"))
    c["unknown-packet-12"] = v1(pkt(12, b"x"))
    return c


def key_body(algo, material, version=4, ctime=0x5685C180):
    return bytes([version]) + struct.pack(">I", ctime) + bytes([algo]) + material


P256_G = bytes.fromhex("04" "6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296"
                       "4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5")
OID_P256 = bytes.fromhex("2A8648CE3D030107")
ED_OID = bytes.fromhex("2B060104 01DA470F01".replace(" ", ""))


def crafted_keys(acme_packet):
    c = {}
    body = acme_packet[3:]  # C6 C1 4D header
    n_e = body[6:]
    c["acme"] = v1(acme_packet)
    c["acme-old-format-other-time"] = v1(b"\x99" + struct.pack(">H", len(body)) + key_body(1, n_e, ctime=1234567))
    c["acme-algo-3"] = v1(pkt(6, key_body(3, n_e)))
    c["acme-algo-2"] = v1(pkt(6, key_body(2, n_e)))
    c["acme-subkey"] = v1(pkt(14, body))
    n = n_e[:-5]
    c["acme-leading-zero-n"] = v1(pkt(6, key_body(1, struct.pack(">H", 2056) + b"\0" + n[2:] + n_e[-5:])))
    c["acme-junk-inside"] = v1(pkt(6, body + b"junk"))
    c["acme-trailing"] = v1(acme_packet + b"\x00")
    c["acme-truncated"] = v1(acme_packet[:-3])
    c["large-exponent"] = v1(pkt(6, key_body(1, n + mpi(b"\1\0\0\1"))))
    c["exponent-zero-length"] = v1(pkt(6, key_body(1, n + mpi(b""))))
    c["version-5"] = v1(pkt(6, key_body(1, n_e, version=5)))
    c["version-3"] = v1(pkt(6, bytes([3]) + struct.pack(">IH", 0, 0) + b"\x01" + n_e))
    c["version-3-short-modulus"] = v1(pkt(6, bytes([3]) + struct.pack(">IH", 0, 0) + b"\x01" + mpi(b"\x81" * 7) + mpi(b"\3")))
    c["version-3-bad-algo"] = v1(pkt(6, bytes([3]) + struct.pack(">IH", 0, 0) + b"\x11"))
    c["version-3-subkey"] = v1(pkt(14, bytes([3]) + struct.pack(">IH", 0, 0) + b"\x01" + n_e))
    c["algo-99"] = v1(pkt(6, key_body(99, b"")))
    c["ed25519"] = v1(pkt(6, key_body(22, bytes([9]) + ED_OID + mpi(b"\x40" + bytes(range(32)), 263))))
    c["dsa"] = v1(pkt(6, key_body(17, mpi(b"\x81" * 8) + mpi(b"\x81" * 2) + mpi(b"\x82") + mpi(b"\x83"))))
    c["elgamal"] = v1(pkt(6, key_body(16, mpi(b"\x81" * 8) + mpi(b"\x82") + mpi(b"\x83"))))
    c["ecdsa-p256"] = v1(pkt(6, key_body(19, bytes([8]) + OID_P256 + mpi(P256_G, 515))))
    c["ecdsa-bad-point-length"] = v1(pkt(6, key_body(19, bytes([8]) + OID_P256 + mpi(P256_G[:-1]))))
    c["ecdsa-compressed-point"] = v1(pkt(6, key_body(19, bytes([8]) + OID_P256 + mpi(b"\x02" + P256_G[1:33]))))
    c["ecdsa-unknown-oid"] = v1(pkt(6, key_body(19, bytes([2, 0x2A, 0x03]) + mpi(P256_G))))
    c["ecdsa-oid-too-long"] = v1(pkt(6, key_body(19, bytes([9]) + b"\1" * 9)))
    c["ecdh-p256"] = v1(pkt(6, key_body(18, bytes([8]) + OID_P256 + mpi(P256_G, 515) + b"\x03\x01\x08\x07")))
    c["ecdh-kdf-short"] = v1(pkt(6, key_body(18, bytes([8]) + OID_P256 + mpi(P256_G, 515) + b"\x02\x01\x08")))
    c["ecdh-kdf-reserved"] = v1(pkt(6, key_body(18, bytes([8]) + OID_P256 + mpi(P256_G, 515) + b"\x03\x02\x08\x07")))
    c["signature-packet"] = v1(pkt(2, sig_body(CT, b"")))
    c["v3-signature-packet"] = v1(pkt(2, bytes([3, 5, 0]) + b"\0" * 12 + b"\x01\x0a\xab\xcd" + mpi(b"\1")))
    c["user-id"] = v1(pkt(13, b"u"))
    c["empty-body"] = v1(pkt(6, b""))
    c["no-data-newline"] = "\n"
    return c


def account_key(body):
    body = body.encode()
    h = ("type: account-key\nauthority-id: testroot\n"
         "public-key-sha3-384: dKgGLvNmYhvRaJM33UC9mpIVjQvGqdmwzpKv85BOrpO7QhXgYetYUCKYYf8-V6E6\n"
         "account-id: acme\nname: models\nsince: 2016-01-01T00:00:00Z\n"
         f"body-length: {len(body)}\n"
         "sign-key-sha3-384: CW1fEKlaQMHVKxRszCSafpf73i74Mox93yGtkWSqKnvsuH8N4428B3gp_3BiBAu4\n\n")
    return h.encode() + body + b"\n\nAXNpZw==\n"


def oracle_key(text, tmp):
    with open(tmp, "wb") as f:
        f.write(account_key(text))
    d = json.loads(run("decode", tmp).stdout.decode().splitlines()[0])
    if "error" not in d:
        return "ok"
    err = d["error"]
    prefix = "assertion account-key: "
    assert err.startswith(prefix), err
    err = err[len(prefix):]
    return "ok" if err == "public key does not match provided key id" else err


def oracle_sig(text, tmp, model_content):
    with open(tmp, "wb") as f:
        f.write(open(os.path.join(SELFMADE, "acme-prereqs.stream"), "rb").read())
        f.write(model_content + text.encode() + b"\n")
    out = run(NOW, "verify", os.path.join(SELFMADE, "trusted.stream"), tmp).stdout.decode()
    d = json.loads(out.splitlines()[-1])
    assert d["type"] == "model", out
    if d["ok"]:
        return "ok"
    err = d["error"]
    # A packet that parses but does not verify decoded fine.
    return "ok" if err.startswith("failed signature verification") else err


def write_crafted():
    tmp = os.path.join(HERE, ".tmp-oracle-input")
    model = open(os.path.join(SELFMADE, "model.assert"), "rb").read()
    cut = model.rindex(b"\n\n") + 2
    model_content, model_sig = model[:cut], model[cut:]
    real_packet = base64.b64decode(model_sig)[1:]
    acme = open(os.path.join(SELFMADE, "acme-account-key.assert"), "rb").read().split(b"\n\n")[1]
    acme_packet = base64.b64decode(acme)[1:]
    rows = []
    for name, text in crafted_signatures(real_packet).items():
        rows.append({"kind": "signature", "name": name, "text": text,
                     "oracle": oracle_sig(text, tmp, model_content)})
    for name, text in crafted_keys(acme_packet).items():
        rows.append({"kind": "public-key", "name": name, "text": text, "oracle": oracle_key(text, tmp)})
    os.remove(tmp)
    with open(os.path.join(HERE, "crafted.jsonl"), "w") as f:
        f.writelines(json.dumps(r, sort_keys=True) + "\n" for r in rows)


def write_genkeys(count=3):
    for i in range(count):
        r = run("genkey", "2048")
        pem = r.stdout
        path = os.path.join(HERE, f"genkey-{i}.pem")
        with open(path, "wb") as f:
            f.write(pem)
        key_id = run("keyid", path).stdout.decode().strip()
        body = run("account-key", path).stdout.decode()
        with open(os.path.join(HERE, f"genkey-{i}.json"), "w") as f:
            json.dump({"key_id": key_id, "account_key": body}, f, indent=1, sort_keys=True)
            f.write("\n")


if __name__ == "__main__":
    write_real()
    write_crafted()
    if "--keep-keys" not in sys.argv:
        write_genkeys()
