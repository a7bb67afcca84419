#!/usr/bin/env python3
"""Regenerate the hostile corpus (committed; `cargo test` needs no Python).
Run from anywhere: python3 tests/hostile/make.py. MANIFEST.tsv says what each
file attacks and what the contract demands of mimmfa."""
import os, struct, zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
FIX = os.path.join(HERE, "..", "fixtures")
PF = ("public static class pf_auth {\r\n"
      "  private const string LICENSE_KEY = \"FIXTURE12345\";\r\n"
      "  private const string GROUP_KEY = \"fedcba9876543210fedcba9876543210\";\r\n"
      "  private const string CERT_PASSWORD = \"FIXTUREPASSWD001\";\r\n}\r\n").encode()
CERT = open(os.path.join(FIX, "sdk", "aes256.p12"), "rb").read()
GOOD_DLL = open(os.path.join(FIX, "dotnet", "CustomPhoneGate.dll"), "rb").read()


def out(name, data):
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)


def zip_of(name, entries, method=zipfile.ZIP_DEFLATED):
    path = os.path.join(HERE, name)
    with zipfile.ZipFile(path, "w", method) as z:
        for entry in entries:
            if isinstance(entry, zipfile.ZipInfo):
                z.writestr(entry, entry.comment or b"")
            else:
                z.writestr(entry[0], entry[1])
    return path


def symlink(name, target):
    info = zipfile.ZipInfo(name)
    info.create_system = 3
    info.external_attr = (0o120777 << 16)
    info.comment = target.encode()  # carried as the entry's data below
    return info


# --- zips -----------------------------------------------------------------
zip_of("zip-slip-dotdot.zip", [("../pf/pf_auth.cs", PF), ("pf/certs/cert_key.p12", CERT)])
zip_of("zip-slip-backslash.zip", [("pf/pf_auth.cs", PF), ("..\\..\\pf\\certs\\cert_key.p12", CERT)])
zip_of("zip-slip-drive.zip", [("C:\\Windows\\pf\\pf_auth.cs", PF), ("pf/certs/cert_key.p12", CERT)])
zip_of("zip-slip-absolute.zip", [("/etc/pf/pf_auth.cs", PF), ("pf/certs/cert_key.p12", CERT)])
zip_of("zip-slip-unc.zip", [("\\\\server\\share\\pf\\pf_auth.cs", PF), ("pf/certs/cert_key.p12", CERT)])
zip_of("symlink-then-file.zip", [("pf/pf_auth.cs", PF), symlink("pf/certs/cert_key.p12", "/etc/shadow"), ("pf/certs/cert_key.p12", CERT)])
zip_of("symlink-cert.zip", [("pf/pf_auth.cs", PF), symlink("pf/certs/cert_key.p12", "../../../../root/.ssh/id_rsa")])
import warnings
warnings.simplefilter("ignore")  # zipfile warns about the duplicate on purpose
zip_of("duplicate-names.zip", [("pf/pf_auth.cs", PF), ("pf/pf_auth.cs", PF.replace(b"FIXTURE12345", b"OTHERKEY0000")), ("pf/certs/cert_key.p12", CERT)])
zip_of("duplicate-case-and-slash.zip", [("sdk/pf/pf_auth.cs", PF), ("SDK\\PF\\PF_AUTH.CS", PF), ("pf/certs/cert_key.p12", CERT)])
zip_of("bomb-honest-size.zip", [("pf/pf_auth.cs", b" " * (5 << 20)), ("pf/certs/cert_key.p12", CERT)])
path = zip_of("bomb-lying-size.zip", [("pf/pf_auth.cs", b"A" * (6 << 20)), ("pf/certs/cert_key.p12", CERT)])
b = bytearray(open(path, "rb").read())
b[22:26] = struct.pack("<I", 1000)                      # local header: uncompressed size
cd = b.find(b"PK\x01\x02"); b[cd + 24:cd + 28] = struct.pack("<I", 1000)
open(path, "wb").write(b)
path = zip_of("encrypted-entry.zip", [("pf/pf_auth.cs", PF), ("pf/certs/cert_key.p12", CERT)], zipfile.ZIP_STORED)
b = bytearray(open(path, "rb").read())
for sig, flag_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):   # set "encrypted" on every entry
    at = 0
    while (at := b.find(sig, at)) >= 0:
        b[at + flag_at] |= 1
        at += 4
