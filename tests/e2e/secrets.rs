//! Secrets are masked by meaning, not by bytes: whatever form a key takes
//! in the file (CDATA, a comment or processing instruction inside, character
//! references, a raw `<` that breaks the file), no 4 characters of it in a
//! row appear in any output of any command without --show-secrets.

use crate::provider::dll;
use crate::util::*;

const LICENSE: &str = "QZ7XK3WJ9P2R";
const GROUP: &str = "PLMOKNIJBUHVYGCTFXRDZESWAQPLMOKN";
const PASSWORD: &str = "TQ8ZL4MXV2KJ7NRW";

/// The ways a value can be written; `{}` is the secret.
fn forms(secret: &str) -> Vec<(&'static str, String)> {
    let (head, tail) = secret.split_at(4);
    let first = head.chars().next().unwrap();
    vec![
        ("plain", secret.to_string()),
        ("cdata", format!("<![CDATA[{secret}]]>")),
        ("comment inside", format!("{head}<!-- note -->{tail}")),
        ("pi inside", format!("{head}<?note x?>{tail}")),
        (
            "char refs",
            format!("&#{};{}", u32::from(first), &secret[1..]),
        ),
        ("entity and cdata", format!("{head}<![CDATA[{tail}]]>&amp;")),
        ("raw <", format!("{head}<{tail}")),
        ("raw < and end", format!("{head}</x{tail}")),
    ]
}

fn settings_with(form: &str) -> Vec<u8> {
    String::from_utf8(EXAMPLE_SETTINGS.to_vec())
        .unwrap()
        .replace(
            EXAMPLE_SECRETS[0],
            &forms(LICENSE).into_iter().find(|f| f.0 == form).unwrap().1,
        )
        .replace(
            EXAMPLE_SECRETS[1],
            &forms(GROUP).into_iter().find(|f| f.0 == form).unwrap().1,
        )
        .replace(
            EXAMPLE_SECRETS[2],
            &forms(PASSWORD).into_iter().find(|f| f.0 == form).unwrap().1,
        )
        .into_bytes()
}

fn leaks(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for secret in [LICENSE, GROUP, PASSWORD] {
        for i in 0..=secret.len() - 4 {
            let gram = &secret[i..i + 4];
            if text.contains(gram) {
                found.push(gram.to_string());
            }
        }
    }
    found
}

/// Every command that shows the settings, their diffs or their findings.
fn every_output(gate: &str) -> Vec<Vec<&str>> {
    vec![
        vec!["validate"],
        vec!["validate", "--json"],
        vec!["validate", "--format", "sarif"],
        vec!["status"],
        vec!["status", "--json"],
        vec!["-v", "provider", "set", gate, "--dry-run"],
        vec!["provider", "set", gate, "--dry-run", "--json"],
        vec!["backup"],
        vec!["backup", "list", "--json"],
        vec!["-v", "provider", "set", gate],
        vec!["diff", "latest", "current"],
        vec!["diff", "latest", "current", "--json"],
        vec!["restore", "latest", "--dry-run", "--json"],
        vec!["-v", "restore", "latest", "--force"],
    ]
}

#[test]
fn no_form_of_a_secret_shows_in_any_output() {
    let gate = dll("CustomPhoneGate.dll");
    let gate = gate.to_str().unwrap();
    let mut failures = Vec::new();
    for (form, _) in forms(PASSWORD) {
        let site = Site::example();
        site.write("MfaSettings.xml", &settings_with(form));
        let commands = every_output(gate);
        for args in commands {
            let out = site.run(&args);
            let seen = leaks(&format!("{}{}", out.stdout, out.stderr));
            if !seen.is_empty() {
                failures.push(format!("{form}: `{}` shows {seen:?}", args.join(" ")));
            }
        }
        // The secrets are there: --show-secrets shows them.
        let out = site.run(&["status", "--show-secrets"]);
        if form == "plain" {
            assert!(out.stdout.contains(PASSWORD), "{}", out.stdout);
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

/// Elements beyond the three, named like secrets (what admins keep beside
/// them: an old password, a gateway token): masked in every output too.
#[test]
fn any_element_named_like_a_secret_is_masked_everywhere() {
    const OTHERS: [(&str, &str); 5] = [
        ("CERT_PASSWORD_OLD", "OLDPW9QXZ7VK"),
        ("OldCertPassword", "OLDCERTW4MJ2"),
        ("SmsGatewayToken", "TOKENR8PL3NB"),
        ("apiSecret", "APISEC5T7HDQ"),
        ("Passwd", "PASSWD6Y2KZC"),
    ];
    let gate = dll("CustomPhoneGate.dll");
    let gate = gate.to_str().unwrap();
    let extra: String = OTHERS
        .iter()
        .map(|(name, v)| format!("  <{name}>{v}</{name}>\r\n"))
        .collect();
    let text = String::from_utf8(EXAMPLE_SETTINGS.to_vec())
        .unwrap()
        .replace("</MfaSettings>", &format!("{extra}</MfaSettings>"));
    let site = Site::example();
    site.write("MfaSettings.xml", text.as_bytes());
    let commands = every_output(gate);
    let mut failures = Vec::new();
    for args in commands {
        let out = site.run(&args);
        let all = format!("{}{}", out.stdout, out.stderr);
        for (name, value) in OTHERS {
            if all.contains(&value[..6]) {
                failures.push(format!("`{}` shows <{name}>'s value", args.join(" ")));
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
    let out = site.run(&["restore", "latest", "--yes"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let shown = site.run(&["status", "--show-secrets"]);
    assert!(shown.stdout.contains(OTHERS[0].1), "{}", shown.stdout);
}

/// The fingerprint is PBKDF2, not the SHA-256 prefix a GPU guesses a
/// password from in minutes: the mask names it and differs from it.
#[test]
fn the_fingerprint_is_a_slow_derivation_and_says_so() {
    let site = Site::example();
    let v = site.json(&["status"]).1.to_string();
    assert!(v.contains("(pbkdf2:"), "{v}");
    for secret in EXAMPLE_SECRETS {
        let fast = &sha256(secret.as_bytes())[..8];
        assert!(
            !v.contains(fast),
            "{secret}: the mask is still sha256 ({fast}): {v}"
        );
    }
}
