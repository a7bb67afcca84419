//! The command line: flags, defaults and help text (docs/man is made from it).

use crate::checks::sdk_files;
use crate::output::{ColorChoice, Format};
use clap::builder::TypedValueParser;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "mimmfa",
    version,
    about = "Safe, repeatable MFA configuration for Microsoft Identity Manager 2016 (MfaSettings.xml)",
    long_about = None,
    disable_help_subcommand = true,
    after_help = "Examples:\n  mimmfa -s 'C:\\Program Files\\Microsoft Forefront Identity Manager\\2010\\Service' status\n  mimmfa -s ./Service validate --json\n  mimmfa provider set CustomPhoneGate.dll --dry-run\n\nExit codes: 0 ok, 1 findings (or a change that leaves errors), 2 usage, 3 refused/failed (nothing changed), 4 busy (locked; see --wait), 130 interrupted (Ctrl-C; nothing changed). Declining a confirmation is 0."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// The MIM Service folder [default: $MIMMFA_SERVICE_DIR, on Windows the stock install folder]
    #[arg(
        short = 's',
        long,
        env = "MIMMFA_SERVICE_DIR",
        global = true,
        value_name = "DIR",
        // An empty MIMMFA_SERVICE_DIR counts as unset (Ctx::service_dir),
        // not as a usage error of a command that needs no folder.
        value_parser = clap::builder::OsStringValueParser::new().map(PathBuf::from)
    )]
    pub service_dir: Option<PathBuf>,
    /// The settings file [default: <service-dir>/MfaSettings.xml]
    #[arg(long, global = true, value_name = "FILE")]
    pub settings: Option<PathBuf>,
    /// Where backups live [default: <service-dir>/MfaBackups]
    #[arg(long, global = true, value_name = "DIR")]
    pub backup_dir: Option<PathBuf>,
    /// Output format (`sarif` is for `validate` only)
    #[arg(long, value_enum, global = true, default_value = "human")]
    pub format: Format,
    /// Short for --format json
    #[arg(long, global = true)]
    pub json: bool,
    /// Colour in human output
    #[arg(long, value_enum, global = true, default_value = "auto")]
    pub color: ColorChoice,
    /// Print secret values (LICENSE_KEY, GROUP_KEY, CERT_PASSWORD) instead of masking them
    #[arg(long, global = true)]
    pub show_secrets: bool,
    /// Answer yes to every confirmation
    #[arg(short = 'y', long, global = true)]
    pub yes: bool,
    /// Less human output (never changes JSON)
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// More human output (never changes JSON); repeatable, one level so far
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Resolve Windows paths starting with FROM under TO (repeatable)
    #[arg(long = "path-map", value_name = "FROM=TO", global = true, value_parser = parse_path_map)]
    pub path_map: Vec<(String, PathBuf)>,
    /// Wait up to SECONDS for another mimmfa changing the same files, then work (or exit 4)
    #[arg(long, global = true, value_name = "SECONDS", default_value_t = 0)]
    pub wait: u64,
    /// The service folder as the MIM server sees it, when not the stock one (written into the file)
    #[arg(long, global = true, value_name = "PATH")]
    pub windows_service_dir: Option<String>,
    /// A copy of the server's .NET 4 GAC (%WINDIR%\Microsoft.NET\assembly), where provider DLLs' references are also bound (on Windows the machine's own is used)
    #[arg(long, global = true, value_name = "DIR")]
    pub gac: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// The active mode, each setting (secrets masked), and the newest backup
    #[command(after_help = "Example:\n  mimmfa -s ./Service status --json")]
    Status,
    /// Every check of the settings file and what it points to
    #[command(
        after_help = "Examples:\n  mimmfa -s ./Service validate\n  mimmfa validate --json server1/Service server2/Service\n  mimmfa validate --json --dirs-from servers.txt\n  mimmfa -s ./Service validate --format sarif > mimmfa.sarif"
    )]
    Validate(ValidateArgs),
    /// Copy the settings file into the backup folder (or list / prune backups)
    #[command(
        args_conflicts_with_subcommands = true,
        after_help = "Examples:\n  mimmfa backup --label 'before change 4711'\n  mimmfa backup list\n  mimmfa backup prune --keep 20"
    )]
    Backup(BackupArgs),
    /// Put a backup back in place (checksum verified; the current file is backed up first)
    #[command(
        after_help = "Examples:\n  mimmfa restore latest --dry-run\n  mimmfa restore 20261123T1405"
    )]
    Restore {
        /// A backup id, a unique prefix of one, or `latest`
        #[arg(default_value = "latest")]
        id: String,
        #[command(flatten)]
        change: ChangeArgs,
    },
    /// Unified diff between two versions (ids, `latest`, `current`), secrets masked
    #[command(after_help = "Example:\n  mimmfa diff latest current")]
    Diff {
        #[arg(default_value = "latest")]
        from: String,
        #[arg(default_value = "current")]
        to: String,
    },
    /// The Azure MFA SDK zip: inspect it, or apply it to MfaSettings.xml
    #[command(
        subcommand,
        after_help = "Examples:\n  mimmfa sdk inspect sdk.zip\n  mimmfa sdk apply sdk.zip --country-code 1 --dry-run"
    )]
    Sdk(SdkCommand),
    /// A custom phone provider DLL: make its project, check it, switch to it, or clear it
    #[command(
        subcommand,
        after_help = "Examples:\n  mimmfa provider new ContosoPhoneGate\n  mimmfa provider check CustomPhoneGate.dll\n  mimmfa provider set CustomPhoneGate.dll --dry-run"
    )]
    Provider(ProviderCommand),
    /// An interactive wizard: custom provider, SDK zip, or restore (terminal only)
    #[command(
        after_help = "Example:\n  mimmfa -s 'C:\\Program Files\\Microsoft Forefront Identity Manager\\2010\\Service' setup\n\nWithout a terminal it exits 2; scripts use provider set, sdk apply or restore."
    )]
    Setup,
    /// Known MFA failures in the MIM Service's event logs, each with its check and fix (after a restart)
    #[command(
        after_help = "Reads exports of `wevtutil qe LOG /f:xml` or `Get-WinEvent | ForEach-Object { $_.ToXml() }` (UTF-8 or UTF-16), anywhere; with no FILE, on Windows, the live \"Forefront Identity Manager\" and Application logs and the PAM log where present. Only known failure texts are findings (docs/checks.md, \"Event signatures\"); PAM outcomes (events 101, 103, 825) are summed per day. Exit 0: no known failure; 1: one or more.\n\nExamples:\n  mimmfa events --since 10m\n  wevtutil qe \"Forefront Identity Manager\" /f:xml /rd:true /c:5000 > fim-events.xml\n  mimmfa events fim-events.xml app-events.xml --since 2026-11-23T14:00:00Z --json"
    )]
    Events(EventsArgs),
    /// A check's full entry: why it matters, how to fix it, an example
    #[command(after_help = "Example:\n  mimmfa explain MFA023\n  mimmfa explain MFA023 --json")]
    Explain {
        /// The check's code, as findings show it (e.g. MFA023)
        #[arg(required_unless_present = "list")]
        code: Option<String>,
        /// Every code with its severity and title
        #[arg(long, conflicts_with = "code")]
        list: bool,
    },
    /// Print shell completions
    #[command(after_help = "Example:\n  mimmfa completions powershell >> $PROFILE")]
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

