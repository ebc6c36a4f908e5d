//! The exit codes of `eseal`, the same for every command (documented in `docs/cli.md`).

use eseal::verify::Status;

/// The exit status when stdout is a pipe closed before everything was written (`eseal verify …
/// | head -1`): 128 + SIGPIPE, what a shell reports for a Unix tool that signal ended. Rust
/// ignores SIGPIPE, so eseal sees the error and chooses this status itself.
pub(crate) const CLOSED_PIPE: i32 = 141;

/// How `eseal` ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Exit {
    /// 0: the command succeeded; for a verifying command, everything checked is valid.
    Valid,
    /// 1: verification found the object invalid (a bad signature, altered data).
    Invalid,
    /// 2: verification could not decide (expired, untrusted, revoked or unknown status).
    Indeterminate,
    /// 3: bad usage, or an input that could not be read (missing file, wrong password,
    /// unreadable format).
    Usage,
}

impl Exit {
    /// The process exit code.
    pub(crate) fn code(self) -> i32 {
        match self {
            Self::Valid => 0,
            Self::Invalid => 1,
            Self::Indeterminate => 2,
            Self::Usage => 3,
        }
    }

    /// The exit of a verification with this verdict.
    pub(crate) fn from_status(status: Status) -> Self {
        match status {
            Status::Valid => Self::Valid,
            Status::Invalid => Self::Invalid,
            _ => Self::Indeterminate,
        }
    }
}
