//! Errors and the exit codes they map to.
//!
//! Bad input (exit 2) always says where it came from — the file and line, or the `--set`
//! argument — and which dotted key, so the user knows what to change.

use std::fmt;
use std::path::PathBuf;

/// Where a bad value came from.
#[derive(Clone, Debug, PartialEq)]
pub enum Origin {
    /// A scenario file, at a line when one is known.
    File { path: PathBuf, line: Option<usize> },
    /// A `--set KEY=VALUE` argument, as given.
    Set(String),
    /// Another command-line argument.
    Argument(String),
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::File {
                path,
                line: Some(line),
            } => write!(f, "{}:{line}", path.display()),
            Origin::File { path, line: None } => write!(f, "{}", path.display()),
            Origin::Set(arg) => write!(f, "--set {arg}"),
            Origin::Argument(arg) => write!(f, "{arg}"),
        }
    }
}

/// One problem with the input.
#[derive(Clone, Debug, PartialEq)]
pub struct InputProblem {
    pub origin: Origin,
    /// The dotted scenario key at fault, when there is one.
    pub key: Option<String>,
    pub message: String,
}

impl fmt::Display for InputProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.origin)?;
        if let Some(key) = &self.key {
            write!(f, "key `{key}`: ")?;
        }
        write!(f, "{}", self.message)
    }
}

/// Bad input: one or more problems, all reported at once.
#[derive(Clone, Debug, PartialEq)]
pub struct InputError(pub Vec<InputProblem>);

impl From<InputProblem> for InputError {
    fn from(problem: InputProblem) -> Self {
        InputError(vec![problem])
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, problem) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{problem}")?;
        }
        Ok(())
    }
}

impl std::error::Error for InputError {}

/// Everything that can stop a command.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Input(#[from] InputError),
    #[error("cannot write {}: {source}", path.display())]
    Output {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A plot could not be drawn (a defect: the data are checked before drawing).
    #[error("cannot draw the {figure} plot: {message}")]
    Draw { figure: String, message: String },
}

impl Error {
    /// Exit code of the contract: 2 for bad input; 3 when outputs cannot be written
    /// (1 is kept for a failed validation).
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Input(_) => 2,
            Error::Output { .. } | Error::Draw { .. } => 3,
        }
    }
}

impl Error {
    /// Bad input found in a file (or directory) as a whole, at no particular line.
    pub fn in_file(path: &std::path::Path, message: impl Into<String>) -> Error {
        InputProblem {
            origin: Origin::File {
                path: path.to_path_buf(),
                line: None,
            },
            key: None,
            message: message.into(),
        }
        .into()
    }
}

impl From<InputProblem> for Error {
    fn from(problem: InputProblem) -> Self {
        Error::Input(problem.into())
    }
}