#[derive(Debug, Args, Clone, Copy)]
pub struct DryRun {
    /// Do every check and show the diff, but touch nothing
    #[arg(long)]
    pub dry_run: bool,
}

/// The flags of a command that writes into the Service folder.
#[derive(Debug, Args, Clone, Copy)]
pub struct ChangeArgs {
    /// Make the plan, check and judge it, show it and the diff, but touch nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Make the change even if the state it leaves has new errors (listed), and replace read-only files (with `provider set`: also switch to a DLL that fails its checks)
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Service folders to audit (a fleet); default: --service-dir
    #[arg(value_name = "DIR")]
    pub dirs: Vec<PathBuf>,
    /// Read more folders from FILE, one per line (`-`: stdin); for fleets
    /// too large for a command line (Windows allows 32,767 characters)
    #[arg(long, value_name = "FILE")]
    pub dirs_from: Option<PathBuf>,
    /// Fail (exit 1) on warnings too
    #[arg(long)]
    pub strict: bool,
    /// Warn when the certificate expires within N days
    #[arg(long, default_value_t = sdk_files::EXPIRY_WARNING_DAYS, value_name = "N")]
    pub expiry_warning_days: u32,
    /// Verify every file in the backup folder (MFA051, MFA061); by default
    /// only the newest 10 snapshots of this settings file
    #[arg(long)]
    pub deep: bool,
    /// One line per folder (ok / warnings / FAIL and the codes) and the
    /// totals; the default for several folders (-v adds each finding)
    #[arg(long)]
    pub summary: bool,
}

