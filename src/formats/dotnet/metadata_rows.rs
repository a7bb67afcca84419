//! The rows of the tables the reader uses, each a struct with the column
//! names of ECMA-335 II.22, decoded from its table in one place. Coded
//! indexes are decoded into the table they point to (II.24.2.6); heap
//! columns are indexes into #Strings or #Blob.

use super::DotnetError;
use super::metadata_tables::{
    ASSEMBLY, ASSEMBLY_REF, Columns, GENERIC_PARAM, INTERFACE_IMPL, METHOD_DEF, Metadata,
    NESTED_CLASS, TYPE_DEF, TYPE_REF, TYPE_SPEC,
};

/// A TypeDefOrRef coded index (II.24.2.6; also the TypeDefOrRefOrSpec
/// token of a signature, II.23.2.8): the table by its two tag bits, the
/// row 1-based (0: none).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum TypeDefOrRef {
    TypeDef(u32),
    TypeRef(u32),
    TypeSpec(u32),
    /// Tag 3, which names no table: a damaged file.
    BadTag,
}

impl TypeDefOrRef {
    pub(super) fn decode(coded: u32) -> Self {
        let row = coded >> 2;
        match coded & 0b11 {
            0 => TypeDefOrRef::TypeDef(row),
            1 => TypeDefOrRef::TypeRef(row),
            2 => TypeDefOrRef::TypeSpec(row),
            _ => TypeDefOrRef::BadTag,
        }
    }
}

impl Default for TypeDefOrRef {
    /// No base class.
    fn default() -> Self {
        TypeDefOrRef::TypeDef(0)
    }
}

/// A ResolutionScope coded index (II.24.2.6): where a TypeRef resolves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ResolutionScope {
    Module(u32),
    ModuleRef(u32),
    AssemblyRef(u32),
    /// A nested type: resolved in its enclosing TypeRef's scope.
    TypeRef(u32),
}

impl ResolutionScope {
    fn decode(coded: u32) -> Self {
        let row = coded >> 2;
        match coded & 0b11 {
            0 => ResolutionScope::Module(row),
            1 => ResolutionScope::ModuleRef(row),
            2 => ResolutionScope::AssemblyRef(row),
            _ => ResolutionScope::TypeRef(row),
        }
    }
}

/// A TypeOrMethodDef coded index (II.24.2.6): a generic parameter's owner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum TypeOrMethodDef {
    TypeDef(u32),
    MethodDef(u32),
}

impl TypeOrMethodDef {
    fn decode(coded: u32) -> Self {
        let row = coded >> 1;
        match coded & 1 {
            0 => TypeOrMethodDef::TypeDef(row),
            _ => TypeOrMethodDef::MethodDef(row),
        }
    }
}

/// TypeDef (0x02, II.22.37).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct TypeDefRow {
    pub(super) flags: u32,
    pub(super) name: u32,
    pub(super) namespace: u32,
    /// The base class; TypeDef(0) for none.
    pub(super) extends: TypeDefOrRef,
    /// First MethodDef row the type owns (up to the next type's).
    pub(super) method_list: u32,
}

/// TypeRef (0x01, II.22.38).
pub(super) struct TypeRefRow {
    pub(super) resolution_scope: ResolutionScope,
    pub(super) name: u32,
    pub(super) namespace: u32,
}

/// MethodDef (0x06, II.22.26).
pub(super) struct MethodDefRow {
    pub(super) flags: u32,
    pub(super) name: u32,
    pub(super) signature: u32,
}

/// InterfaceImpl (0x09, II.22.23).
pub(super) struct InterfaceImplRow {
    /// TypeDef row of the implementing class.
    pub(super) class: u32,
    pub(super) interface: TypeDefOrRef,
}

/// NestedClass (0x29, II.22.32): both TypeDef rows.
pub(super) struct NestedClassRow {
    pub(super) nested: u32,
    pub(super) enclosing: u32,
}

/// GenericParam (0x2A, II.22.20).
pub(super) struct GenericParamRow {
    pub(super) owner: TypeOrMethodDef,
}

/// TypeSpec (0x1B, II.22.39).
pub(super) struct TypeSpecRow {
    pub(super) signature: u32,
}

/// Assembly (0x20, II.22.2).
pub(super) struct AssemblyRow {
    pub(super) version: [u16; 4],
    pub(super) public_key: u32,
    pub(super) name: u32,
}

/// AssemblyRef (0x23, II.22.5).
pub(super) struct AssemblyRefRow {
    pub(super) version: [u16; 4],
    pub(super) flags: u32,
    /// The full public key (flag 0x1) or its token.
    pub(super) public_key_or_token: u32,
    pub(super) name: u32,
}

/// The four version columns, which the schema declares as u16.
fn version(c: &mut Columns) -> Result<[u16; 4], DotnetError> {
    Ok([c.next()?, c.next()?, c.next()?, c.next()?].map(|v| v as u16))
}

