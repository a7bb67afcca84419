//! SARIF 2.1.0 for code-scanning services: one rule per catalogue check,
//! one result per finding. Typed, so a field can be misspelt only once
//! (tests/e2e/validate.rs checks the document against the official schema).

use crate::checks::catalogue::{CHECKS, Check};
use crate::checks::finding::Finding;
use crate::formats::secret;
use serde::Serialize;

#[derive(Serialize)]
struct Log {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run; 1],
}

#[derive(Serialize)]
struct Run {
    tool: Tool,
    results: Vec<SarifResult>,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    information_uri: &'static str,
    rules: Vec<Rule>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    id: &'static str,
    name: &'static str,
    short_description: Text,
    help_uri: String,
    default_configuration: Level,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Level {
    level: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: &'static str,
    rule_index: usize,
    level: &'static str,
    message: Text,
    partial_fingerprints: Fingerprints,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    locations: Vec<Location>,
}

#[derive(Serialize)]
struct Fingerprints {
    #[serde(rename = "mimmfaFinding/v1")]
    v1: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
struct ArtifactLocation {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
}

fn rule(check: &Check) -> Rule {
    Rule {
        id: check.code,
        name: check.code,
        short_description: Text {
            text: check.title.to_string(),
        },
        help_uri: check.help_uri(),
        default_configuration: Level {
            level: check.severity.as_str(),
        },
    }
}

fn result(f: &Finding) -> SarifResult {
    let message = if f.hint.is_empty() {
        f.message.clone()
    } else {
        format!("{} (hint: {})", f.message, f.hint)
    };
    let locations = f
        .file
        .iter()
        .map(|file| Location {
            physical_location: PhysicalLocation {
                artifact_location: ArtifactLocation {
                    uri: file_uri(file),
                },
                region: f.line.zip(f.column).map(|(l, c)| Region {
                    start_line: l,
                    start_column: c,
                }),
            },
        })
        .collect();
    SarifResult {
        rule_id: f.code,
        rule_index: CHECKS.iter().position(|c| c.code == f.code).unwrap_or(0),
        level: f.severity.as_str(),
        message: Text { text: message },
        partial_fingerprints: Fingerprints { v1: fingerprint(f) },
        locations,
    }
}

/// The SARIF document of these findings, pretty-printed with a final newline.
pub fn render(findings: &[Finding]) -> String {
    let log = Log {
        schema: "https://json.schemastore.org/sarif-2.1.0.json",
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "mimmfa",
                    version: env!("CARGO_PKG_VERSION"),
                    information_uri: "https://github.com/mimmfa/mimmfa",
                    rules: CHECKS.iter().map(|c| rule(c)).collect(),
                },
            },
            results: findings.iter().map(result).collect(),
        }],
    };
    let mut s = serde_json::to_string_pretty(&log).unwrap_or_default();
    s.push('\n');
    s
}

/// An absolute `file:` URI for a local path (`file:///Z:/...` on Windows,
/// `file:///srv/...` elsewhere), percent-encoding what a URI may not hold.
fn file_uri(path: &str) -> String {
    let absolute = std::path::absolute(path)
        .map(|p| p.display().to_string())
        .unwrap_or_else(|_| path.to_string());
    let slashed = absolute.replace('\\', "/");
    let slashed = slashed.strip_prefix("//?/").unwrap_or(&slashed);
    let mut out = String::from("file://");
    if !slashed.starts_with('/') {
        out.push('/'); // a drive letter: file:///C:/...
    }
    for b in slashed.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b':' | b'-' | b'.' | b'_' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// What identifies a finding across runs (code, file, and the element or
/// place it is on, not the message, whose details change), for the
/// code-scanning services that track results by `partialFingerprints`.
fn fingerprint(f: &Finding) -> String {
    let place = f
        .element
        .clone()
        .or_else(|| f.line.map(|l| l.to_string()))
        .unwrap_or_default();
    let key = format!("{}|{}|{place}", f.code, f.file.as_deref().unwrap_or(""));
    secret::sha256_hex(key.as_bytes())[..32].to_string()
}