open(path, "wb").write(b)
good = open(zip_of("good-sdk.zip", [("pf/pf_auth.cs", PF), ("pf/certs/cert_key.p12", CERT)]), "rb").read()
os.remove(os.path.join(HERE, "good-sdk.zip"))
out("truncated.zip", good[: len(good) // 2])
out("empty.zip", b"PK\x05\x06" + b"\x00" * 18)
out("zero-bytes.zip", b"")
out("not-a-zip.zip", b"this is a text file renamed to .zip\n")
zip_of("php-sdk.zip", [("pf/pf_auth.php", b"<?php $license_key = 'ABCDEF123456'; ?>"), ("pf/certs/cert.pem", b"-----BEGIN CERTIFICATE-----\n")])

# --- settings files ---------------------------------------------------------
laughs = b'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n' + b"".join(
    b' <!ENTITY lol%d "%s">\n' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10) for i in range(1, 10)
) + b"]>\n<MfaSettings><Username>&lol9;</Username></MfaSettings>\n"
out("billion-laughs.xml", laughs)
out("external-entity.xml", b'<?xml version="1.0"?>\n<!DOCTYPE m [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n<MfaSettings><Username>&xxe;</Username></MfaSettings>\n')
out("doctype-only.xml", b'<!DOCTYPE MfaSettings>\n<MfaSettings><LOCMFA>false</LOCMFA></MfaSettings>\n')
out("invalid-utf8.xml", b"<MfaSettings>\n  <Username>J\xf6rg</Username>\n</MfaSettings>\n")
out("nul-byte.xml", b"<MfaSettings>\n  <Username>svc\x00</Username>\n</MfaSettings>\n")
# UTF-16 that System.Xml loads is read (MFA016); one cut mid-character is not.
out("utf16-cut.xml", "\ufeff<MfaSettings><LOCMFA>false</LOCMFA></MfaSettings>".encode("utf-16-le")[:-1])
out("mismatched-tags.xml", b"<MfaSettings>\n  <LOCMFA>true</LOCMFa>\n</MfaSettings>\n")
out("two-roots.xml", b"<MfaSettings></MfaSettings>\n<MfaSettings></MfaSettings>\n")
out("undefined-entity.xml", b"<MfaSettings><Username>&xxe;</Username></MfaSettings>\n")
out("text-outside-root.xml", b"<MfaSettings></MfaSettings>\ngarbage\n")
out("double-bom.xml", b"\xef\xbb\xbf\xef\xbb\xbf<MfaSettings><LOCMFA>false</LOCMFA></MfaSettings>\n")
out("declared-latin1.xml", b'<?xml version="1.0" encoding="ISO-8859-1"?>\n<MfaSettings><Username>J\xc3\xb6rg</Username></MfaSettings>\n')
out("unclosed-root.xml", b"<MfaSettings>\n  <LOCMFA>false</LOCMFA>\n")

# --- PKCS#12 --------------------------------------------------------------
out("p12-truncated.p12", CERT[: len(CERT) // 3])
out("p12-random.p12", bytes((i * 7919 + 13) % 251 for i in range(2000)))
out("p12-absurd-iterations.p12", open(os.path.join(FIX, "sdk", "absurd-iterations.p12"), "rb").read())
out("p12-no-key.p12", open(os.path.join(FIX, "sdk", "nokey.p12"), "rb").read())
out("p12-indefinite-length.p12", b"\x30\x80" + CERT[4:] + b"\x00\x00")

# --- PE / .NET ------------------------------------------------------------
def pe_layout(d):
    pe = struct.unpack_from("<I", d, 0x3C)[0]
    nsec = struct.unpack_from("<H", d, pe + 6)[0]
    opt = pe + 24
    magic = struct.unpack_from("<H", d, opt)[0]
    dirs = opt + (96 if magic == 0x10B else 112)
    secs = opt + struct.unpack_from("<H", d, pe + 20)[0]
    sections = [struct.unpack_from("<IIII", d, secs + 40 * i + 8) for i in range(nsec)]  # vsize, va, rawsize, rawptr
    def off(rva):
        for vsize, va, rawsize, rawptr in sections:
            if va <= rva < va + max(vsize, rawsize):
                return rva - va + rawptr
        raise ValueError(rva)
    return dirs, off

d = bytearray(GOOD_DLL)
dirs, off = pe_layout(d)
com = dirs + 14 * 8
clr = off(struct.unpack_from("<I", d, com)[0])
md = off(struct.unpack_from("<I", d, clr + 8)[0])

out("pe-truncated.dll", bytes(d[:1000]))
out("pe-mz-only.dll", b"MZ" + b"\x00" * 58 + struct.pack("<I", 0x40) + b"PE\x00\x00")
x = bytearray(d); struct.pack_into("<II", x, com, 0, 0); out("pe-native-no-clr.dll", bytes(x))
x = bytearray(d); struct.pack_into("<I", x, clr + 8, 0x7FFFFFF0); out("pe-bogus-metadata-rva.dll", bytes(x))
x = bytearray(d); struct.pack_into("<I", x, md, 0xDEADBEEF); out("pe-bad-metadata-signature.dll", bytes(x))
# Stream headers: after the version string.
vlen = struct.unpack_from("<I", d, md + 12)[0]
streams = md + 16 + vlen + 4
x = bytearray(d); struct.pack_into("<I", x, streams + 4, 0x0FFFFFFF); out("pe-bogus-stream-size.dll", bytes(x))
x = bytearray(d); struct.pack_into("<I", x, streams, 0x7FFFFFF0); out("pe-bogus-stream-offset.dll", bytes(x))
tables = md + struct.unpack_from("<I", d, streams)[0]
# Row counts start at +24; Module, TypeRef, TypeDef are the first three.
x = bytearray(d); struct.pack_into("<I", x, tables + 24 + 8, 0x00FFFFFF); out("pe-bogus-row-count.dll", bytes(x))
x = bytearray(d); struct.pack_into("<B", x, tables + 6, 0x07); out("pe-wide-heap-flags.dll", bytes(x))
# index.json attacks: every entry must be a plain stored name of the
# backup folder's own scheme; the store must never read or delete outside.
SHA = "ab" * 32
def index_of(entries):
    import json
    return json.dumps({"schema_version": 2, "backups": entries}, indent=2).encode()
def entry(file, sha=SHA, **more):
    e = {"id": "20261123T140501Z", "file": file, "created": "2026-11-23T14:05:01Z",
         "sha256": sha, "size": 3, "label": None, "reason": "manual", "tool_version": "0.1.0"}
    e.update(more)
    return e
out("index-dotdot.json", index_of([entry("../MfaSettings.xml")]))
out("index-backslash.json", index_of([entry("..\\MfaSettings.xml")]))
out("index-absolute.json", index_of([entry("/nonexistent-mimmfa-victim/MfaSettings.xml")]))
out("index-blob-other-sha.json", index_of([entry("MfaSettings.%s.xml" % ("cd" * 32))]))
out("index-sha-not-hex.json", index_of([entry("MfaSettings.%s.xml" % ("zz" * 32), sha="zz" * 32)]))
out("index-side-dotdot.json", index_of([entry("MfaSettings.%s.xml" % SHA, side_files=[
    {"role": "certificate", "path": "/x/cert_key.p12", "file": "../MfaCerts/cert_key.p12", "sha256": SHA, "size": 3}])]))
out("index-wrong-types.json", b'{"schema_version": 2, "backups": [{"id": 7, "file": ["x"], "size": "big"}]}')
out("index-not-json.json", b"\x00\xff not json {")
out("index-deep.json", b"[" * 100000 + b"]" * 100000)

print("ok", len([f for f in os.listdir(HERE) if not f.endswith((".py", ".tsv", ".md"))]), "files")
