//! One module per command; each returns a `Report`.

pub mod backup;
pub mod explain;
pub mod provider;
pub mod sdk;
pub mod setup;
pub mod status;
pub mod validate;

/// Says which Windows path a command writes into the settings file, and
/// warns when it is the stock folder only because nobody named another
/// (off the server, without `--windows-service-dir`): a file built for the
/// wrong layout must not be deployed by accident.
fn say_windows_path(
    site: &crate::context::Site,
    report: &mut crate::output::Report,
    setting: &str,
    path: &str,
) {
    report.line(format!("{setting}: {path}"));
    if site.mapper.is_guessed() {
        report.warn(format!(
            "{setting} is written under the stock Service folder {}; if MIM is installed elsewhere on the server, pass --windows-service-dir",
            site.mapper.windows_service_dir()
        ));
    }
}
