//! A small reader of .NET (ECMA-335) metadata: enough to tell which public
//! classes of a DLL implement which interfaces (in declaration order, and
//! from which assembly), whether the CLR could create them, and what the
//! assembly is built for (platform, runtime, references, strong name).
//!
//! This file holds what callers see (the assembly, its types and
//! references) and the one entry point; the reading is split by layer:
//! `clr_header` (PE and CLR header), `metadata_cursor` (bounded reads),
//! `metadata_tables` (streams, table layout), `metadata_rows` (the rows,
//! named), `type_queries` (what the checks ask). Every read is bounds-checked: hostile or truncated input
//! gives an error, never a panic.

mod clr_header;
mod metadata_cursor;
mod metadata_rows;
mod metadata_tables;
mod type_queries;

use object::FileKind;
use object::pe::{ImageNtHeaders32, ImageNtHeaders64};
use serde::{Serialize, Serializer};

use crate::formats::win_version::Version;
use clr_header::clr_metadata;
use metadata_tables::Metadata;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DotnetError {
    #[error("not a PE file (not a Windows DLL): {0}")]
    NotPe(String),
    #[error(
        "a PE file but not a .NET assembly (no CLR header): a native DLL cannot be a MIM provider"
    )]
    NotDotnet,
    #[error("the .NET metadata is damaged: {0}")]
    Damaged(String),
}

fn damaged(what: impl Into<String>) -> DotnetError {
    DotnetError::Damaged(what.into())
}

/// A type defined in the assembly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeInfo {
    /// `Namespace.Name`, nested types as `Namespace.Outer+Inner`.
    pub full_name: String,
    /// Visible outside the assembly (public, or nested public in a visible type).
    pub public: bool,
    pub is_abstract: bool,
    pub is_interface: bool,
    /// Has generic parameters of its own (or of an enclosing type): an open
    /// generic the CLR cannot create without type arguments.
    pub is_generic: bool,
    /// Declares a public instance constructor without parameters.
    pub has_default_constructor: bool,
    /// Interfaces the type declares, in declaration (row) order.
    pub interfaces: Vec<InterfaceRef>,
    /// Interfaces inherited from base classes defined in this assembly.
    pub inherited_interfaces: Vec<InterfaceRef>,
    /// The first base class, walking up from this type, that another
    /// assembly defines (`class DerivedGate : Contoso.Base.PhoneBase`):
    /// its interfaces are inherited too, and only that assembly knows them.
    /// `System.Object` and other framework bases are left out.
    pub external_base: Option<InterfaceRef>,
}

/// An interface a type implements, and where the CLR will look for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterfaceRef {
    pub name: String,
    pub scope: Scope,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Defined in this assembly (a TypeDef): to the CLR a type of its own,
    /// whatever its name.
    Here,
    /// A TypeRef resolved in the named assembly.
    Assembly(String),
    /// A generic instance, or a TypeRef of another module.
    Other,
}

impl TypeInfo {
    /// A class MIM could create: public, a class, not abstract, not an open
    /// generic, with a public parameterless constructor.
    pub fn is_creatable_class(&self) -> bool {
        self.public
            && !self.is_abstract
            && !self.is_interface
            && !self.is_generic
            && self.has_default_constructor
    }

    /// Every interface, declared ones first.
    pub fn all_interfaces(&self) -> impl Iterator<Item = &InterfaceRef> {
        self.interfaces.iter().chain(&self.inherited_interfaces)
    }

    /// Implements the interface of this full name taken from another
    /// assembly (a local copy of the interface is a different type).
    pub fn implements(&self, interface: &str) -> bool {
        self.all_interfaces()
            .any(|i| i.name == interface && matches!(i.scope, Scope::Assembly(_)))
    }

    /// Implements a local copy of the interface of this full name.
    pub fn implements_local_copy(&self, interface: &str) -> bool {
        self.all_interfaces()
            .any(|i| i.name == interface && i.scope == Scope::Here)
    }
}

/// A reference to another assembly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssemblyRef {
    pub name: String,
    pub version: Version,
    /// Lowercase hex, as the CLR prints it; `None` for an unsigned reference.
    pub public_key_token: Option<String>,
}

/// Which processes can load the assembly (CLR header flags and PE machine).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Platform {
    /// IL only, no bitness required: loads in a 64-bit process.
    AnyCpu,
    /// IL only but marked 32BITREQUIRED, or x86 native code.
    X86Only,
    X64,
    /// Another machine (ARM64, Itanium...), by its PE machine number.
    Other(u16),
}

/// Whether the assembly carries a public key, and is signed with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StrongName {
    None,
    /// Public key, but the image was not signed (delay signing).
    DelaySigned,
    Signed,
}

/// "AnyCPU", "x64", "x86" or "machine 0x....", the names of the build
/// tools' Platform target, in text and JSON alike.
impl std::fmt::Display for Platform {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Platform::AnyCpu => f.write_str("AnyCPU"),
            Platform::X64 => f.write_str("x64"),
            Platform::X86Only => f.write_str("x86"),
            Platform::Other(m) => write!(f, "machine 0x{m:04x}"),
        }
    }
}

