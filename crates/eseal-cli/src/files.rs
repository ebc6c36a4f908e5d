//! Reading and writing the user's files: bounded reads with the file name in every error, and
//! writes that never overwrite by accident and keep secret keys private.

use std::fs::OpenOptions;
use std::io::{Read as _, Write as _};
use std::path::Path;

use anyhow::{Context as _, bail};

/// Largest file read into memory (64 MiB): more than any key, certificate bundle or CRL, and
/// the library refuses larger inputs anyway.
pub(crate) const MAX_INPUT: u64 = 64 * 1024 * 1024;

/// Reads a whole file of at most [`MAX_INPUT`] bytes.
///
/// Only regular files (symbolic links followed) are read: a FIFO, a device, a socket or a
/// directory is refused before it is opened, since reading one could block forever or never
/// end.
pub(crate) fn read(path: &Path) -> anyhow::Result<Vec<u8>> {
    read_at_most(path, MAX_INPUT)
}

/// Reads a whole file of at most `max` bytes (the cap of `--max-input-size`), as [`read`].
pub(crate) fn read_at_most(path: &Path, max: u64) -> anyhow::Result<Vec<u8>> {
    let meta =
        std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?;
    refuse_special(path, &meta.file_type())?;
    let file =
        std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    // The path may have been replaced between the two calls: check what was opened too.
    let opened = file
        .metadata()
        .with_context(|| format!("cannot read {}", path.display()))?;
    refuse_special(path, &opened.file_type())?;
    let mut data = Vec::new();
    file.take(max.saturating_add(1))
        .read_to_end(&mut data)
        .with_context(|| format!("cannot read {}", path.display()))?;
    if data.len() as u64 > max {
        if max == MAX_INPUT {
            bail!(
                "{} is larger than {} MiB",
                path.display(),
                MAX_INPUT / (1024 * 1024)
            );
        }
        return Err(eseal::Error::new(
            eseal::ErrorCode::LimitExceeded,
            format!("{} is larger than the limit of {max} bytes", path.display()),
        )
        .into());
    }
    Ok(data)
}

/// Refuses anything but a regular file, naming what it is.
fn refuse_special(path: &Path, kind: &std::fs::FileType) -> anyhow::Result<()> {
    if kind.is_file() {
        return Ok(());
    }
    let what = if kind.is_dir() {
        "a directory"
    } else {
        special_kind(kind)
    };
    bail!(
        "cannot read {}: it is {what}, not a regular file (eseal reads inputs from regular \
         files only)",
        path.display()
    )
}

#[cfg(unix)]
fn special_kind(kind: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt as _;
    if kind.is_fifo() {
        "a FIFO (named pipe)"
    } else if kind.is_char_device() {
        "a character device"
    } else if kind.is_block_device() {
        "a block device"
    } else if kind.is_socket() {
        "a socket"
    } else {
        "a special file"
    }
}

#[cfg(not(unix))]
fn special_kind(_kind: &std::fs::FileType) -> &'static str {
    "a special file"
}

/// Whether a written file holds a secret (then it is created with mode 0600 on Unix).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Secrecy {
    /// Certificates, public keys.
    Public,
    /// Private keys, even encrypted ones.
    Secret,
}

/// Writes `data` to `path`, refusing to replace an existing file unless `force`.
pub(crate) fn write(path: &Path, data: &[u8], force: bool, secrecy: Secrecy) -> anyhow::Result<()> {
    let mut options = OpenOptions::new();
    options.write(true);
    if force {
        options.create(true).truncate(true);
    } else {
        options.create_new(true);
    }
    #[cfg(unix)]
    if secrecy == Secrecy::Secret {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            anyhow::anyhow!(
                "{} already exists (use --force to replace it)",
                path.display()
            )
        } else {
            anyhow::anyhow!("cannot write {}: {e}", path.display())
        }
    })?;
    // An existing file keeps its mode when truncated: tighten it for a secret.
    #[cfg(unix)]
    if secrecy == Secrecy::Secret {
        use std::os::unix::fs::PermissionsExt as _;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))
            .with_context(|| format!("cannot restrict the permissions of {}", path.display()))?;
    }
    file.write_all(data)
        .and_then(|()| file.sync_all())
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

/// Creates `path` for writing a public file bit by bit (a streamed report), refusing to replace
/// an existing file unless `force`.
pub(crate) fn create(path: &Path, force: bool) -> anyhow::Result<std::fs::File> {
    let mut options = OpenOptions::new();
    options.write(true);
    if force {
        options.create(true).truncate(true);
    } else {
        options.create_new(true);
    }
    options.open(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            anyhow::anyhow!(
                "{} already exists (use --force to replace it)",
                path.display()
            )
        } else {
            anyhow::anyhow!("cannot write {}: {e}", path.display())
        }
    })
}
