//! The library's one error type.
//!
//! [`Error`] is a single pointer wide: the payload lives in a boxed [`ErrorKind`]. Every input
//! error carries a byte offset (or a line and column for text), and errors inside a function body
//! name the function.

use std::fmt;

/// A `Result` whose error is [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// An error from reading, validating or transforming a module.
pub struct Error(Box<ErrorKind>);

/// Identifies a function in error messages: its index and, when the name section has one, its
/// name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FuncContext {
    /// The function's index in the function index space.
    pub index: u32,
    /// The function's name from the name section, if any.
    pub name: Option<String>,
}

impl fmt::Display for FuncContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.name {
            Some(name) => write!(f, "func {} `{}`", self.index, name),
            None => write!(f, "func {}", self.index),
        }
    }
}

impl FuncContext {
    /// Names function `index` from a `name` custom section, when it has a name there. A
    /// malformed name section gives the names read before the damage, or none: a bad name
    /// section must never hide the error being reported.
    pub fn lookup(
        index: u32,
        name_section: Option<&wasmparser::CustomSectionReader<'_>>,
    ) -> FuncContext {
        let name = name_section.and_then(|section| {
            let wasmparser::KnownCustom::Name(reader) = section.as_known() else {
                return None;
            };
            for subsection in reader {
                let Ok(wasmparser::Name::Function(map)) = subsection else {
                    continue;
                };
                for naming in map {
                    match naming {
                        Ok(naming) if naming.index == index => {
                            return Some(naming.name.to_string());
                        }
                        Ok(_) => {}
                        Err(_) => break,
                    }
                }
            }
            None
        });
        FuncContext { index, name }
    }
}

/// What went wrong.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The binary is malformed: wasmparser's message, with its offset.
    #[error("{}", OneLine(.0))]
    Binary(#[from] wasmparser::BinaryReaderError),
    /// The binary is malformed inside a function body.
    #[error("in {func}: {}", OneLine(source))]
    BinaryInFunc {
        /// The function whose body is malformed.
        func: FuncContext,
        /// The underlying error.
        source: wasmparser::BinaryReaderError,
    },
    /// The text format could not be parsed.
    #[error("{path}:{line}:{column}: {message}")]
    Text {
        /// The input's name, as given (a path or `-`).
        path: String,
        /// The 1-based line of the error.
        line: usize,
        /// The 1-based column of the error.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// The module is well-formed but invalid.
    #[error("{}{}", match func { Some(func) => format!("{func} failed to validate: "), None => String::new() }, OneLine(source))]
    Invalid {
        /// The function that failed to validate, when the error is inside a body.
        func: Option<FuncContext>,
        /// The validator's message and offset.
        source: wasmparser::BinaryReaderError,
    },
    /// The input is a component, which this operation does not handle.
    #[error(
        "the input is a WebAssembly component, not a core module: {what} handles core modules only"
    )]
    Component {
        /// The operation that was asked for.
        what: &'static str,
    },
    /// A structural problem found by our own checks.
    #[error("{message} (at offset 0x{offset:x})")]
    Malformed {
        /// What is wrong.
        message: String,
        /// Where, in bytes from the start of the input.
        offset: u64,
    },
    /// The module cannot be written: it refers to an item that was removed, or holds something
    /// the binary format cannot express.
    #[error("cannot emit the module: {0}")]
    Emit(String),
    /// An argument given by the caller is unusable (a bad feature name, a bad pattern).
    #[error("{0}")]
    Usage(String),
}

/// Displays a wasmparser error on one line: a few of its messages span several lines.
struct OneLine<'a>(&'a wasmparser::BinaryReaderError);

impl fmt::Display for OneLine<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let message = self.0.message();
        let mut words = message.split_whitespace();
        if let Some(first) = words.next() {
            f.write_str(first)?;
            for word in words {
                write!(f, " {word}")?;
            }
        }
        write!(f, " (at offset 0x{:x})", self.0.offset())
    }
}

impl Error {
    /// Creates an error from its kind.
    #[cold]
    pub fn new(kind: ErrorKind) -> Self {
        Error(Box::new(kind))
    }

    /// Creates a [`ErrorKind::Malformed`] error.
    #[cold]
    pub fn malformed(offset: u64, message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Malformed {
            message: message.into(),
            offset,
        })
    }

    /// Creates a [`ErrorKind::Usage`] error.
    #[cold]
    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Usage(message.into()))
    }

    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.0
    }

    /// The byte offset the error refers to, when there is one.
    pub fn offset(&self) -> Option<u64> {
        match &*self.0 {
            ErrorKind::Binary(e) => Some(e.offset()),
            ErrorKind::BinaryInFunc { source, .. } | ErrorKind::Invalid { source, .. } => {
                Some(source.offset())
            }
            ErrorKind::Malformed { offset, .. } => Some(*offset),
            ErrorKind::Text { .. }
            | ErrorKind::Component { .. }
            | ErrorKind::Usage(_)
            | ErrorKind::Emit(_) => None,
        }
    }
}

/// Returns early with a [`ErrorKind::Malformed`] error: `bail!(offset, "format", args…)`.
#[macro_export]
macro_rules! bail {
    ($offset:expr, $($arg:tt)*) => {
        return Err($crate::Error::malformed($offset, format!($($arg)*)))
    };
}

impl<T: Into<ErrorKind>> From<T> for Error {
    #[cold]
    fn from(kind: T) -> Self {
        Error::new(kind.into())
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_is_one_pointer() {
        assert_eq!(std::mem::size_of::<Error>(), 8);
    }

    #[test]
    fn malformed_shows_offset() {
        let e = Error::malformed(0x1f, "unexpected end");
        assert_eq!(e.to_string(), "unexpected end (at offset 0x1f)");
        assert_eq!(e.offset(), Some(0x1f));
    }

    #[test]
    fn wasmparser_messages_are_one_line() {
        let mut bad = b"\0asm\x01\0\0\0".to_vec();
        bad[3] = b'z';
        let err = Error::from(
            wasmparser::Parser::new(0)
                .parse_all(&bad)
                .next()
                .unwrap()
                .unwrap_err(),
        );
        let msg = err.to_string();
        assert!(!msg.contains('\n'), "{msg}");
        assert!(
            msg.starts_with("magic header not detected") && msg.ends_with("(at offset 0x0)"),
            "{msg}"
        );
    }

    #[test]
    fn func_context_names_the_function() {
        let named = FuncContext {
            index: 3,
            name: Some("main".into()),
        };
        assert_eq!(named.to_string(), "func 3 `main`");
        let unnamed = FuncContext {
            index: 4,
            name: None,
        };
        assert_eq!(unnamed.to_string(), "func 4");
    }
}
