//! Custom sections: names, producers, target features, debug information and toolchain metadata.
//!
//! A malformed custom section does not make the module unreadable (engines ignore them), so
//! problems here are collected as [`CustomSectionError`]s instead of failing the whole report.

use super::{CustomSectionError, NamedSize, ProducerField, ProducerValue, TargetFeature};
use serde::Serialize;
use std::collections::BTreeMap;
use wasmparser::{BinaryReader, CustomSectionReader, KnownCustom, NameMap};

/// What the custom sections of a module hold, beyond their sizes in the section table.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CustomInfo {
    /// The `name` section.
    pub name_section: Option<NameSectionInfo>,
    /// `.debug_*` sections (DWARF), in order.
    pub dwarf: Vec<NamedSize>,
    /// Total payload bytes of the `.debug_*` sections.
    pub dwarf_size: u64,
    /// The `sourceMappingURL` section's URL.
    pub source_mapping_url: Option<String>,
    /// The `external_debug_info` section's URL.
    pub external_debug_info: Option<String>,
    /// Size of the `dylink.0` section (dynamic linking metadata).
    pub dylink0: Option<u64>,
    /// Size of the `linking` section (object files).
    pub linking: Option<u64>,
    /// `reloc.*` sections (object files).
    pub reloc: Vec<NamedSize>,
    /// Code metadata sections (`metadata.code.*`, e.g. branch hints).
    pub code_metadata: Vec<NamedSize>,
    /// `component-type*` sections (component type information embedded by bindings generators).
    pub component_type: Vec<NamedSize>,
    /// The `producers` section's fields.
    pub producers: Option<Vec<ProducerField>>,
    /// The `target_features` section's entries.
    pub target_features: Option<Vec<TargetFeature>>,
    /// Custom sections that could not be decoded.
    pub errors: Vec<CustomSectionError>,
}

/// The `name` section and its subsections.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NameSectionInfo {
    /// Payload size of the whole section.
    pub size: u64,
    /// The module name, when there is one.
    pub module_name: Option<String>,
    /// Subsections in order.
    pub subsections: Vec<NameSubsection>,
}

/// One subsection of the `name` section.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NameSubsection {
    /// `module`, `function`, `local`, `label`, `type`, `table`, `memory`, `global`, `elem`,
    /// `data`, `field`, `tag`, or `unknown-N`.
    pub kind: String,
    /// Size in bytes of its contents.
    pub size: u64,
    /// How many entries it has (top-level entries for indirect maps); none for `module`.
    pub count: Option<u32>,
}

/// State kept while walking the custom sections: the report, plus the function-name map for
/// later lookups.
#[derive(Default)]
pub(super) struct CustomScan<'a> {
    pub info: CustomInfo,
    pub function_names: Option<BinaryReader<'a>>,
}

impl<'a> CustomScan<'a> {
    /// Records one custom section.
    pub fn section(&mut self, reader: &CustomSectionReader<'a>) {
        let name = reader.name();
        let size = reader.data().len() as u64;
        let named = || NamedSize {
            name: name.to_string(),
            size,
        };
        let result = match name {
            "name" => self.name_section(reader),
            "producers" => self.producers(reader),
            "target_features" => self.target_features(reader),
            "sourceMappingURL" => {
                read_url(reader).map(|url| self.info.source_mapping_url = Some(url.to_string()))
            }
            "external_debug_info" => {
                read_url(reader).map(|url| self.info.external_debug_info = Some(url.to_string()))
            }
            "dylink.0" => {
                self.info.dylink0 = Some(size);
                Ok(())
            }
            "linking" => {
                self.info.linking = Some(size);
                Ok(())
            }
            _ if name.starts_with(".debug_") => {
                self.info.dwarf.push(named());
                self.info.dwarf_size += size;
                Ok(())
            }
            _ if name.starts_with("reloc.") => {
                self.info.reloc.push(named());
                Ok(())
            }
            _ if name.starts_with("metadata.code.") => {
                self.info.code_metadata.push(named());
                Ok(())
            }
            _ if name.starts_with("component-type") => {
                self.info.component_type.push(named());
                Ok(())
            }
            _ => Ok(()),
        };
        if let Err(e) = result {
            self.info.errors.push(CustomSectionError {
                section: name.to_string(),
                offset: e.offset(),
                message: e.message().to_string(),
            });
        }
    }

