//! `mimmfa setup` driven for real through a pseudo-terminal.

use crate::provider::dll;
use crate::util::*;
use rexpect::session::{PtySession, spawn_command};

const DOWN: &str = "\x1b[B";

/// One keystroke (rexpect buffers `send` until a flush).
fn key(p: &mut PtySession, keys: &str) {
    p.send(keys).unwrap();
    p.flush().unwrap();
}

/// Wait for `text`, then a moment: a key sent before the prompt has put the
/// terminal in raw mode is discarded, as it would be for a person typing ahead.
fn await_prompt(p: &mut PtySession, text: &str) {
    p.exp_string(text).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(150));
}

fn wizard(site: &Site) -> PtySession {
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("mimmfa"));
    cmd.arg("--service-dir")
        .arg(site.dir())
        .arg("setup")
        .env("NO_COLOR", "1")
        .env_remove("MIMMFA_SERVICE_DIR");
    spawn_command(cmd, Some(15_000)).unwrap()
}

#[test]
fn the_wizard_refuses_a_bad_dll_as_typed_then_switches_to_a_good_one() {
    let site = Site::example();
    let mut p = wizard(&site);
    p.exp_string("current mode:       azure-mfa-sdk").unwrap();
    await_prompt(&mut p, "Quit without changes");
    key(&mut p, "\r"); // the default: custom provider
    await_prompt(&mut p, "Path of the provider DLL");
    p.send_line(dll("NoInterface.dll").to_str().unwrap())
        .unwrap();
    p.exp_string("MFA042").unwrap();
    p.send_line(dll("CustomPhoneGate.dll").to_str().unwrap())
        .unwrap();
    p.exp_string("+  <CustomPhoneProvider>").unwrap();
    p.exp_string("preview: nothing has been written yet")
        .unwrap();
    assert_eq!(
        site.settings(),
        EXAMPLE_SETTINGS,
        "nothing written before the answer"
    );
    await_prompt(&mut p, "Write these changes?");
    p.send_line("y").unwrap();
    p.exp_string("CustomPhoneProvider is now").unwrap();
    p.exp_eof().unwrap();
    let text = String::from_utf8(site.settings()).unwrap();
    assert!(text.contains("\\Service\\CustomPhoneGate.dll</CustomPhoneProvider>"));
    assert!(text.contains("<LICENSE_KEY></LICENSE_KEY>"));
}

#[test]
fn answering_no_changes_nothing() {
    let site = Site::example();
    let before = site.snapshot();
    let mut p = wizard(&site);
    await_prompt(&mut p, "Quit without changes");
    key(&mut p, "\r");
    await_prompt(&mut p, "Path of the provider DLL");
    p.send_line(dll("CustomPhoneGate.dll").to_str().unwrap())
        .unwrap();
    await_prompt(&mut p, "Write these changes?");
    p.send_line("n").unwrap();
    p.exp_string("nothing was changed").unwrap();
    p.exp_eof().unwrap();
    assert_eq!(site.snapshot(), before);
}

#[test]
fn the_wizard_restores_a_chosen_backup() {
    let site = Site::example();
    site.json(&["backup", "--label", "original"]);
    site.json(&[
        "provider",
        "set",
        dll("CustomPhoneGate.dll").to_str().unwrap(),
    ]);
    assert_ne!(site.settings(), EXAMPLE_SETTINGS);
    let mut p = wizard(&site);
    p.exp_string("current mode:       custom-provider").unwrap();
    await_prompt(&mut p, "Quit without changes");
    key(&mut p, DOWN);
    key(&mut p, DOWN);
    key(&mut p, "\r");
    p.exp_string("Which backup?").unwrap();
    await_prompt(&mut p, "original");
    key(&mut p, "\r"); // the newest: the original file
    await_prompt(&mut p, "Write these changes?");
    p.send_line("y").unwrap();
    p.exp_string("restored backup").unwrap();
    p.exp_eof().unwrap();
    assert_eq!(site.settings(), EXAMPLE_SETTINGS);
}