#[derive(Debug, Args)]
pub struct EventsArgs {
    /// Event exports to read (XML); none: the live logs (Windows only)
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Only events this recent: 10m, 2h, 3d (s, m, h, d), or a time such as 2026-11-23T14:00:00Z
    #[arg(long, value_name = "DURATION|TIME", value_parser = parse_since)]
    pub since: Option<time::OffsetDateTime>,
}

/// `--since`: a duration back from now (`10m`, `2h`, `3d`, `30s`) or an
/// RFC 3339 time; the moment it names.
pub fn parse_since(raw: &str) -> Result<time::OffsetDateTime, String> {
    let raw = raw.trim();
    if let Ok(t) = time::OffsetDateTime::parse(raw, &time::format_description::well_known::Rfc3339)
    {
        return Ok(t);
    }
    let unit_at = raw.len().saturating_sub(1);
    let (n, unit) = raw.split_at(unit_at);
    let seconds: i64 = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => 0,
    };
    match n.parse::<i64>() {
        Ok(n) if seconds > 0 && (0..=36_500 * 86_400 / seconds).contains(&n) => {
            Ok(time::OffsetDateTime::now_utc() - time::Duration::seconds(n * seconds))
        }
        _ => Err(format!(
            "{raw:?} is neither a duration (10m, 2h, 3d) nor a time such as 2026-11-23T14:00:00Z"
        )),
    }
}

#[derive(Debug, Args)]
pub struct BackupArgs {
    #[command(subcommand)]
    pub action: Option<BackupAction>,
    /// A note stored with the backup
    #[arg(long)]
    pub label: Option<String>,
    #[command(flatten)]
    pub dry: DryRun,
}

#[derive(Debug, Subcommand)]
pub enum BackupAction {
    /// The backups of this settings file, newest first, with what each holds
    #[command(after_help = "Example:\n  mimmfa backup list --json")]
    List {
        /// Every backup in the folder, of any settings file or server sharing it
        #[arg(long)]
        all: bool,
    },
    /// Rebuild a damaged index.json from the backups present (each verified), and quarantine damaged stored files
    #[command(after_help = "Example:\n  mimmfa backup repair --dry-run")]
    Repair {
        #[command(flatten)]
        dry: DryRun,
    },
    /// Claim the backups of a renamed or rebuilt server (or a moved folder) for this settings file
    #[command(
        after_help = "Example:\n  mimmfa backup adopt --from-host OLDSRV01 --dry-run\n  mimmfa backup adopt --from-host OLDSRV01 --from-path 'D:\\MIM\\Service\\MfaSettings.xml'"
    )]
    Adopt {
        /// The host name the backups were taken on (`mimmfa backup list --all` shows it)
        #[arg(long, value_name = "HOST")]
        from_host: String,
        /// The settings path they were taken of [default: this settings file's]
        #[arg(long, value_name = "PATH")]
        from_path: Option<String>,
        #[command(flatten)]
        dry: DryRun,
    },
    /// Delete all but the newest N backups
    #[command(after_help = "Example:\n  mimmfa backup prune --keep 20 --dry-run")]
    Prune {
        /// How many of this settings file's newest backups to keep (1 or more)
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
        keep: u32,
        #[command(flatten)]
        dry: DryRun,
    },
}

