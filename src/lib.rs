//! mimmfa: safe, repeatable MFA configuration for Microsoft Identity
//! Manager 2016. `run` is the whole program; `main.rs` only calls it.

// The layers, bottom up (docs/design.md): formats read files and know
// nothing above them; site is one service folder; store writes and keeps
// snapshots; checks judge and never write; output renders; commands tie
// them together. All private: `internals` names what tests reach.
mod checks;
mod cli;
mod commands;
mod context;
mod error;
mod formats;
mod output;
mod site;
mod store;

/// What the integration tests and the fuzz targets reach inside: not an
/// API (hidden, and free to change with them). Everything else is private,
/// so the compiler finds what nothing uses.
#[doc(hidden)]
pub mod internals {
    pub use crate::checks::audit::{Options, VERIFIED_SNAPSHOTS, audit_read, audit_site};
    pub use crate::checks::catalogue::CHECKS;
    pub use crate::checks::finding::Finding;
    pub use crate::checks::signatures::SIGNATURES;
    pub use crate::cli::Cli;
    pub use crate::formats::bounded::SETTINGS_CAP;
    pub use crate::formats::dotnet::read_assembly;
    pub use crate::formats::pf_auth::read_keys;
    pub use crate::formats::sdk_zip::{hostile_name, normalize};
    pub use crate::formats::secret::sha256_hex;
    pub use crate::formats::settings_xml::SettingsDoc;
    pub use crate::formats::utf16::is_utf16;
    pub use crate::site::Site;
    pub use crate::site::paths::{PathMapper, STOCK_SERVICE_DIR};
    pub use crate::store::safe_write::acquire_lock;
    pub use crate::store::snapshots::{Role, absolute_display, parse_index};
}

use clap::{CommandFactory, Parser};
use cli::{BackupAction, Cli, Command, ProviderCommand, SdkCommand};
use context::Ctx;
use error::{exit, exit_code_of};
use output::{Format, Report, emit};
use std::ffi::OsString;
use std::process::ExitCode;

/// Parse the arguments, run the command, print its report, and map the
/// outcome to the exit codes of docs/guide.md.
pub fn run(args: impl IntoIterator<Item = OsString>) -> ExitCode {
    let args: Vec<OsString> = args.into_iter().collect();
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(e) => return usage_error(&args, e),
    };
    let name = cli.command.name();
    let ctx = Ctx::new(cli.global, name);
    if ctx.ui.format == Format::Sarif && !matches!(cli.command, Command::Validate(_)) {
        let mut ui = ctx.ui.clone();
        ui.format = Format::Human;
        return fail(
            &ui,
            name,
            anyhow::Error::from(error::Failure::Usage(
                "--format sarif is for `validate` only; use human or json".into(),
            )),
        );
    }
    if ctx.ui.format == Format::Json && matches!(cli.command, Command::Completions { .. }) {
        return fail(
            &ctx.ui,
            name,
            anyhow::Error::from(error::Failure::Usage(
                "completions prints a shell script, not JSON: drop --json".into(),
            )),
        );
    }
    match dispatch(&ctx, cli.command) {
        Ok(report) => {
            emit(&ctx.ui, &report);
            error::to_exit(report.exit)
        }
        Err(e) => fail(&ctx.ui, name, e),
    }
}

