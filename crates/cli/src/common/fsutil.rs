//! Output files that are either complete or absent.
//!
//! Every tool writes to a temporary file beside the target, fsyncs it and
//! renames it over the target, so a failure (or a kill) never leaves a
//! half-written keystore, jar or APK, and a failed command leaves the old
//! file untouched.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

/// A temporary file that becomes `target` on [`AtomicFile::commit`] and is
/// removed if dropped uncommitted.
#[derive(Debug)]
pub struct AtomicFile {
    target: PathBuf,
    temp: PathBuf,
    file: Option<File>,
}

impl AtomicFile {
    /// Creates the temporary file beside `target`, with `mode` (Unix
    /// permissions) when given, otherwise the default (0666 & umask).
    ///
    /// # Errors
    /// The directory is not writable.
    pub fn create(target: &Path, mode: Option<u32>) -> io::Result<Self> {
        let dir = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let mut attempt = 0u32;
        loop {
            let temp = dir.join(format!(".{name}.signkit-{}-{attempt}.tmp", std::process::id()));
            let mut opts = OpenOptions::new();
            opts.write(true).create_new(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt as _;
                opts.mode(mode.unwrap_or(0o666));
            }
            #[cfg(not(unix))]
            let _ = mode;
            match opts.open(&temp) {
                Ok(file) => return Ok(Self { target: target.to_path_buf(), temp, file: Some(file) }),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists && attempt < 100 => attempt += 1,
                Err(e) => return Err(e),
            }
        }
    }

    /// The open temporary file, to write the content into.
    ///
    /// # Panics
    /// Never: the file is present until `commit` consumes `self`.
    pub fn file(&mut self) -> &mut File {
        self.file.as_mut().unwrap_or_else(|| unreachable!("file is taken only by commit"))
    }

    /// Flushes, fsyncs and renames the temporary file over the target.
    ///
    /// # Errors
    /// Any I/O error; the target is then unchanged and the temporary file removed.
    pub fn commit(mut self) -> io::Result<()> {
        let file = self.file.take().unwrap_or_else(|| unreachable!("commit consumes self"));
        let result = (|| {
            let mut file = file;
            file.flush()?;
            file.sync_all()?;
            drop(file);
            fs::rename(&self.temp, &self.target)?;
            // Persist the rename itself.
            if let Some(dir) = self.target.parent().filter(|p| !p.as_os_str().is_empty())
                && let Ok(d) = File::open(dir)
            {
                let _ = d.sync_all();
            }
            Ok(())
        })();
        if result.is_err() {
            let _ = fs::remove_file(&self.temp);
        }
        result
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if self.file.take().is_some() {
            let _ = fs::remove_file(&self.temp);
        }
    }
}

/// Writes `bytes` to `target` atomically.
///
/// # Errors
/// Any I/O error; the target is then unchanged.
pub fn write_atomic(target: &Path, bytes: &[u8], mode: Option<u32>) -> io::Result<()> {
    let mut f = AtomicFile::create(target, mode)?;
    f.file().write_all(bytes)?;
    f.commit()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commit_and_abandon() {
        let dir = std::env::temp_dir().join(format!("signkit-atomic-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let target = dir.join("out.bin");
        fs::write(&target, b"old").unwrap();

        let mut f = AtomicFile::create(&target, None).unwrap();
        f.file().write_all(b"half").unwrap();
        drop(f);
        assert_eq!(fs::read(&target).unwrap(), b"old");
        assert_eq!(fs::read_dir(&dir).unwrap().count(), 1, "temporary file left behind");

        write_atomic(&target, b"new", Some(0o600)).unwrap();
        assert_eq!(fs::read(&target).unwrap(), b"new");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            assert_eq!(fs::metadata(&target).unwrap().permissions().mode() & 0o777, 0o600);
        }
        fs::remove_dir_all(&dir).unwrap();
    }
}