#[derive(Debug, Subcommand)]
pub enum SdkCommand {
    /// What the Azure MFA SDK zip holds, and whether MIM can use it
    #[command(after_help = "Example:\n  mimmfa sdk inspect sdk_aspnet_csharp.zip")]
    Inspect {
        /// The Azure MFA SDK zip (the ASP.NET C# one, e.g. sdk_aspnet_csharp.zip)
        zip: PathBuf,
    },
    /// Write the SDK's keys and certificate into the service folder
    #[command(
        after_help = "Example:\n  mimmfa -s ./Service sdk apply sdk.zip --username svc-mim@contoso.com --country-code 1 --dry-run"
    )]
    Apply {
        /// The Azure MFA SDK zip (the ASP.NET C# one, e.g. sdk_aspnet_csharp.zip)
        zip: PathBuf,
        /// Username to set (replaces the file's value; without it the file's is kept)
        #[arg(long)]
        username: Option<String>,
        /// DefaultCountryCode to set, digits, no + (replaces the file's value; without it the file's is kept)
        #[arg(long, value_name = "N")]
        country_code: Option<String>,
        /// Where to put cert_key.p12 [default: <service-dir>/MfaCerts]
        #[arg(long, value_name = "DIR")]
        cert_dir: Option<PathBuf>,
        #[command(flatten)]
        change: ChangeArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum ProviderCommand {
    /// Check a DLL, copy it into the service folder and make it the phone provider
    #[command(
        after_help = "Example:\n  mimmfa -s ./Service provider set CustomPhoneGate.dll --dry-run"
    )]
    Set {
        /// The provider DLL (a .NET Framework class library)
        dll: PathBuf,
        /// Use the DLL where it is instead of copying it into the service folder
        #[arg(long)]
        no_copy: bool,
        #[command(flatten)]
        change: ChangeArgs,
    },
    /// Empty the CustomPhoneProvider entry
    #[command(after_help = "Example:\n  mimmfa -s ./Service provider clear")]
    Clear {
        #[command(flatten)]
        change: ChangeArgs,
    },
    /// Name the MIM assemblies that define IPhoneServiceProvider and ISmsServiceProvider: what a provider project must reference
    #[command(
        after_help = "Scans the .dll and .exe files of the Service folder.\n\nExample:\n  mimmfa -s 'C:\\Program Files\\Microsoft Forefront Identity Manager\\2010\\Service' provider contract"
    )]
    Contract,
    /// Write a C# project for a custom phone provider (or SMS provider, with --sms) that references the Service folder's contract
    #[command(
        after_help = "Writes into NAME (or --out DIR), which must not exist or be empty: NAME.csproj (.NET Framework 4.8, Any CPU, the contract found in the Service folder referenced with Private=false), the provider class, ProviderSettings.cs and ProviderLog.cs, a settings file, README.md (build, then the mimmfa steps) and Test-Provider.ps1. The same inputs give the same bytes.\n\nExamples:\n  mimmfa -s ./Service provider new ContosoPhoneGate\n  mimmfa -s ./Service provider new ContosoSms --sms --out sms-provider --dry-run"
    )]
    New {
        /// The project's name, a C# identifier (A-Z a-z 0-9 _): its namespace, and the phone provider's class and DLL
        name: String,
        /// An SSPR SMS provider: ISmsServiceProvider first, built as SmsServiceProvider.dll
        #[arg(long)]
        sms: bool,
        /// Where to write the project [default: ./NAME]
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        #[command(flatten)]
        dry: DryRun,
    },
    /// The DLL checks alone (phone provider, or SMS provider with --sms)
    #[command(after_help = "Example:\n  mimmfa provider check CustomPhoneGate.dll --json")]
    Check {
        /// The DLL to check
        dll: PathBuf,
        /// Check as an SSPR SMS provider (ISmsServiceProvider first); automatic for SmsServiceProvider.dll
        #[arg(long)]
        sms: bool,
    },
}

impl Command {
    /// The command's name in its documents and messages (`backup list`).
    pub fn name(&self) -> &'static str {
        use ProviderCommand as P;
        use SdkCommand as S;
        match self {
            Command::Status => "status",
            Command::Validate(_) => "validate",
            Command::Backup(a) => match a.action {
                None => "backup",
                Some(BackupAction::List { .. }) => "backup list",
                Some(BackupAction::Repair { .. }) => "backup repair",
                Some(BackupAction::Adopt { .. }) => "backup adopt",
                Some(BackupAction::Prune { .. }) => "backup prune",
            },
            Command::Restore { .. } => "restore",
            Command::Diff { .. } => "diff",
            Command::Sdk(S::Inspect { .. }) => "sdk inspect",
            Command::Sdk(S::Apply { .. }) => "sdk apply",
            Command::Provider(P::Set { .. }) => "provider set",
            Command::Provider(P::Clear { .. }) => "provider clear",
            Command::Provider(P::Check { .. }) => "provider check",
            Command::Provider(P::Contract) => "provider contract",
            Command::Provider(P::New { .. }) => "provider new",
            Command::Setup => "setup",
            Command::Completions { .. } => "completions",
            Command::Explain { .. } => "explain",
            Command::Events(_) => "events",
        }
    }
}

/// Parse `--path-map FROM=TO`.
pub fn parse_path_map(s: &str) -> Result<(String, PathBuf), String> {
    let (from, to) = s
        .split_once('=')
        .ok_or_else(|| format!("--path-map takes FROM=TO, got \"{s}\""))?;
    if from.is_empty() || to.is_empty() {
        return Err(format!(
            "--path-map takes FROM=TO with both sides set, got \"{s}\""
        ));
    }
    Ok((from.to_string(), PathBuf::from(to)))
}