/// "signed", "delay-signed" or "none", in text and JSON alike.
impl std::fmt::Display for StrongName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            StrongName::None => "none",
            StrongName::DelaySigned => "delay-signed",
            StrongName::Signed => "signed",
        })
    }
}

impl Serialize for Platform {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl Serialize for StrongName {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assembly {
    pub name: Option<String>,
    pub version: Option<Version>,
    /// Token of the assembly's own public key.
    pub public_key_token: Option<String>,
    pub strong_name: StrongName,
    pub references: Vec<AssemblyRef>,
    pub types: Vec<TypeInfo>,
    /// The metadata's runtime version string, `v4.0.30319` for .NET
    /// Framework 4 (and for .NET Core, which keeps it).
    pub runtime_version: String,
    pub platform: Platform,
}

pub fn read_assembly(data: &[u8]) -> Result<Assembly, DotnetError> {
    let clr = match FileKind::parse(data) {
        Ok(FileKind::Pe32) => clr_metadata::<ImageNtHeaders32>(data)?,
        Ok(FileKind::Pe64) => clr_metadata::<ImageNtHeaders64>(data)?,
        Ok(other) => return Err(DotnetError::NotPe(format!("it is a {other:?} file"))),
        Err(_) => return Err(DotnetError::NotPe("no PE header".into())),
    };
    let mut assembly = Metadata::parse(clr.metadata)?.assembly()?;
    assembly.platform = clr.platform();
    if assembly.strong_name == StrongName::Signed && !clr.strong_name_signed() {
        assembly.strong_name = StrongName::DelaySigned;
    }
    Ok(assembly)
}

/// Assembly names of the .NET Framework itself (mscorlib, System,
/// System.*, netstandard...): bases taken from them carry no provider
/// interface, and the CLR finds them without looking in any folder.
pub fn is_framework_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    [
        "mscorlib",
        "system",
        "netstandard",
        "windowsbase",
        "microsoft.csharp",
        "microsoft.visualbasic",
    ]
    .contains(&n.as_str())
        || n.starts_with("system.")
        || n.starts_with("presentation")
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIX: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/dotnet/");

    fn read(name: &str) -> Result<Assembly, DotnetError> {
        read_assembly(&std::fs::read(format!("{FIX}{name}")).unwrap())
    }

    const PHONE: &str = "Microsoft.IdentityManagement.PhoneServiceProvider.IPhoneServiceProvider";

    #[test]
    fn reads_the_good_provider() {
        let a = read("CustomPhoneGate.dll").unwrap();
        assert_eq!(a.name.as_deref(), Some("CustomPhoneGate"));
        let contract = a
            .references
            .iter()
            .find(|r| r.name == "Microsoft.IdentityManagement.PhoneServiceProviderContract")
            .unwrap();
        // The token the fixtures' test key gives (build.sh), as the CLR
        // prints it; the contract's own token must be the same.
        let token = read("Microsoft.IdentityManagement.PhoneServiceProviderContract.dll")
            .unwrap()
            .public_key_token
            .unwrap();
        assert_eq!(contract.public_key_token.as_deref(), Some(token.as_str()));
        assert_eq!(contract.version.to_string(), "0.0.0.0");
        assert_eq!(a.strong_name, StrongName::None);
        assert_eq!(a.platform, Platform::AnyCpu);
        assert_eq!(a.runtime_version, "v4.0.30319");
        let gate = a
            .types
            .iter()
            .find(|t| t.full_name == "Contoso.Mim.CustomPhoneGate")
            .unwrap();
        assert!(gate.is_creatable_class());
        let names: Vec<&str> = gate.interfaces.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(names, vec!["System.IDisposable", PHONE]);
        assert_eq!(
            gate.interfaces[1].scope,
            Scope::Assembly("Microsoft.IdentityManagement.PhoneServiceProviderContract".into())
        );
        assert!(gate.has_default_constructor && !gate.is_generic);
        let helper = a
            .types
            .iter()
            .find(|t| t.full_name == "Contoso.Mim.Helper")
            .unwrap();
        assert!(!helper.public);
    }

    #[test]
    fn nested_and_inherited_implementations() {
        let a = read("NestedPhone.dll").unwrap();
        let gate = a
            .types
            .iter()
            .find(|t| t.full_name == "Contoso.Nested.Outer+Gate")
            .unwrap();
        assert!(gate.public && gate.implements(PHONE));
        let a = read("InheritedPhone.dll").unwrap();
        let gate = a
            .types
            .iter()
            .find(|t| t.full_name == "Contoso.Inherited.Gate")
            .unwrap();
        assert!(gate.is_creatable_class() && gate.implements(PHONE) && gate.interfaces.is_empty());
    }

