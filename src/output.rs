//! Output files that never destroy or fake data.
//!
//! * An output that is also an input (the same file by device and inode,
//!   whatever path, link or folder walk reaches it), or `-o` and `--rejects`
//!   naming one file, is refused before anything is opened for writing
//!   ([`check_outputs`]).
//! * A regular file (or a name that does not exist yet) is written to a
//!   temporary file beside it and renamed into place only when everything
//!   succeeded: the run, the compressor's finish, the flush and the fsync
//!   ([`commit`]). Until then the old file, if any, is untouched; on failure
//!   the temporary file is removed, and so it is on SIGINT, SIGTERM and
//!   SIGHUP ([`remove_temporary_files_on_signals`]), after which canon dies
//!   by the same signal (a shell shows status 130, 143 or 129). A write
//!   past the file size limit fails as an error and not by SIGXFSZ
//!   ([`fail_writes_past_file_size_limit`]), so it too leaves nothing.
//! * Anything else (`/dev/stdout`, a FIFO, `/dev/full`) is written directly,
//!   and every write, flush and finish error is an error.
//!
//! `.gz` and `.zst` names are compressed (gzip level 6, zstd level 3).

use std::fs::{File, Permissions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::decode::{FileId, Input, InputFile, StandardStream, path_name};
use crate::{Error, Result};

/// An output being written: call [`commit`] when the run succeeded; dropping
/// it instead removes its temporary file.
pub struct Output {
    /// The path as given, for messages.
    path: PathBuf,
    sink: Sink,
    target: Target,
}

enum Sink {
    Plain(BufWriter<File>),
    Gzip(flate2::write::GzEncoder<BufWriter<File>>),
    Zstd(zstd::stream::write::Encoder<'static, BufWriter<File>>),
    Bzip2(bzip2::write::BzEncoder<BufWriter<File>>),
}

enum Target {
    /// Written beside `destination`, renamed into place by [`commit`].
    Replace {
        temporary: Registered,
        destination: PathBuf,
        /// The mode of the file being replaced, kept for the new one.
        permissions: Option<Permissions>,
    },
    /// Written directly (not a regular file).
    Direct,
}

impl Output {
    /// Opens `path` for writing as described in the module docs.
    pub fn create(path: &Path) -> Result<Output> {
        let io_error = |cause| Error::CreateOutput {
            path: path.to_path_buf(),
            cause,
        };
        let existing = std::fs::metadata(path).ok();
        if existing.as_ref().is_some_and(|m| m.is_dir()) {
            return Err(io_error(io::Error::new(
                io::ErrorKind::IsADirectory,
                "is a folder",
            )));
        }
        let (file, target) = match existing {
            Some(metadata) if !metadata.is_file() => (
                File::options()
                    .write(true)
                    .truncate(true)
                    .open(path)
                    .map_err(io_error)?,
                Target::Direct,
            ),
            existing => {
                // A link is followed, so that the file it points to is
                // replaced and the link kept.
                let destination = match &existing {
                    Some(_) => std::fs::canonicalize(path).map_err(io_error)?,
                    None => path.to_path_buf(),
                };
                let folder = match destination.parent() {
                    Some(parent) if !parent.as_os_str().is_empty() => parent,
                    _ => Path::new("."),
                };
                // Said plainly here rather than through the temporary name.
                std::fs::metadata(folder).map_err(io_error)?;
                let name = destination
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let prefix = format!(".{name}.");
                let mut builder = tempfile::Builder::new();
                builder.prefix(&prefix).suffix(".canon-tmp");
                // What a newly created file gets (0666 less the umask), not
                // tempfile's private 0600.
                #[cfg(unix)]
                {
                    use std::os::unix::fs::PermissionsExt;
                    builder.permissions(Permissions::from_mode(0o666));
                }
                let temporary = builder.tempfile_in(folder).map_err(io_error)?;
                let (file, temporary) = temporary.into_parts();
                let temporary = Registered::new(temporary);
                (
                    file,
                    Target::Replace {
                        temporary,
                        destination,
                        permissions: existing.map(|m| m.permissions()),
                    },
                )
            }
        };
        let buffered = BufWriter::with_capacity(1 << 16, file);
        let name = path.as_os_str().as_encoded_bytes();
        let sink = if name.ends_with(b".gz") {
            Sink::Gzip(flate2::write::GzEncoder::new(
                buffered,
                flate2::Compression::default(),
            ))
        } else if name.ends_with(b".zst") {
            Sink::Zstd(zstd::stream::write::Encoder::new(buffered, 3).map_err(io_error)?)
        } else if name.ends_with(b".bz2") {
            Sink::Bzip2(bzip2::write::BzEncoder::new(
                buffered,
                bzip2::Compression::default(),
            ))
        } else {
            Sink::Plain(buffered)
        };
        Ok(Output {
            path: path.to_path_buf(),
            sink,
            target,
        })
    }

    /// The path as given.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Finishes the compressed stream, flushes and (for a file that will
    /// be renamed) syncs it to disk; the rename is left to [`commit`].
    fn finish(self) -> Result<Finished> {
        let io_error = |cause| Error::Io {
            path: self.path.clone(),
            cause,
        };
        let buffered = match self.sink {
            Sink::Plain(buffered) => buffered,
            Sink::Gzip(encoder) => encoder.finish().map_err(io_error)?,
            Sink::Zstd(encoder) => encoder.finish().map_err(io_error)?,
            Sink::Bzip2(encoder) => encoder.finish().map_err(io_error)?,
        };
        let file = buffered
            .into_inner()
            .map_err(|error| io_error(error.into_error()))?;
        if let Target::Replace { permissions, .. } = &self.target {
            if let Some(permissions) = permissions {
                file.set_permissions(permissions.clone())
                    .map_err(io_error)?;
            }
            file.sync_all().map_err(io_error)?;
        }
        Ok(Finished {
            path: self.path,
            target: self.target,
        })
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.sink {
            Sink::Plain(w) => w.write(buf),
            Sink::Gzip(w) => w.write(buf),
            Sink::Zstd(w) => w.write(buf),
            Sink::Bzip2(w) => w.write(buf),
        }
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match &mut self.sink {
            Sink::Plain(w) => w.write_all(buf),
            Sink::Gzip(w) => w.write_all(buf),
            Sink::Zstd(w) => w.write_all(buf),
            Sink::Bzip2(w) => w.write_all(buf),
        }
    }

    /// Flushes an output written directly (a FIFO's reader sees each batch);
    /// a file written beside its name is complete only at [`commit`], so
    /// flushing it would only cost syscalls and, compressed, ratio.
    fn flush(&mut self) -> io::Result<()> {
        if matches!(self.target, Target::Replace { .. }) {
            return Ok(());
        }
        match &mut self.sink {
            Sink::Plain(w) => w.flush(),
            Sink::Gzip(w) => w.flush(),
            Sink::Zstd(w) => w.flush(),
            Sink::Bzip2(w) => w.flush(),
        }
    }
}

/// A temporary file that the signal handler knows about; dropping it
/// removes the file.
struct Registered(Option<tempfile::TempPath>);

impl Registered {
    fn new(path: tempfile::TempPath) -> Registered {
        PENDING
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(path.to_path_buf());
        Registered(Some(path))
    }

    /// The path, no longer known to the signal handler (`pending` is its
    /// list, locked by the caller).
    fn into_path(mut self, pending: &mut Vec<PathBuf>) -> tempfile::TempPath {
        let path = self.0.take().expect("a registered path");
        pending.retain(|p| p != &*path);
        path
    }
}

impl Drop for Registered {
    fn drop(&mut self) {
        if let Some(path) = self.0.take() {
            let copy = path.to_path_buf();
            // Removed before it is forgotten, so that a signal in between
            // finds nothing to remove rather than misses a file.
            let _ = path.close();
            PENDING
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .retain(|p| p != &copy);
        }
    }
}

struct Finished {
    path: PathBuf,
    target: Target,
}

/// Finishes every output and, only when all of them finished, renames each
/// into place; on any error none is renamed and every temporary file is
/// removed.
pub fn commit(outputs: Vec<Output>) -> Result<()> {
    let mut finished = Vec::with_capacity(outputs.len());
    let mut outputs = outputs.into_iter();
    for output in outputs.by_ref() {
        finished.push(output.finish()?);
    }
    // A signal now waits until the renames are done, so that outputs are
    // all in place or none is.
    let mut pending = PENDING.lock().unwrap_or_else(|e| e.into_inner());
    for done in finished {
        let Target::Replace {
            temporary,
            destination,
            ..
        } = done.target
        else {
            continue;
        };
        temporary
            .into_path(&mut pending)
            .persist(&destination)
            .map_err(|error| Error::Io {
                path: done.path.clone(),
                cause: error.error,
            })?;
        sync_folder(&destination);
    }
    Ok(())
}

/// Makes a rename durable: the folder's entry is synced too (best effort:
/// some file systems refuse to sync folders).
fn sync_folder(path: &Path) {
    #[cfg(unix)]
    if let Some(folder) = path.parent() {
        let folder = if folder.as_os_str().is_empty() {
            Path::new(".")
        } else {
            folder
        };
        if let Ok(folder) = File::open(folder) {
            let _ = folder.sync_all();
        }
    }
    #[cfg(not(unix))]
    let _ = path;
}

/// Temporary files to remove when a signal ends the process.
static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// From now on, SIGINT, SIGTERM and SIGHUP remove the temporary files of
/// unfinished outputs, then end the process by the same signal. Installed
/// once per process; on other systems than Unix, nothing is installed.
pub fn remove_temporary_files_on_signals() -> Result<()> {
    #[cfg(unix)]
    {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        static INSTALLED: std::sync::OnceLock<()> = std::sync::OnceLock::new();
        if INSTALLED.get().is_some() {
            return Ok(());
        }
        let mut signals =
            signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]).map_err(|cause| {
                Error::Io {
                    path: PathBuf::from("signal handler"),
                    cause,
                }
            })?;
        let _ = INSTALLED.set(());
        std::thread::spawn(move || {
            if let Some(signal) = signals.forever().next() {
                // Held until the process ends: no rename starts after this.
                let pending = PENDING.lock().unwrap_or_else(|e| e.into_inner());
                for path in pending.iter() {
                    let _ = std::fs::remove_file(path);
                }
                let _ = signal_hook::low_level::emulate_default_handler(signal);
                std::process::exit(128 + signal);
            }
        });
    }
    Ok(())
}