#[test]
fn without_a_terminal_setup_exits_2_and_names_the_commands() {
    let site = Site::example();
    let out = site.run(&["setup"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("provider set")
            && out.stderr.contains("sdk apply")
            && out.stderr.contains("restore"),
        "{}",
        out.stderr
    );
}

/// Ctrl-C at the menu: the terminal gets its cursor back (dialoguer hid
/// it), the exit code is 130, and nothing was written.
#[test]
fn ctrl_c_at_the_menu_restores_the_cursor_and_changes_nothing() {
    let site = Site::example();
    let mut p = wizard(&site);
    await_prompt(&mut p, "Quit without changes");
    p.send_control('c').unwrap();
    let rest = p.exp_eof().unwrap();
    assert!(rest.contains("\x1b[?25h"), "cursor shown again: {rest:?}");
    assert!(rest.contains("nothing was changed"), "{rest:?}");
    match p.process().wait().unwrap() {
        rexpect::process::WaitStatus::Exited(_, code) => assert_eq!(code, 130),
        other => panic!("not an exit: {other:?}"),
    }
    assert_eq!(site.settings(), EXAMPLE_SETTINGS);
}

/// A path as Explorer's "Copy as path" gives it, in double quotes, is taken.
#[test]
fn a_quoted_path_is_accepted() {
    let site = Site::example();
    let mut p = wizard(&site);
    await_prompt(&mut p, "Quit without changes");
    key(&mut p, "\r");
    await_prompt(&mut p, "Path of the provider DLL");
    p.send_line(&format!("\"{}\"", dll("CustomPhoneGate.dll").display()))
        .unwrap();
    p.exp_string("preview: nothing has been written yet")
        .unwrap();
    await_prompt(&mut p, "Write these changes?");
    p.send_line("n").unwrap();
    p.exp_eof().unwrap();
    assert_eq!(site.settings(), EXAMPLE_SETTINGS);
}

/// A confirmation reads a whole line: a word that starts with y is no
/// answer (it asks again), and none of it reaches the shell after mimmfa.
#[test]
fn a_word_at_the_confirmation_asks_again_and_only_yes_writes() {
    let site = Site::example();
    let mut p = wizard(&site);
    await_prompt(&mut p, "Quit without changes");
    key(&mut p, "\r");
    await_prompt(&mut p, "Path of the provider DLL");
    p.send_line(dll("CustomPhoneGate.dll").to_str().unwrap())
        .unwrap();
    await_prompt(&mut p, "Write these changes?");
    p.send_line("yep").unwrap();
    p.exp_string("answer yes or no").unwrap();
    assert_eq!(
        site.settings(),
        EXAMPLE_SETTINGS,
        "nothing written on 'yep'"
    );
    p.send_line("maybe").unwrap();
    p.exp_string("answer yes or no").unwrap();
    assert_eq!(site.settings(), EXAMPLE_SETTINGS);
    p.send_line("YES").unwrap();
    p.exp_string("CustomPhoneProvider is now").unwrap();
    p.exp_eof().unwrap();
    assert_ne!(site.settings(), EXAMPLE_SETTINGS);
}

/// Ctrl-C at any prompt, not only the wizard's: `sdk apply` asking for a
/// Username says it was interrupted, exits 130 and writes nothing.
#[test]
fn ctrl_c_at_sdk_applys_prompt_says_interrupted_and_exits_130() {
    let site = Site::example();
    let text = String::from_utf8(EXAMPLE_SETTINGS.to_vec())
        .unwrap()
        .replace("<username>svc-mim@contoso.example</username>", "");
    site.write("MfaSettings.xml", text.as_bytes());
    let before = site.snapshot();
    let zip =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/sdk_aspnet_csharp.zip");
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("mimmfa"));
    cmd.arg("--service-dir")
        .arg(site.dir())
        .args(["sdk", "apply"])
        .arg(&zip)
        .env("NO_COLOR", "1")
        .env_remove("MIMMFA_SERVICE_DIR");
    let mut p = spawn_command(cmd, Some(15_000)).unwrap();
    await_prompt(&mut p, "Username for the Azure MFA SDK");
    p.send_control('c').unwrap();
    let rest = p.exp_eof().unwrap();
    assert!(
        rest.contains("interrupted: nothing was changed"),
        "{rest:?}"
    );
    match p.process().wait().unwrap() {
        rexpect::process::WaitStatus::Exited(_, code) => assert_eq!(code, 130),
        other => panic!("not an exit: {other:?}"),
    }
    assert_eq!(site.snapshot(), before);
}