    #[test]
    fn a_base_class_of_another_assembly_is_recorded() {
        let a = read("cross-assembly/DerivedGate.dll").unwrap();
        let t = find(&a, "Contoso.Derived.DerivedGate");
        assert_eq!(
            t.external_base,
            Some(InterfaceRef {
                name: "Contoso.Base.PhoneBase".into(),
                scope: Scope::Assembly("Contoso.Base".into())
            })
        );
        assert!(t.interfaces.is_empty() && t.inherited_interfaces.is_empty());
        // System.Object is the framework's: no external base.
        let good = read("CustomPhoneGate.dll").unwrap();
        assert!(good.types.iter().all(|t| t.external_base.is_none()));
    }

    #[test]
    fn abstract_internal_and_private_nested_are_not_creatable() {
        let a = read("AbstractInternalPhone.dll").unwrap();
        let impls: Vec<_> = a.types.iter().filter(|t| t.implements(PHONE)).collect();
        assert_eq!(impls.len(), 3);
        assert!(impls.iter().all(|t| !t.is_creatable_class()), "{impls:?}");
    }

    #[test]
    fn interface_order_is_declaration_order() {
        let first = read("sms-first/SmsServiceProvider.dll").unwrap();
        let second = read("sms-second/SmsServiceProvider.dll").unwrap();
        let sms = "Microsoft.IdentityManagement.SmsServiceProvider.ISmsServiceProvider";
        let class = |a: &Assembly| {
            a.types
                .iter()
                .find(|t| t.full_name == "Contoso.Sms.SmsServiceProvider")
                .unwrap()
                .interfaces
                .clone()
        };
        assert_eq!(class(&first)[0].name, sms);
        assert_eq!(class(&second)[1].name, sms);
    }

    fn find<'a>(a: &'a Assembly, name: &str) -> &'a TypeInfo {
        a.types.iter().find(|t| t.full_name == name).unwrap()
    }

    #[test]
    fn a_copied_interface_is_not_the_contract() {
        let a = read("OwnInterfacePhone.dll").unwrap();
        let gate = find(&a, "Contoso.Copied.Gate");
        assert!(gate.is_creatable_class());
        assert!(!gate.implements(PHONE) && gate.implements_local_copy(PHONE));
    }

    #[test]
    fn constructors_and_generics() {
        let a = read("NoDefaultCtorPhone.dll").unwrap();
        for name in ["Contoso.Configured.Gate", "Contoso.Configured.Singleton"] {
            let t = find(&a, name);
            assert!(t.public && !t.has_default_constructor, "{name}");
        }
        let a = read("GenericPhone.dll").unwrap();
        assert!(find(&a, "Contoso.Generic.Gate`1").is_generic);
        assert!(find(&a, "Contoso.Generic.Outer`1+Inner").is_generic);
        let a = read("ClosedGenericPhone.dll").unwrap();
        let gate = find(&a, "Contoso.Closed.Gate");
        assert!(gate.is_creatable_class() && !gate.is_generic);
        assert!(gate.implements(PHONE), "through the generic base class");
        assert!(find(&a, "Contoso.Closed.GateBase`1").is_generic);
    }

    #[test]
    fn platform_strong_name_and_version() {
        assert_eq!(read("X86Phone.dll").unwrap().platform, Platform::X86Only);
        assert_eq!(read("X64Phone.dll").unwrap().platform, Platform::X64);
        let c = read("Microsoft.IdentityManagement.PhoneServiceProviderContract.dll").unwrap();
        assert_eq!(c.strong_name, StrongName::Signed);
        assert_eq!(c.version, Some(Version([0, 0, 0, 0])));
        let net5 = read("targets/Net5Phone.dll").unwrap();
        let runtime = net5
            .references
            .iter()
            .find(|r| r.name == "System.Runtime")
            .unwrap();
        assert_eq!(runtime.version, Version([5, 0, 0, 0]));
        assert_eq!(runtime.public_key_token, None);
    }

    /// The names DllCheck's JSON has always carried.
    #[test]
    fn platform_and_strong_name_print_as_the_tools_name_them() {
        let platforms = [
            Platform::AnyCpu,
            Platform::X64,
            Platform::X86Only,
            Platform::Other(0xAA64),
        ];
        let names = [
            StrongName::None,
            StrongName::DelaySigned,
            StrongName::Signed,
        ];
        assert_eq!(
            serde_json::to_string(&platforms).unwrap(),
            r#"["AnyCPU","x64","x86","machine 0xaa64"]"#
        );
        assert_eq!(
            serde_json::to_string(&names).unwrap(),
            r#"["none","delay-signed","signed"]"#
        );
    }

    #[test]
    fn not_pe_and_truncated_input_give_errors_not_panics() {
        assert!(matches!(read("NotPe.dll"), Err(DotnetError::NotPe(_))));
        let good = std::fs::read(format!("{FIX}CustomPhoneGate.dll")).unwrap();
        for cut in (0..good.len()).step_by(7) {
            let _ = read_assembly(&good[..cut]);
        }
        // Flip bytes all over the file: still no panic.
        for i in (0..good.len()).step_by(3) {
            let mut bad = good.clone();
            bad[i] ^= 0xFF;
            let _ = read_assembly(&bad);
        }
    }
}