fn dispatch(ctx: &Ctx, command: Command) -> anyhow::Result<Report> {
    use commands::*;
    match command {
        Command::Status => status::run(ctx),
        Command::Backup(args) => match args.action {
            None => backup::backup(ctx, args.label.as_deref(), args.dry.dry_run),
            Some(BackupAction::List { all }) => backup::list(ctx, all),
            Some(BackupAction::Repair { dry }) => backup::repair(ctx, dry.dry_run),
            Some(BackupAction::Adopt {
                from_host,
                from_path,
                dry,
            }) => backup::adopt(ctx, &from_host, from_path.as_deref(), dry.dry_run),
            Some(BackupAction::Prune { keep, dry }) => {
                backup::prune(ctx, keep as usize, dry.dry_run)
            }
        },
        Command::Restore { id, change } => restore::restore(ctx, &id, change),
        Command::Diff { from, to } => diff::diff(ctx, &from, &to),
        Command::Provider(p) => match p {
            ProviderCommand::Check { dll, sms } => provider::check(ctx, &dll, sms),
            ProviderCommand::Set {
                dll,
                no_copy,
                change: flags,
            } => provider::set(ctx, &dll, no_copy, flags),
            ProviderCommand::Clear { change: flags } => provider::clear(ctx, flags),
            ProviderCommand::Contract => provider::contract(ctx),
            ProviderCommand::New {
                name,
                sms,
                out,
                dry,
            } => provider_new::run(ctx, &name, sms, out.as_deref(), dry.dry_run),
        },
        Command::Validate(args) => validate::run(ctx, &args),
        Command::Sdk(SdkCommand::Inspect { zip }) => sdk::inspect(ctx, &zip),
        Command::Sdk(SdkCommand::Apply {
            zip,
            username,
            country_code,
            cert_dir,
            change,
        }) => sdk::apply(
            ctx,
            sdk::ApplyArgs {
                zip: &zip,
                username: username.as_deref(),
                country_code: country_code.as_deref(),
                cert_dir: cert_dir.as_deref(),
                change,
            },
        ),
        Command::Setup => setup::run(ctx),
        Command::Explain { list: true, .. } => commands::explain::list(ctx),
        Command::Explain { code, .. } => commands::explain::run(ctx, code.as_deref().unwrap_or("")),
        Command::Events(args) => events::run(ctx, &args),
        Command::Completions { shell } => {
            let mut buf = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "mimmfa", &mut buf);
            let mut report = ctx.report();
            report.replace_with(String::from_utf8_lossy(&buf).into_owned());
            Ok(report)
        }
    }
}

/// Report a failure: a JSON document with `failed: true`, or a message on
/// stderr; the error's kind picks the exit code.
fn fail(ui: &output::Ui, command: &str, err: anyhow::Error) -> ExitCode {
    emit(ui, &Report::failure(command, format!("{err:#}")));
    error::to_exit(exit_code_of(&err))
}

/// clap's own errors (and --help / --version). With --json the failure is
/// still one JSON document on stdout.
fn usage_error(args: &[OsString], e: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
        output::print_stdout(&e.to_string());
        return ExitCode::SUCCESS;
    }
    let wants_json = args
        .windows(2)
        .any(|w| w[0] == "--format" && w[1] == "json")
        || args.iter().any(|a| a == "--json" || a == "--format=json");
    if wants_json {
        // clap's message up to its usage line, without the "error: "
        // prefix: the missing argument is on the lines after the first.
        let rendered = e.to_string();
        let said: Vec<&str> = rendered
            .lines()
            .take_while(|l| !l.starts_with("Usage:"))
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        let said = said.join(" ");
        let report = Report::failure(
            &command_words(args),
            said.strip_prefix("error: ").unwrap_or(&said),
        );
        let _ = e.print();
        let ui = output::Ui::new(
            Format::Json,
            output::ColorChoice::Never,
            false,
            false,
            false,
            false,
        );
        emit(&ui, &report);
    } else {
        let _ = e.print();
    }
    ExitCode::from(exit::USAGE)
}

/// The (sub)command a command line names, as far as clap knows it, for a
/// usage error's JSON: "provider check" for `mimmfa --json provider check`.
fn command_words(args: &[OsString]) -> String {
    let root = Cli::command();
    let mut cmd = root.clone();
    let mut words: Vec<String> = Vec::new();
    let mut rest = args.iter().skip(1).map(|a| a.to_string_lossy());
    while let Some(arg) = rest.next() {
        if let Some(flag) = arg.strip_prefix('-') {
            // An option that takes a value, not given as --opt=value.
            // Global options are the root's, until clap builds the tree.
            let takes_value = cmd.get_arguments().chain(root.get_arguments()).any(|a| {
                a.get_action().takes_values()
                    && (a.get_long().is_some_and(|l| flag == format!("-{l}"))
                        || a.get_short().is_some_and(|s| flag == s.to_string()))
            });
            if takes_value {
                rest.next();
            }
            continue;
        }
        match cmd.find_subcommand(arg.as_ref()) {
            Some(sub) => {
                words.push(sub.get_name().to_string());
                cmd = sub.clone();
            }
            None => break,
        }
    }
    words.join(" ")
}