/// Makes a write past the process's file size limit (`ulimit -f`, or the
/// one a batch scheduler sets) fail with an error ("File too large")
/// instead of letting SIGXFSZ end canon on the spot, which would leave the
/// temporary file of an output behind and say nothing: the run then fails
/// as on any write error, with its temporary files removed, the reason
/// printed and exit status 2. A caught signal (here a flag nobody reads)
/// is what makes the kernel return the error rather than kill. Installed
/// once per process; on other systems than Unix, nothing is installed.
pub fn fail_writes_past_file_size_limit() -> Result<()> {
    #[cfg(unix)]
    {
        use std::sync::Arc;
        use std::sync::atomic::AtomicBool;
        static INSTALLED: std::sync::OnceLock<()> = std::sync::OnceLock::new();
        if INSTALLED.get().is_some() {
            return Ok(());
        }
        signal_hook::flag::register(
            signal_hook::consts::SIGXFSZ,
            Arc::new(AtomicBool::new(false)),
        )
        .map_err(|cause| Error::Io {
            path: PathBuf::from("signal handler"),
            cause,
        })?;
        let _ = INSTALLED.set(());
    }
    Ok(())
}

/// The suffix of `path`, as written, when it names a compression that canon
/// does not write and would otherwise write plain text under: `.xz`,
/// `.lzma`, `.lz4`, `.lz`, `.br`, `.sz`, `.Z`, `.zip`, `.7z`, `.tgz`,
/// `.tbz2`, `.gzip`, `.zstd`, in any case, and `.gz`, `.zst`, `.bz2` in
/// another case than these (`.GZ` would be written plain: the name decides
/// by its exact bytes, as for inputs).
fn unsupported_compression(path: &Path) -> Option<&str> {
    const SUFFIXES: [&str; 16] = [
        ".xz", ".lzma", ".lz4", ".lz", ".br", ".sz", ".z", ".zip", ".7z", ".tgz", ".tbz2", ".gzip",
        ".zstd", ".gz", ".zst", ".bz2",
    ];
    const WRITTEN: [&str; 3] = [".gz", ".zst", ".bz2"];
    let name = path.file_name()?.to_str()?;
    let suffix = SUFFIXES.into_iter().find_map(|suffix| {
        let at = name.len().checked_sub(suffix.len()).filter(|&at| at > 0)?;
        let written = name.get(at..)?;
        written.eq_ignore_ascii_case(suffix).then_some(written)
    })?;
    (!WRITTEN.contains(&suffix)).then_some(suffix)
}

