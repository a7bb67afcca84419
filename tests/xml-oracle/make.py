#!/usr/bin/env python3
"""Writes corpus/: settings files that test mimmfa's verdict against
System.Xml's (tests/e2e/oracle.rs). Each is the stock layout with one
change; the name says which. Run from this folder: python3 make.py"""
import os

HEAD = '<?xml version="1.0" encoding="utf-8"?>\r\n'
BODY = ('<MfaSettings>\r\n'
        '  <LICENSE_KEY></LICENSE_KEY>\r\n'
        '  <GROUP_KEY></GROUP_KEY>\r\n'
        '  <CERT_PASSWORD></CERT_PASSWORD>\r\n'
        '  <CertFilePath></CertFilePath>\r\n'
        '  <Username>{user}</Username>\r\n'
        '  <DefaultCountryCode>1</DefaultCountryCode>\r\n'
        '  <CustomPhoneProvider>C:\\Program Files\\Microsoft Forefront Identity Manager\\2010\\Service\\Gate.dll</CustomPhoneProvider>\r\n'
        '{extra}'
        '</MfaSettings>\r\n')


def doc(head=HEAD, user="svc", extra="", root_attrs=""):
    body = BODY.format(user=user, extra=extra)
    if root_attrs:
        body = body.replace("<MfaSettings>", f"<MfaSettings {root_attrs}>", 1)
    return head + body


CASES = {
    # What the issue names.
    "blank-line-before-declaration": "\r\n" + doc(),
    "space-before-declaration": " " + doc(),
    "declaration-twice": doc(head=HEAD + HEAD),
    "declared-utf16-on-utf8-bytes": doc(head='<?xml version="1.0" encoding="utf-16"?>\r\n'),
    "control-character-in-value": doc(user="svc\x01"),
    "cdata-end-in-text": doc(user="a]]>b"),
    "name-starts-with-digit": doc(extra="  <1Extra>x</1Extra>\r\n"),
    "undeclared-prefix": doc(extra="  <p:Extra>x</p:Extra>\r\n"),
    "undeclared-attribute-prefix": doc(extra='  <Extra p:a="1">x</Extra>\r\n'),
    "version-2.0": doc(head='<?xml version="2.0" encoding="utf-8"?>\r\n'),
    # More found while writing these.
    "version-1.1": doc(head='<?xml version="1.1" encoding="utf-8"?>\r\n'),
    "char-ref-to-control": doc(user="svc&#1;"),
    "char-ref-to-nul": doc(user="svc&#0;"),
    "char-ref-to-surrogate": doc(user="svc&#xD800;"),
    "char-ref-to-fffe": doc(user="svc&#xFFFE;"),
    "raw-fffe-in-value": doc(user="svc\ufffe"),
    "duplicate-attribute": doc(extra='  <Extra a="1" a="2">x</Extra>\r\n'),
    "attribute-without-quotes": doc(extra="  <Extra a=1>x</Extra>\r\n"),
    "lt-in-attribute": doc(extra='  <Extra a="<">x</Extra>\r\n'),
    "bare-ampersand-in-attribute": doc(extra='  <Extra a="&">x</Extra>\r\n'),
    "no-space-between-attributes": doc(extra='  <Extra a="1"b="2">x</Extra>\r\n'),
    "standalone-maybe": doc(head='<?xml version="1.0" encoding="utf-8" standalone="maybe"?>\r\n'),
    "encoding-before-version": doc(head='<?xml encoding="utf-8" version="1.0"?>\r\n'),
    "declaration-without-version": doc(head='<?xml encoding="utf-8"?>\r\n'),
    "unknown-encoding": doc(head='<?xml version="1.0" encoding="no-such-encoding"?>\r\n'),
    "pi-named-xml-later": doc(extra="  <?xml version=\"1.0\"?>\r\n"),
    "pi-named-XML-uppercase": doc(extra="  <?XML foo?>\r\n"),
    "empty-prefix-declaration": doc(root_attrs='xmlns:p=""'),
    "xmlns-prefix-declared": doc(extra="  <p:Extra xmlns:p=\"urn:x\">x</p:Extra>\r\n"),
    "name-with-colon-start": doc(extra="  <:Extra>x</:Extra>\r\n"),
    "name-with-two-colons": doc(extra="  <a:b:c xmlns:a=\"urn:x\">x</a:b:c>\r\n"),
    "dash-first-name": doc(extra="  <-Extra>x</-Extra>\r\n"),
    "comment-double-dash": doc(extra="  <!-- a -- b -->\r\n"),
    "text-after-root": doc() + "trailing",
    "comment-after-root": doc() + "<!-- fine -->\r\n",
    "whitespace-in-end-tag": doc(extra="  <Extra>x</Extra >\r\n"),
    "vertical-tab-between-elements": doc(extra="\x0b  <Extra>x</Extra>\r\n"),
    "tab-in-value": doc(user="a\tb"),
    "entity-gt-in-value": doc(user="a&gt;b"),
    "char-ref-ok": doc(user="&#246;svc"),
    "cdata-value": doc(user="<![CDATA[svc]]>"),
    "non-ascii-name": doc(extra="  <Éxtra>x</Éxtra>\r\n"),
    "name-with-dot-and-dash": doc(extra="  <Ex.tra-1>x</Ex.tra-1>\r\n"),
    "attribute-named-xmlns-default": doc(root_attrs='xmlns="urn:x"'),
    "reserved-xml-prefix-rebound": doc(root_attrs='xmlns:xml="urn:other"'),
    "ok-stock": doc(),
}

U16 = '<?xml version="1.0" encoding="utf-16"?>\r\n'
# UTF-16 as Notepad's "Unicode" saves it: which of these System.Xml loads
# decides which validate accepts (with a warning, docs/design.md).
ENCODED = {
    "utf16le-bom-declared-utf16": b"\xff\xfe" + doc(head=U16).encode("utf-16-le"),
    "utf16be-bom-declared-utf16": b"\xfe\xff" + doc(head=U16).encode("utf-16-be"),
    "utf16le-bom-no-declaration": b"\xff\xfe" + doc(head="").encode("utf-16-le"),
    "utf16le-bom-declared-utf8": b"\xff\xfe" + doc().encode("utf-16-le"),
    "utf16le-bom-non-ascii-value": b"\xff\xfe" + doc(head=U16, user="J\u00f6rg \U0001F600").encode("utf-16-le"),
    "utf16le-no-bom-declared-utf16": doc(head=U16).encode("utf-16-le"),
    "utf16le-bom-odd-length": (b"\xff\xfe" + doc(head=U16).encode("utf-16-le"))[:-1],
    "utf16le-bom-lone-surrogate": b"\xff\xfe" + doc(head=U16, user="a\ud800b").encode("utf-16-le", "surrogatepass"),
}

os.makedirs("corpus", exist_ok=True)
for name, text in CASES.items():
    with open(os.path.join("corpus", name + ".xml"), "wb") as f:
        f.write(text.encode("utf-8"))
for name, data in ENCODED.items():
    with open(os.path.join("corpus", name + ".xml"), "wb") as f:
        f.write(data)
print(f"{len(CASES) + len(ENCODED)} files")