/// The prompt refuses a country code with a leading zero (044 is not 44 to
/// the service), as MFA030 and `sdk apply --country-code` do.
#[test]
fn the_wizard_refuses_a_country_code_with_a_leading_zero() {
    let site = Site::with(
        b"<MfaSettings>\r\n  <Username>svc</Username>\r\n  <CustomPhoneProvider></CustomPhoneProvider>\r\n</MfaSettings>\r\n",
    );
    let tmp = tempfile::tempdir().unwrap();
    let zip = crate::sdk::sdk_zip(tmp.path(), "aes256.p12");
    let mut p = wizard(&site);
    await_prompt(&mut p, "Quit without changes");
    key(&mut p, DOWN);
    key(&mut p, "\r"); // the Azure MFA SDK
    await_prompt(&mut p, "Path of the Azure MFA SDK zip");
    p.send_line(zip.to_str().unwrap()).unwrap();
    await_prompt(&mut p, "DefaultCountryCode");
    p.send_line("044").unwrap();
    p.exp_string("starts with 0").unwrap();
    p.send_line("44").unwrap();
    p.exp_string("preview: nothing has been written yet")
        .unwrap();
    await_prompt(&mut p, "Write these changes?");
    p.send_line("n").unwrap();
    p.exp_eof().unwrap();
}

/// Tables fit the console: at 80 and 120 columns no line of `status` or
/// `backup list` is wider than the terminal (long values are shortened in
/// the middle, the lines around the table wrap); piped, the values stay
/// whole.
#[test]
fn tables_fit_80_and_120_column_consoles() {
    let site = Site::example();
    for n in 0..3 {
        site.json(&[
            "backup",
            "--label",
            &format!("before change request {n} of the quarterly MIM maintenance window"),
        ]);
        site.write(
            "MfaSettings.xml",
            &[EXAMPLE_SETTINGS, format!("<!-- {n} -->").as_bytes()].concat(),
        );
    }
    let bin = assert_cmd::cargo::cargo_bin("mimmfa");
    for cols in [80, 120] {
        for args in ["status", "backup list"] {
            let mut cmd = std::process::Command::new("sh");
            cmd.arg("-c")
                .arg(format!(
                    "stty cols {cols} rows 50; exec '{}' --service-dir '{}' {args}",
                    bin.display(),
                    site.dir().display()
                ))
                .env("NO_COLOR", "1")
                .env_remove("MIMMFA_SERVICE_DIR");
            let mut p = spawn_command(cmd, Some(15_000)).unwrap();
            // rexpect hands the bytes over one char each: decode them.
            let raw: Vec<u8> = p.exp_eof().unwrap().chars().map(|c| c as u8).collect();
            let text = String::from_utf8_lossy(&raw).into_owned();
            let widest = text
                .lines()
                .map(|l| l.trim_end_matches('\r').chars().count())
                .max()
                .unwrap();
            assert!(
                widest <= cols,
                "{args} at {cols} columns: {widest} wide\n{text}"
            );
            if cols == 80 {
                assert!(
                    text.contains('…'),
                    "{args} at {cols}: something was shortened\n{text}"
                );
            }
        }
    }
    let piped = site.run(&["backup", "list"]);
    assert!(
        piped.stdout.contains("quarterly MIM maintenance window"),
        "{}",
        piped.stdout
    );
}

/// `setup --json` on a terminal says why it will not (it is the person's
/// wizard), not that a terminal is missing.
#[test]
fn setup_with_json_on_a_terminal_names_the_scripting_commands() {
    let site = Site::example();
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("mimmfa"));
    cmd.arg("--service-dir")
        .arg(site.dir())
        .args(["setup", "--json"])
        .env_remove("MIMMFA_SERVICE_DIR");
    let mut p = spawn_command(cmd, Some(15_000)).unwrap();
    let rest = p.exp_eof().unwrap();
    assert!(
        rest.contains("writes no JSON") && rest.contains("provider set DLL --json"),
        "{rest:?}"
    );
    assert!(!rest.contains("needs a terminal"), "{rest:?}");
}