/// Refuses outputs that would overwrite an input, or each other, or are
/// named for a compression canon does not write, before anything is
/// written. `outputs` are the `-o` and `--rejects` paths; `to_stdout` says
/// whether records go to standard output (which may be redirected to an
/// input file).
pub fn check_outputs(inputs: &[Input], outputs: &[&Path], to_stdout: bool) -> Result<()> {
    for &output in outputs {
        if let Some(suffix) = unsupported_compression(output) {
            return Err(Error::UnsupportedCompression {
                output: path_name(output),
                suffix: suffix.to_owned(),
            });
        }
    }
    let files: Vec<&InputFile> = inputs
        .iter()
        .filter_map(|input| match input {
            Input::File(file) => Some(file),
            Input::Skipped(_) => None,
        })
        .collect();
    let input_of = |id: &FileId| files.iter().find(|i| i.id.as_ref() == Some(id));
    let mut seen: Vec<(FileId, &Path)> = Vec::new();
    for &output in outputs {
        let Some(id) = FileId::of_path(output) else {
            continue;
        };
        if let Some(input) = input_of(&id) {
            return Err(Error::OutputIsInput {
                output: path_name(output),
                input: input.name.to_string(),
            });
        }
        if let Some((_, first)) = seen.iter().find(|(seen, _)| *seen == id) {
            return Err(Error::SameOutputs {
                first: path_name(first),
                second: path_name(output),
            });
        }
        seen.push((id, output));
    }
    // Outputs that do not exist yet can still name the same new file.
    for (i, &a) in outputs.iter().enumerate() {
        for &b in &outputs[i + 1..] {
            if !a.exists() && same_new_path(a, b) {
                return Err(Error::SameOutputs {
                    first: path_name(a),
                    second: path_name(b),
                });
            }
        }
    }
    if to_stdout
        && let Some(id) = FileId::of_standard_stream(StandardStream::Output)
        && let Some(input) = input_of(&id)
    {
        return Err(Error::OutputIsInput {
            output: "standard output".to_string(),
            input: input.name.to_string(),
        });
    }
    Ok(())
}

