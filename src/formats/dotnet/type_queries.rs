//! The queries the checks ask of the metadata: each TypeDef's full name,
//! visibility, constructors, generics and interfaces (declared, inherited
//! from local bases, or behind a base of another assembly), and the
//! assembly's identity and references. Walks over chains of types are
//! capped, so hostile metadata costs a linear read.

use sha1::Digest;

use super::metadata_cursor::compressed;
use super::metadata_rows::{ResolutionScope, TypeDefOrRef, TypeDefRow, TypeOrMethodDef};
use super::metadata_tables::Metadata;
use super::{
    Assembly, AssemblyRef, DotnetError, InterfaceRef, Platform, Scope, StrongName, TypeInfo,
    damaged, is_framework_name,
};
use crate::formats::secret::hex;
use crate::formats::win_version::Version;

/// Deeper than any compiler's output for a provider; walks stop here so a
/// hostile chain of types (each nested in, or derived from, the one before)
/// costs a bounded walk per type instead of the whole chain: linear, where
/// walking to the end made the reader quadratic.
const MAX_NESTING: usize = 64;
const MAX_INHERITANCE: usize = 256;

impl Metadata<'_> {
    /// Full name and scope of a TypeDefOrRef coded index.
    fn interface_ref(&self, index: TypeDefOrRef) -> Result<InterfaceRef, DotnetError> {
        match index {
            TypeDefOrRef::TypeDef(row) => {
                let def = self.type_def(row)?;
                Ok(InterfaceRef {
                    name: self.qualified(def.namespace, def.name)?,
                    scope: Scope::Here,
                })
            }
            TypeDefOrRef::TypeRef(row) => {
                let r = self.type_ref(row)?;
                Ok(InterfaceRef {
                    name: self.qualified(r.namespace, r.name)?,
                    scope: self.resolution_scope(r.resolution_scope)?,
                })
            }
            TypeDefOrRef::TypeSpec(_) => Ok(InterfaceRef {
                name: "(generic interface instance)".into(),
                scope: Scope::Other,
            }),
            TypeDefOrRef::BadTag => Err(damaged("a bad TypeDefOrRef tag")),
        }
    }

    /// The assembly a TypeRef resolves in; a nested TypeRef (tag 3) in its
    /// enclosing one's.
    fn resolution_scope(&self, mut scope: ResolutionScope) -> Result<Scope, DotnetError> {
        for _ in 0..MAX_NESTING {
            match scope {
                ResolutionScope::AssemblyRef(row) => {
                    let r = self.assembly_ref(row)?;
                    return Ok(Scope::Assembly(self.string(r.name)?));
                }
                ResolutionScope::TypeRef(row) => scope = self.type_ref(row)?.resolution_scope,
                ResolutionScope::Module(_) | ResolutionScope::ModuleRef(_) => {
                    return Ok(Scope::Other);
                }
            }
        }
        Err(damaged(format!(
            "a type reference nested more than {MAX_NESTING} deep"
        )))
    }

    fn references(&self) -> Result<Vec<AssemblyRef>, DotnetError> {
        self.assembly_refs()?
            .into_iter()
            .map(|row| {
                let key = self.blob(row.public_key_or_token)?;
                // Flag 0x1: the blob is the full public key, else its token.
                let public_key_token = match (key.is_empty(), row.flags & 1 != 0) {
                    (true, _) => None,
                    (false, true) => Some(key_token(key)),
                    (false, false) => Some(hex(key)),
                };
                Ok(AssemblyRef {
                    name: self.string(row.name)?,
                    version: Version(row.version),
                    public_key_token,
                })
            })
            .collect()
    }

    /// The base class (`Extends`) as a TypeDef index of this assembly: a
    /// TypeDef, or a generic instance of one (`class Gate : GateBase<string>`
    /// extends a TypeSpec whose blob is GENERICINST CLASS <TypeDef> ...).
    fn base_type_def(&self, extends: TypeDefOrRef, count: usize) -> Option<usize> {
        let typedef = |index: TypeDefOrRef| match index {
            TypeDefOrRef::TypeDef(row) if row >= 1 && row as usize <= count => {
                Some(row as usize - 1)
            }
            _ => None,
        };
        match extends {
            TypeDefOrRef::TypeDef(_) => typedef(extends),
            TypeDefOrRef::TypeSpec(row) => {
                let spec = self.type_spec(row).ok()?;
                let sig = self.blob(spec.signature).ok()?;
                // ELEMENT_TYPE_GENERICINST, then CLASS or VALUETYPE.
                if sig.len() < 3 || sig[0] != 0x15 || !matches!(sig[1], 0x12 | 0x11) {
                    return None;
                }
                typedef(TypeDefOrRef::decode(compressed(&sig[2..])?.0))
            }
            _ => None,
        }
    }

    /// The base class (`Extends`) when it is a TypeRef into another
    /// assembly, other than the framework's (mscorlib, System.*).
    fn external_base(&self, extends: TypeDefOrRef) -> Option<InterfaceRef> {
        if !matches!(extends, TypeDefOrRef::TypeRef(row) if row != 0) {
            return None;
        }
        let base = self.interface_ref(extends).ok()?;
        match &base.scope {
            Scope::Assembly(a) if !is_framework_name(a) => Some(base),
            _ => None,
        }
    }

    /// Which TypeDefs declare a public instance constructor without
    /// parameters (index = TypeDef row - 1).
    fn default_constructors(&self, defs: &[TypeDefRow]) -> Result<Vec<bool>, DotnetError> {
        let methods = self.method_def_count();
        let mut out = vec![false; defs.len()];
        for (i, def) in defs.iter().enumerate() {
            // A type owns the methods from its MethodList up to the next
            // type's (ECMA-335 II.22.37).
            let first = def.method_list.max(1);
            let end = defs.get(i + 1).map_or(methods + 1, |next| next.method_list);
            for m in first..end.min(methods + 1) {
                let method = self.method_def(m)?;
                let flags = method.flags;
                let public_instance = flags & 0x7 == 0x6 && flags & 0x10 == 0;
                if public_instance && self.string(method.name)? == ".ctor" {
                    let sig = self.blob(method.signature)?;
                    if sig.len() >= 2 && compressed(&sig[1..]).is_some_and(|(n, _)| n == 0) {
                        out[i] = true;
                        break;
                    }
                }
            }
        }
        Ok(out)
    }

    /// Which TypeDefs have generic parameters of their own.
    fn generic_types(&self, count: usize) -> Result<Vec<bool>, DotnetError> {
        let mut out = vec![false; count];
        for param in self.generic_params()? {
            if let TypeOrMethodDef::TypeDef(row) = param.owner
                && let Some(slot) = out.get_mut((row as usize).wrapping_sub(1))
            {
                *slot = true;
            }
        }
        Ok(out)
    }

    pub(super) fn assembly(&self) -> Result<Assembly, DotnetError> {
        let (mut name, mut version, mut public_key_token) = (None, None, None);
        let mut strong_name = StrongName::None;
        if let Some(row) = self.assembly_row()? {
            name = Some(self.string(row.name)?);
            version = Some(Version(row.version));
            let key = self.blob(row.public_key)?;
            if !key.is_empty() {
                public_key_token = Some(key_token(key));
                // Signed or delay-signed: read_assembly tells them apart.
                strong_name = StrongName::Signed;
            }
        }
        let references = self.references()?;

        let defs = self.type_defs()?;
        let type_count = defs.len();
        // Enclosing type of each nested type (index = TypeDef row - 1).
        let mut enclosing = vec![0u32; type_count];
        for row in self.nested_classes()? {
            if let Some(slot) = enclosing.get_mut((row.nested as usize).wrapping_sub(1)) {
                *slot = row.enclosing;
            }
        }
        let mut interfaces = vec![Vec::new(); type_count];
        for row in self.interface_impls()? {
            let interface = self.interface_ref(row.interface)?;
            if let Some(list) = interfaces.get_mut((row.class as usize).wrapping_sub(1)) {
                list.push(interface);
            }
        }
        let bases: Vec<Option<usize>> = defs
            .iter()
            .map(|d| self.base_type_def(d.extends, defs.len()))
            .collect();
        let external: Vec<Option<InterfaceRef>> =
            defs.iter().map(|d| self.external_base(d.extends)).collect();
        let constructors = self.default_constructors(&defs)?;
        let generic = self.generic_types(type_count)?;

        let mut types = Vec::with_capacity(type_count);
        for (i, def) in defs.iter().enumerate() {
            let flags = def.flags;
            types.push(TypeInfo {
                full_name: self.nested_name(i, &defs, &enclosing)?,
                public: visible(i, &defs, &enclosing),
                is_abstract: flags & 0x80 != 0,
                is_interface: flags & 0x20 != 0,
                is_generic: any_enclosing(i, &enclosing, |at| generic[at]),
                has_default_constructor: constructors[i],
                interfaces: interfaces[i].clone(),
                inherited_interfaces: inherited(i, &bases, &interfaces),
                external_base: first_external_base(i, &bases, &external),
            });
        }
        // `<Module>` is the pseudo-type holding globals.
        types.retain(|t| t.full_name != "<Module>");
        Ok(Assembly {
            name,
            version,
            public_key_token,
            strong_name,
            references,
            types,
            runtime_version: self.runtime_version().to_string(),
            platform: Platform::AnyCpu,
        })
    }

    fn nested_name(
        &self,
        i: usize,
        defs: &[TypeDefRow],
        enclosing: &[u32],
    ) -> Result<String, DotnetError> {
        let mut name = self.qualified(defs[i].namespace, defs[i].name)?;
        let mut at = i;
        // Bounded walk: a cycle in hostile metadata must not loop forever.
        for depth in 0.. {
            let outer = enclosing[at] as usize;
            if outer == 0 || outer > defs.len() {
                break;
            }
            if depth == MAX_NESTING {
                return Err(damaged(format!(
                    "a type nested more than {MAX_NESTING} deep (or nested in itself)"
                )));
            }
            at = outer - 1;
            name = format!(
                "{}+{name}",
                self.qualified(defs[at].namespace, defs[at].name)?
            );
        }
        Ok(name)
    }
}

