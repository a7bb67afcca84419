//! MFA045: the DLL's contract against the MIM Service's own.

use super::contract_search::find_contract;
use super::{ContractRef, Kind, same_assembly_name, short_name};
use crate::checks::catalogue as check;
use crate::checks::finding::Finding;
use std::path::Path;

/// What comparing the DLL's contract with the Service folder's gave.
pub(super) enum Compared {
    Same,
    Differs(Finding),
    /// The folder defines no such interface: nothing to compare with.
    NoContract,
}

/// MFA045 for a DLL whose interface comes from another assembly than the
/// MIM Service's own contract (found in the Service folder). Assembly names
/// compare as the CLR compares them, ignoring case: FIM 2010 R2's
/// `SmsServiceProviderContract` and MIM 2016's `SMSServiceProviderContract`
/// are one identity.
pub(super) fn contract_finding(
    used: &ContractRef,
    file: &str,
    kind: Kind,
    dir: &Path,
    gac: Option<&Path>,
) -> Compared {
    let interface = kind.interface();
    let Some(home) = find_contract(dir, interface, &used.assembly, gac) else {
        return Compared::NoContract;
    };
    let same_key = home.public_key_token == used.public_key_token;
    let same_name = same_assembly_name(&home.assembly, &used.assembly);
    if same_name && same_key {
        return Compared::Same;
    }
    let what = if same_name {
        format!(
            "with public key token {}, but the Service folder's copy has {}",
            used.public_key_token.as_deref().unwrap_or("none"),
            home.public_key_token.as_deref().unwrap_or("none")
        )
    } else {
        format!(
            "but the MIM Service's is {} ({})",
            home.assembly,
            home.path.display()
        )
    };
    Compared::Differs(
        check::MFA045
            .finding(format!(
                "{file} takes {} from {} {what}: to the CLR they are different types",
                short_name(interface),
                used.assembly
            ))
            .hint(format!(
                "reference {} from the Service folder (not a copy of the interface) and rebuild",
                home.path.display()
            )),
    )
}
