//! Committed generated files (completions/, docs/man/) must match what the
//! current CLI generates. `MIMMFA_BLESS=1 cargo test generated` rewrites them.

use crate::util::{bless_or_compare as check, mimmfa};
use clap::CommandFactory;
use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn committed_completions_are_fresh() {
    let mut stale = Vec::new();
    for (shell, file) in [
        ("bash", "mimmfa.bash"),
        ("zsh", "_mimmfa"),
        ("fish", "mimmfa.fish"),
        ("powershell", "_mimmfa.ps1"),
        ("elvish", "mimmfa.elv"),
    ] {
        let out = mimmfa(&["completions", shell]);
        assert_eq!(out.code, 0, "{shell}: {}", out.stderr);
        assert!(
            out.stdout.contains("mimmfa"),
            "{shell} completion mentions mimmfa"
        );
        check(
            &root().join("completions").join(file),
            out.stdout.as_bytes(),
            &mut stale,
        );
    }
    assert!(
        stale.is_empty(),
        "run `MIMMFA_BLESS=1 cargo test generated` and commit; stale:\n{}",
        stale.join("\n")
    );
}

/// What every page says beyond clap's sections (roff).
const MAN_SECTIONS: &str = r#".SH "EXIT STATUS"
.TP
\fB0\fR
done, or nothing needed doing (a declined confirmation too); validate found no errors
.TP
\fB1\fR
findings: validate, sdk inspect, provider check or provider contract found errors (or warnings with \-\-strict); a change whose resulting state has errors
.TP
\fB2\fR
usage error: unknown flag, missing argument, a prompt needed but no terminal
.TP
\fB3\fR
refused or failed; nothing was changed
.TP
\fB4\fR
busy: another mimmfa holds the lock (\-\-wait SECONDS waits for it)
.TP
\fB130\fR
interrupted (Ctrl\-C); nothing was changed
.SH ENVIRONMENT
.TP
\fBMIMMFA_SERVICE_DIR\fR
the MIM Service folder when \-\-service\-dir is not given
.TP
\fBNO_COLOR\fR, \fBTERM=dumb\fR
no colour in human output
.SH FILES
.TP
\fI<service\-dir>/MfaSettings.xml\fR
the MIM Service's MFA settings
.TP
\fI<service\-dir>/MfaSettings.xml.lock\fR, \fIMfaSettings.xml.journal\fR
the lock of a changing command, and the journal of a change under way
.TP
\fI<service\-dir>/MfaCerts/\fR
the Azure MFA SDK certificate
.TP
\fI<service\-dir>/MfaBackups/\fR
the snapshots (index.json and the stored files)
.SH "SEE ALSO"
\fBmimmfa\fR(1), \fBmimmfa\-validate\fR(1), \fBmimmfa\-explain\fR(1); docs/guide.md, docs/checks.md and docs/json.md in the source or the Windows release zip
"#;

#[test]
fn committed_man_pages_are_fresh() {
    let mut stale = Vec::new();
    let cmd = mimmfa::internals::Cli::command();
    let mut pages = vec![("mimmfa".to_string(), cmd.clone())];
    for sub in cmd.get_subcommands() {
        let name = format!("mimmfa-{}", sub.get_name());
        // clap wants a &'static name (without its "string" feature).
        let leaked: &'static str = Box::leak(name.clone().into_boxed_str());
        pages.push((name.clone(), sub.clone().name(leaked)));
        for leaf in sub.get_subcommands() {
            let leaf_name = format!("{name}-{}", leaf.get_name());
            let leaked: &'static str = Box::leak(leaf_name.clone().into_boxed_str());
            pages.push((leaf_name, leaf.clone().name(leaked)));
        }
    }
    for (name, page) in pages {
        let mut buf = Vec::new();
        clap_mangen::Man::new(page).render(&mut buf).unwrap();
        buf.extend_from_slice(MAN_SECTIONS.as_bytes());
        check(
            &root().join("docs/man").join(format!("{name}.1")),
            &buf,
            &mut stale,
        );
    }
    assert!(
        stale.is_empty(),
        "run `MIMMFA_BLESS=1 cargo test generated` and commit; stale:\n{}",
        stale.join("\n")
    );
}

#[test]
fn every_command_help_has_an_example() {
    fn walk(cmd: &clap::Command, path: Vec<String>, missing: &mut Vec<String>) {
        let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
        args.push("--help");
        let out = mimmfa(&args);
        assert_eq!(out.code, 0, "{args:?}");
        if !out.stdout.contains("Example") {
            missing.push(path.join(" "));
        }
        for sub in cmd.get_subcommands() {
            let mut p = path.clone();
            p.push(sub.get_name().to_string());
            walk(sub, p, missing);
        }
    }
    let mut missing = Vec::new();
    walk(&mimmfa::internals::Cli::command(), vec![], &mut missing);
    assert!(missing.is_empty(), "no example in --help of: {missing:?}");
}