/// Whether two paths of files that do not exist yet name the same file:
/// the same name in the same folder.
fn same_new_path(a: &Path, b: &Path) -> bool {
    let folder = |p: &Path| {
        let parent = match p.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        };
        std::fs::canonicalize(parent).ok()
    };
    a.file_name() == b.file_name() && folder(a).is_some() && folder(a) == folder(b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn leftovers(folder: &Path) -> Vec<String> {
        std::fs::read_dir(folder)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".canon-tmp"))
            .collect()
    }

    #[test]
    fn an_output_appears_only_when_committed() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["out.jsonl", "out.jsonl.gz", "out.jsonl.zst"] {
            let path = dir.path().join(name);
            let mut output = Output::create(&path).unwrap();
            output.write_all(b"{\"a\":1}\n").unwrap();
            assert!(!path.exists(), "{name} appears before the commit");
            commit(vec![output]).unwrap();
            let file = File::open(&path).unwrap();
            let mut written = Vec::new();
            match name.rsplit('.').next() {
                Some("gz") => flate2::read::MultiGzDecoder::new(file)
                    .read_to_end(&mut written)
                    .unwrap(),
                Some("zst") => zstd::Decoder::new(file)
                    .unwrap()
                    .read_to_end(&mut written)
                    .unwrap(),
                _ => BufReader::new(file).read_to_end(&mut written).unwrap(),
            };
            assert_eq!(written, b"{\"a\":1}\n");
        }
        assert_eq!(leftovers(dir.path()), Vec::<String>::new());
    }

    use std::io::BufReader;

    #[test]
    fn a_dropped_output_leaves_the_old_file_and_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.jsonl");
        std::fs::write(&path, "old").unwrap();
        let mut output = Output::create(&path).unwrap();
        output.write_all(b"new").unwrap();
        assert_eq!(leftovers(dir.path()).len(), 1);
        drop(output);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old");
        assert_eq!(leftovers(dir.path()), Vec::<String>::new());
    }

    #[cfg(unix)]
    #[test]
    fn a_replaced_file_keeps_its_mode_and_a_link_stays_a_link() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("target.jsonl");
        std::fs::write(&target, "old").unwrap();
        std::fs::set_permissions(&target, Permissions::from_mode(0o640)).unwrap();
        let link = dir.path().join("link.jsonl");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let mut output = Output::create(&link).unwrap();
        output.write_all(b"new").unwrap();
        commit(vec![output]).unwrap();
        assert!(link.symlink_metadata().unwrap().is_symlink());
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "new");
        let mode = target.metadata().unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o640);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_full_device_is_an_error_at_the_latest_when_finishing() {
        let mut output = Output::create(Path::new("/dev/full")).unwrap();
        let written = output.write_all(&[b'x'; 1 << 17]);
        let finished = written
            .map_err(|e| e.to_string())
            .and_then(|()| commit(vec![output]).map_err(|e| e.to_string()));
        assert!(finished.unwrap_err().contains("No space left"));
    }

    #[test]
    fn outputs_naming_one_new_file_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("new.jsonl");
        let b = dir.path().join(".").join("new.jsonl");
        assert!(matches!(
            check_outputs(&[], &[&a, &b], false),
            Err(Error::SameOutputs { .. })
        ));
        let c = dir.path().join("other.jsonl");
        assert!(check_outputs(&[], &[&a, &c], false).is_ok());
    }
}
