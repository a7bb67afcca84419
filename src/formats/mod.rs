//! Readers (and the one writer) of the file formats mimmfa meets: the
//! settings XML, the SDK zip and its pf_auth.cs, PKCS#12, .NET metadata and
//! PE version resources. Pure: bytes in, values or errors out; nothing here
//! prints, writes files or imports the layers above.

pub mod binding_config;
pub mod bounded;
pub mod dotnet;
pub mod event_xml;
pub mod masked_diff;
pub mod pe_version;
pub mod pf_auth;
pub mod pkcs12;
pub mod sdk_zip;
pub mod secret;
pub mod settings_xml;
pub mod utf16;
pub mod win_version;
pub mod xml_rules;