    fn name_section(&mut self, section: &CustomSectionReader<'a>) -> wasmparser::Result<()> {
        let mut info = NameSectionInfo {
            size: section.data().len() as u64,
            module_name: None,
            subsections: Vec::new(),
        };
        let mut reader = section.data_reader();
        let result = (|| {
            while !reader.eof() {
                let id = reader.read_u8()?;
                let len = reader.read_var_u32()? as usize;
                let content_offset = reader.original_position();
                let bytes = reader.read_bytes(len)?;
                let mut content = BinaryReader::new(bytes, content_offset);
                let count = if id == 0 {
                    info.module_name = Some(content.read_unlimited_string()?.to_string());
                    None
                } else {
                    Some(content.read_var_u32()?)
                };
                if id == 1 && self.function_names.is_none() {
                    self.function_names = Some(BinaryReader::new(bytes, content_offset));
                }
                info.subsections.push(NameSubsection {
                    kind: name_subsection_kind(id),
                    size: len as u64,
                    count,
                });
            }
            Ok(())
        })();
        self.info.name_section = Some(info);
        result
    }

    fn producers(&mut self, section: &CustomSectionReader<'a>) -> wasmparser::Result<()> {
        let KnownCustom::Producers(reader) = section.as_known() else {
            return Ok(());
        };
        let mut fields = Vec::new();
        for field in reader {
            let field = field?;
            let mut values = Vec::new();
            for value in field.values {
                let value = value?;
                values.push(ProducerValue {
                    name: value.name.to_string(),
                    version: value.version.to_string(),
                });
            }
            fields.push(ProducerField {
                name: field.name.to_string(),
                values,
            });
        }
        self.info.producers = Some(fields);
        Ok(())
    }

    fn target_features(&mut self, section: &CustomSectionReader<'a>) -> wasmparser::Result<()> {
        let mut reader = section.data_reader();
        let count = reader.read_var_u32()?;
        let mut features = Vec::new();
        for _ in 0..count {
            let prefix = reader.read_u8()?;
            let name = reader.read_string()?;
            features.push(TargetFeature {
                prefix: char::from(prefix).to_string(),
                name: name.to_string(),
            });
        }
        self.info.target_features = Some(features);
        Ok(())
    }

    /// Looks up the names of the functions in `wanted` (function index → slot to fill).
    ///
    /// A name map that goes wrong partway keeps the names read before the problem, and the problem
    /// is recorded.
    pub fn resolve_function_names(&mut self, wanted: &mut BTreeMap<u32, Option<String>>) {
        let Some(reader) = self.function_names.clone() else {
            return;
        };
        let Some(&last) = wanted.keys().next_back() else {
            return;
        };
        let result = (|| {
            for naming in NameMap::new(reader)? {
                let naming = naming?;
                if naming.index > last {
                    break;
                }
                if let Some(slot) = wanted.get_mut(&naming.index) {
                    *slot = Some(naming.name.to_string());
                }
            }
            Ok::<_, wasmparser::BinaryReaderError>(())
        })();
        if let Err(e) = result {
            self.info.errors.push(CustomSectionError {
                section: "name".to_string(),
                offset: e.offset(),
                message: e.message().to_string(),
            });
        }
    }
}

/// Reads a section that holds one length-prefixed string.
fn read_url<'a>(section: &CustomSectionReader<'a>) -> wasmparser::Result<&'a str> {
    let mut reader = section.data_reader();
    reader.read_unlimited_string()
}

fn name_subsection_kind(id: u8) -> String {
    match id {
        0 => "module",
        1 => "function",
        2 => "local",
        3 => "label",
        4 => "type",
        5 => "table",
        6 => "memory",
        7 => "global",
        8 => "elem",
        9 => "data",
        10 => "field",
        11 => "tag",
        _ => return format!("unknown-{id}"),
    }
    .to_string()
}