impl Metadata<'_> {
    pub(super) fn type_def(&self, row: u32) -> Result<TypeDefRow, DotnetError> {
        let mut c = self.columns(TYPE_DEF, row)?;
        let (flags, name, namespace, extends) = (c.next()?, c.next()?, c.next()?, c.next()?);
        let _field_list = c.next()?;
        Ok(TypeDefRow {
            flags,
            name,
            namespace,
            extends: TypeDefOrRef::decode(extends),
            method_list: c.next()?,
        })
    }

    pub(super) fn type_ref(&self, row: u32) -> Result<TypeRefRow, DotnetError> {
        let mut c = self.columns(TYPE_REF, row)?;
        Ok(TypeRefRow {
            resolution_scope: ResolutionScope::decode(c.next()?),
            name: c.next()?,
            namespace: c.next()?,
        })
    }

    pub(super) fn method_def(&self, row: u32) -> Result<MethodDefRow, DotnetError> {
        let mut c = self.columns(METHOD_DEF, row)?;
        let (_rva, _impl_flags) = (c.next()?, c.next()?);
        Ok(MethodDefRow {
            flags: c.next()?,
            name: c.next()?,
            signature: c.next()?,
        })
    }

    fn interface_impl(&self, row: u32) -> Result<InterfaceImplRow, DotnetError> {
        let mut c = self.columns(INTERFACE_IMPL, row)?;
        Ok(InterfaceImplRow {
            class: c.next()?,
            interface: TypeDefOrRef::decode(c.next()?),
        })
    }

    fn nested_class(&self, row: u32) -> Result<NestedClassRow, DotnetError> {
        let mut c = self.columns(NESTED_CLASS, row)?;
        Ok(NestedClassRow {
            nested: c.next()?,
            enclosing: c.next()?,
        })
    }

    fn generic_param(&self, row: u32) -> Result<GenericParamRow, DotnetError> {
        let mut c = self.columns(GENERIC_PARAM, row)?;
        let (_number, _flags) = (c.next()?, c.next()?);
        Ok(GenericParamRow {
            owner: TypeOrMethodDef::decode(c.next()?),
        })
    }

    pub(super) fn type_spec(&self, row: u32) -> Result<TypeSpecRow, DotnetError> {
        let mut c = self.columns(TYPE_SPEC, row)?;
        Ok(TypeSpecRow {
            signature: c.next()?,
        })
    }

    /// The Assembly row, which a module (a netmodule) lacks.
    pub(super) fn assembly_row(&self) -> Result<Option<AssemblyRow>, DotnetError> {
        if self.row_count(ASSEMBLY) == 0 {
            return Ok(None);
        }
        let mut c = self.columns(ASSEMBLY, 1)?;
        let _hash_alg = c.next()?;
        let version = version(&mut c)?;
        let _flags = c.next()?;
        Ok(Some(AssemblyRow {
            version,
            public_key: c.next()?,
            name: c.next()?,
        }))
    }

    pub(super) fn assembly_ref(&self, row: u32) -> Result<AssemblyRefRow, DotnetError> {
        let mut c = self.columns(ASSEMBLY_REF, row)?;
        Ok(AssemblyRefRow {
            version: version(&mut c)?,
            flags: c.next()?,
            public_key_or_token: c.next()?,
            name: c.next()?,
        })
    }

    pub(super) fn type_defs(&self) -> Result<Vec<TypeDefRow>, DotnetError> {
        self.all_rows(TYPE_DEF, Self::type_def)
    }

    pub(super) fn interface_impls(&self) -> Result<Vec<InterfaceImplRow>, DotnetError> {
        self.all_rows(INTERFACE_IMPL, Self::interface_impl)
    }

    pub(super) fn nested_classes(&self) -> Result<Vec<NestedClassRow>, DotnetError> {
        self.all_rows(NESTED_CLASS, Self::nested_class)
    }

    pub(super) fn generic_params(&self) -> Result<Vec<GenericParamRow>, DotnetError> {
        self.all_rows(GENERIC_PARAM, Self::generic_param)
    }

    pub(super) fn assembly_refs(&self) -> Result<Vec<AssemblyRefRow>, DotnetError> {
        self.all_rows(ASSEMBLY_REF, Self::assembly_ref)
    }

    pub(super) fn method_def_count(&self) -> u32 {
        self.row_count(METHOD_DEF)
    }

    /// Every row of `table`, decoded by `decode`.
    fn all_rows<T>(
        &self,
        table: usize,
        decode: impl Fn(&Self, u32) -> Result<T, DotnetError>,
    ) -> Result<Vec<T>, DotnetError> {
        (1..=self.row_count(table))
            .map(|r| decode(self, r))
            .collect()
    }
}