/// The token the CLR shows for a public key: the last 8 bytes of its SHA-1,
/// reversed.
fn key_token(public_key: &[u8]) -> String {
    let hash = sha1::Sha1::digest(public_key);
    let mut token = hash[hash.len() - 8..].to_vec();
    token.reverse();
    hex(&token)
}

/// Public, or nested public all the way out to a public type.
fn visible(i: usize, defs: &[TypeDefRow], enclosing: &[u32]) -> bool {
    let mut at = i;
    for _ in 0..=MAX_NESTING {
        match defs[at].flags & 0x7 {
            1 => return true, // Public
            2 => match enclosing[at] as usize {
                // NestedPublic
                outer if outer >= 1 && outer <= defs.len() => at = outer - 1,
                _ => return false,
            },
            _ => return false,
        }
    }
    false
}

/// Whether the type or a type it is nested in (up to the cap) passes `test`.
fn any_enclosing(i: usize, enclosing: &[u32], test: impl Fn(usize) -> bool) -> bool {
    let mut at = i;
    for _ in 0..=MAX_NESTING {
        if test(at) {
            return true;
        }
        match enclosing[at] as usize {
            outer if outer >= 1 && outer <= enclosing.len() => at = outer - 1,
            _ => return false,
        }
    }
    false
}

