//! What `eseal` prints: human text (colour only on a terminal, never when `NO_COLOR` is set or
//! stdout is piped) or JSON (`--json`), and error lines that stay on one line.

use std::io::{IsTerminal as _, Write as _};

use eseal::verify::Status;

/// Human output styling, decided once per run.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Style {
    color: bool,
}

impl Style {
    /// Colour when stdout is a terminal and `NO_COLOR` is unset or empty (no-color.org).
    pub(crate) fn detect() -> Self {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Self {
            color: !no_color && std::io::stdout().is_terminal(),
        }
    }

    fn paint(self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }

    /// Green: a passed check or a valid result.
    pub(crate) fn good(self, text: &str) -> String {
        self.paint("1;32", text)
    }

    /// Red: a failed check or an invalid result.
    pub(crate) fn bad(self, text: &str) -> String {
        self.paint("1;31", text)
    }

    /// Yellow: indeterminate results, relaxations, warnings.
    pub(crate) fn warn(self, text: &str) -> String {
        self.paint("1;33", text)
    }

    /// Bold: headings.
    pub(crate) fn bold(self, text: &str) -> String {
        self.paint("1", text)
    }

    /// The verdict word, coloured by its meaning.
    pub(crate) fn status(self, status: Status) -> String {
        let word = status.as_str().to_uppercase();
        match status {
            Status::Valid => self.good(&word),
            Status::Invalid => self.bad(&word),
            _ => self.warn(&word),
        }
    }
}

/// Prints `label: value` with the labels aligned in one column.
pub(crate) fn field(label: &str, value: impl std::fmt::Display) {
    println!("{:<22}{value}", format!("{label}:"));
}

/// Prints a JSON document on stdout, pretty, with a final newline.
pub(crate) fn json(value: &serde_json::Value) -> anyhow::Result<()> {
    let text = serde_json::to_string_pretty(value)?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{text}")?;
    Ok(())
}

/// Lower-case hex.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Folds a message onto one line (error messages must not spill over several).
/// ` [error N: name]` for the library's stable error code, or nothing: appended to error
/// messages so scripts can tell a malformed file from a wrong password or an exceeded limit
/// without parsing the text (docs/error-codes.md).
pub(crate) fn code_suffix(code: Option<eseal::ErrorCode>) -> String {
    code.map(|c| format!(" [error {}: {}]", c.as_u32(), c.name()))
        .unwrap_or_default()
}

pub(crate) fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether a panic message is the standard library's "failed printing to stdout" for a closed
/// pipe (EPIPE is os error 32 on Linux and macOS; Windows says 232, "the pipe is being closed").
pub(crate) fn is_closed_output_panic(message: &str) -> bool {
    message.starts_with("failed printing to stdout")
        && ["os error 32)", "os error 232)", "Broken pipe"]
            .iter()
            .any(|m| message.contains(m))
}

/// Whether an error comes from writing to a closed pipe.
pub(crate) fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
