use std::process::ExitCode;

fn main() -> ExitCode {
    mimmfa::run(std::env::args_os())
}