/// The external base reached by walking this type's local bases.
fn first_external_base(
    i: usize,
    bases: &[Option<usize>],
    external: &[Option<InterfaceRef>],
) -> Option<InterfaceRef> {
    let mut at = i;
    for _ in 0..=MAX_INHERITANCE.min(bases.len()) {
        if let Some(e) = &external[at] {
            return Some(e.clone());
        }
        at = bases[at]?;
    }
    None
}

/// Interfaces of base classes defined in this assembly (walk `Extends`).
fn inherited(
    i: usize,
    bases: &[Option<usize>],
    interfaces: &[Vec<InterfaceRef>],
) -> Vec<InterfaceRef> {
    let mut out = Vec::new();
    let mut at = i;
    for _ in 0..MAX_INHERITANCE.min(bases.len()) {
        let Some(base) = bases[at] else { break };
        at = base;
        out.extend(interfaces[at].iter().cloned());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A chain of 20,000 types, each derived from (and nested in) the one
    /// before: every walk stops at its cap, so reading it is linear.
    #[test]
    fn chains_of_types_are_walked_a_bounded_way() {
        let n = 20_000u32;
        // TypeDef rows: NestedPublic, Extends = the previous TypeDef
        // (a TypeDef); its base is the one before.
        let defs: Vec<TypeDefRow> = (1..=n)
            .map(|r| TypeDefRow {
                flags: 2,
                extends: TypeDefOrRef::TypeDef(r - 1),
                ..TypeDefRow::default()
            })
            .collect();
        let enclosing: Vec<u32> = (0..n).collect();
        let i = InterfaceRef {
            name: "I".into(),
            scope: Scope::Here,
        };
        let interfaces = vec![vec![i]; n as usize];
        let bases: Vec<Option<usize>> = (0..n as usize).map(|i| i.checked_sub(1)).collect();
        let last = n as usize - 1;
        assert_eq!(inherited(last, &bases, &interfaces).len(), MAX_INHERITANCE);
        assert!(
            !visible(last, &defs, &enclosing),
            "no public type within the cap"
        );
    }
}
