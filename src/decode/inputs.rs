//! Finding the input files: command-line paths, folders walked recursively,
//! standard input, and each file's layout and compression.
//!
//! A path that cannot be read does not stop the run: it becomes an
//! [`Input::Skipped`] entry in its place, reported in order and counted, and
//! the rest is processed (grep's behaviour).

use std::fs::{File, Metadata};
use std::io::{self, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::compressed::{Bzip2, Gzip, Members};
use super::names::path_name;

/// How a file's records are laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// One JSON object per line.
    JsonLines,
    /// The whole file is one document.
    PlainText,
}

/// How a file is compressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    /// Not compressed.
    None,
    /// gzip (`.gz`), including concatenated members.
    Gzip,
    /// zstd (`.zst`).
    Zstd,
    /// bzip2 (`.bz2`, as Wikipedia and Wikidata dumps come), including
    /// concatenated streams (pbzip2's output).
    Bzip2,
}

/// Which file a path or an open file is, whatever name reaches it (hard
/// links, symbolic links, `./a` and `a`): device and inode on Unix, the
/// canonical path elsewhere.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FileId {
    #[cfg(unix)]
    device_inode: (u64, u64),
    #[cfg(not(unix))]
    canonical: PathBuf,
}

impl FileId {
    /// The regular file `path` names (following symbolic links), if it
    /// exists. Devices, FIFOs and folders have none: writing the output and
    /// the rejects to `/dev/null`, or reading and writing one FIFO, destroys
    /// no data.
    pub fn of_path(path: &Path) -> Option<FileId> {
        let metadata = std::fs::metadata(path).ok()?;
        Self::from_metadata(path, &metadata)
    }

    /// The identity of the regular file whose `metadata` (taken through
    /// `path`) this is.
    #[cfg_attr(unix, allow(unused_variables))]
    pub fn from_metadata(path: &Path, metadata: &Metadata) -> Option<FileId> {
        if !metadata.is_file() {
            return None;
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            Some(FileId {
                device_inode: (metadata.dev(), metadata.ino()),
            })
        }
        #[cfg(not(unix))]
        {
            Some(FileId {
                canonical: std::fs::canonicalize(path).ok()?,
            })
        }
    }

    /// The regular file standard input (`which` 0) or standard output
    /// (`which` 1) is redirected from or to, if any: a pipe or a terminal has
    /// no identity that an output path could share.
    #[cfg(unix)]
    pub fn of_standard_stream(which: StandardStream) -> Option<FileId> {
        use std::os::fd::AsFd;
        let fd = match which {
            StandardStream::Input => io::stdin().as_fd().try_clone_to_owned(),
            StandardStream::Output => io::stdout().as_fd().try_clone_to_owned(),
        }
        .ok()?;
        let metadata = File::from(fd).metadata().ok()?;
        Self::from_metadata(Path::new("-"), &metadata)
    }

    /// Elsewhere the identity of a standard stream is not known.
    #[cfg(not(unix))]
    pub fn of_standard_stream(_which: StandardStream) -> Option<FileId> {
        None
    }
}

/// Standard input or standard output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StandardStream {
    /// File descriptor 0.
    Input,
    /// File descriptor 1.
    Output,
}

/// One input: a file or standard input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputFile {
    /// The file, or `None` for standard input.
    pub path: Option<PathBuf>,
    /// The name used in records and messages (`-` for standard input): the
    /// path with bytes that are not UTF-8 escaped (see [`super::names`]).
    pub name: Arc<str>,
    /// How its records are laid out.
    pub layout: Layout,
    /// Whether `--format` gave [`Self::layout`] (`false`: the name
    /// suggested it), so that a file read as plain text only by its name
    /// can be reported when it holds JSON Lines. Code that sets `layout`
    /// itself sets this too, or gets that report.
    pub layout_given: bool,
    /// How it is compressed.
    pub compression: Compression,
    /// Which file it is, when known when the inputs were listed.
    pub id: Option<FileId>,
    /// Its size in bytes on disk, when known when the inputs were listed.
    pub size_bytes: Option<u64>,
}

impl InputFile {
    /// Standard input, read as JSON Lines.
    pub fn stdin() -> InputFile {
        InputFile {
            path: None,
            name: Arc::from("-"),
            layout: Layout::JsonLines,
            layout_given: false,
            compression: Compression::None,
            id: FileId::of_standard_stream(StandardStream::Input),
            size_bytes: None,
        }
    }

    /// A file, with layout and compression taken from its name
    /// (`a.jsonl.gz` is gzip-compressed JSON Lines).
    pub fn from_path(path: &Path) -> InputFile {
        let name = path_name(path);
        let (compression, inner) = if let Some(inner) = name.strip_suffix(".gz") {
            (Compression::Gzip, inner)
        } else if let Some(inner) = name.strip_suffix(".zst") {
            (Compression::Zstd, inner)
        } else if let Some(inner) = name.strip_suffix(".bz2") {
            (Compression::Bzip2, inner)
        } else {
            (Compression::None, name.as_str())
        };
        let layout = if inner.ends_with(".jsonl") || inner.ends_with(".ndjson") {
            Layout::JsonLines
        } else {
            Layout::PlainText
        };
        InputFile {
            path: Some(path.to_path_buf()),
            name: Arc::from(name.as_str()),
            layout,
            layout_given: false,
            compression,
            id: None,
            size_bytes: None,
        }
    }

    /// [`Self::from_path`] for a file whose metadata (following links) is known.
    fn with_metadata(path: &Path, metadata: &Metadata) -> InputFile {
        InputFile {
            id: FileId::from_metadata(path, metadata),
            size_bytes: metadata.is_file().then_some(metadata.len()),
            ..InputFile::from_path(path)
        }
    }

    /// The size on disk, when known (for progress).
    pub fn size(&self) -> Option<u64> {
        self.size_bytes
    }

    /// Opens the input, decompressing as needed: a file as its name says,
    /// standard input as its first bytes say ([`sniff_compression`]).
    pub fn open(&self) -> io::Result<Box<dyn Read + Send>> {
        let (raw, compression): (Box<dyn Read + Send>, Compression) = match &self.path {
            None => {
                let (head, compression) = sniff_compression(&mut io::stdin())?;
                (
                    Box::new(io::Cursor::new(head).chain(io::stdin())),
                    compression,
                )
            }
            Some(path) => (Box::new(File::open(path)?), self.compression),
        };
        Ok(match compression {
            Compression::None => raw,
            Compression::Gzip => Box::new(Members::<Gzip, _>::new(BufReader::new(raw))),
            Compression::Zstd => Box::new(zstd::stream::read::Decoder::new(raw)?),
            Compression::Bzip2 => Box::new(Members::<Bzip2, _>::new(BufReader::new(raw))),
        })
    }
}

/// The first bytes of `reader` and the compression they start: standard
/// input has no name to tell, and `cat dump.jsonl.gz | canon normalize`
/// would otherwise reject every line of the compressed bytes as JSON that
/// is not. The magics (gzip `1f 8b`, zstd `28 b5 2f fd`, bzip2 `BZh1` to
/// `BZh9` then a block's or the end's magic) cannot open JSON Lines: `1f`,
/// `b5` and `8b` are no text a line starts with, and `BZh9` with a bzip2
/// block magic after it is no JSON. Bytes are read only while they may
/// still be the start of a magic (one for most JSON Lines, ten at most),
/// so that a filter fed line by line never waits for more than a line.
pub fn sniff_compression(reader: &mut impl Read) -> io::Result<(Vec<u8>, Compression)> {
    const MAGICS: [&[u8]; 4] = [
        &[0x1f, 0x8b],
        &[0x28, 0xb5, 0x2f, 0xfd],
        b"BZh?1AY&SY",
        &[b'B', b'Z', b'h', b'?', 0x17, 0x72, 0x45, 0x38, 0x50, 0x90],
    ];
    // `?` in a bzip2 magic is its block size, a digit 1 to 9.
    let fits = |magic: &[u8], head: &[u8]| {
        head.iter().zip(magic).enumerate().all(|(at, (&b, &m))| {
            b == m || (at == 3 && m == b'?' && magic[0] == b'B' && (b'1'..=b'9').contains(&b))
        })
    };
    let mut head = Vec::with_capacity(10);
    let mut byte = [0u8; 1];
    while MAGICS
        .iter()
        .any(|magic| head.len() < magic.len() && fits(magic, &head))
    {
        match reader.read(&mut byte) {
            Ok(0) => break,
            Ok(_) => head.push(byte[0]),
            Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
            Err(error) => return Err(error),
        }
    }
    let whole = |magic: &[u8]| head.len() >= magic.len() && fits(magic, &head);
    let compression = if whole(MAGICS[0]) {
        Compression::Gzip
    } else if whole(MAGICS[1]) {
        Compression::Zstd
    } else if whole(MAGICS[2]) || whole(MAGICS[3]) {
        Compression::Bzip2
    } else {
        Compression::None
    };
    Ok((head, compression))
}

/// One entry of the input list: a file to read, or a path that is skipped
/// and why, in the place where it was met.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// A file (or standard input) to read.
    File(InputFile),
    /// A path that is not read.
    Skipped(SkippedPath),
}

/// A path that is not read, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedPath {
    /// The path's name (see [`super::names`]).
    pub name: Arc<str>,
    /// Why it is skipped, for the message `NAME: REASON`.
    pub reason: String,
    /// Whether data was lost (an error) or nothing was there to read.
    pub kind: SkipKind,
}

/// Why a path is skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkipKind {
    /// It could not be read (missing, permission denied, I/O error): its
    /// data is missing from the output, so the run's exit status is 2.
    Unreadable,
    /// A symbolic link back to a folder being walked: its files are read
    /// once, through the ancestor.
    Loop,
    /// A symbolic link whose target does not exist.
    DanglingLink,
    /// Not a regular file (a FIFO, socket or device met while walking a folder).
    NotRegular,
}

impl SkipKind {
    /// Whether the skip loses data (and so makes the run fail).
    pub fn is_error(self) -> bool {
        self == SkipKind::Unreadable
    }
}

impl std::fmt::Display for SkippedPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.name, self.reason)
    }
}

/// Expands command-line arguments into inputs: `-` is standard input,
/// folders are walked recursively in sorted order, following symbolic links
/// (a link back to a folder being walked is skipped), skipping hidden
/// entries. No arguments means standard input. `layout` overrides the layout
/// the names suggest (Spark's `part-00000` shards have no extension).
///
/// Paths that cannot be read are listed as [`Input::Skipped`] where they were
/// met, so that the run reports them in order and processes the rest.
pub fn expand_inputs(arguments: &[PathBuf], layout: Option<Layout>) -> Vec<Input> {
    let mut inputs = Vec::new();
    if arguments.is_empty() {
        inputs.push(Input::File(InputFile::stdin()));
    }
    for argument in arguments {
        if argument.as_os_str() == "-" {
            inputs.push(Input::File(InputFile::stdin()));
            continue;
        }
        match std::fs::metadata(argument) {
            Ok(metadata) if metadata.is_dir() => walk(argument, &mut inputs),
            // A FIFO or /dev/stdin named on the command line is read like a file.
            Ok(metadata) => inputs.push(Input::File(InputFile::with_metadata(argument, &metadata))),
            Err(error) => inputs.push(Input::Skipped(SkippedPath {
                name: Arc::from(path_name(argument)),
                reason: error.to_string(),
                kind: SkipKind::Unreadable,
            })),
        }
    }
    if let Some(layout) = layout {
        for input in &mut inputs {
            if let Input::File(file) = input {
                file.layout = layout;
                file.layout_given = true;
            }
        }
    }
    inputs
}

fn walk(root: &Path, inputs: &mut Vec<Input>) {
    let walker = walkdir::WalkDir::new(root)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        // The root is read even when its own name is hidden (`.`, `.data`).
        .filter_entry(|entry| {
            entry.depth() == 0 || !entry.file_name().as_encoded_bytes().starts_with(b".")
        });
    for entry in walker {
        let skipped = |path: &Path, reason: String, kind| {
            Input::Skipped(SkippedPath {
                name: Arc::from(path_name(path)),
                reason,
                kind,
            })
        };
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                let path = error.path().unwrap_or(root).to_path_buf();
                inputs.push(if let Some(ancestor) = error.loop_ancestor() {
                    skipped(
                        &path,
                        format!(
                            "skipped: symbolic link loop back to {}",
                            path_name(ancestor)
                        ),
                        SkipKind::Loop,
                    )
                } else if error
                    .io_error()
                    .is_some_and(|e| e.kind() == io::ErrorKind::NotFound)
                    && path.symlink_metadata().is_ok_and(|m| m.is_symlink())
                {
                    skipped(
                        &path,
                        "skipped: dangling symbolic link".to_string(),
                        SkipKind::DanglingLink,
                    )
                } else {
                    let reason = match error.io_error() {
                        Some(cause) => cause.to_string(),
                        None => error.to_string(),
                    };
                    skipped(&path, reason, SkipKind::Unreadable)
                });
                continue;
            }
        };
        let file_type = entry.file_type();
        if file_type.is_dir() {
            continue;
        }
        if !file_type.is_file() {
            inputs.push(skipped(
                entry.path(),
                "skipped: not a regular file".to_string(),
                SkipKind::NotRegular,
            ));
            continue;
        }
        inputs.push(match entry.metadata() {
            Ok(metadata) => Input::File(InputFile::with_metadata(entry.path(), &metadata)),
            Err(error) => {
                let reason = match error.io_error() {
                    Some(cause) => cause.to_string(),
                    None => error.to_string(),
                };
                skipped(entry.path(), reason, SkipKind::Unreadable)
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_and_compression_come_from_the_name() {
        let f = InputFile::from_path(Path::new("a/b.jsonl.gz"));
        assert_eq!(
            (f.layout, f.compression),
            (Layout::JsonLines, Compression::Gzip)
        );
        let f = InputFile::from_path(Path::new("b.ndjson"));
        assert_eq!(
            (f.layout, f.compression),
            (Layout::JsonLines, Compression::None)
        );
        let f = InputFile::from_path(Path::new("b.txt.zst"));
        assert_eq!(
            (f.layout, f.compression),
            (Layout::PlainText, Compression::Zstd)
        );
        assert!(!f.layout_given);
        let f = InputFile::from_path(Path::new("enwiki.jsonl.bz2"));
        assert_eq!(
            (f.layout, f.compression),
            (Layout::JsonLines, Compression::Bzip2)
        );
    }

    #[test]
    fn a_layout_given_by_format_is_marked_as_given() {
        let given = |layout| match &expand_inputs(&[PathBuf::from("-")], layout)[..] {
            [Input::File(file)] => (file.layout, file.layout_given),
            other => panic!("{other:?}"),
        };
        assert_eq!(given(None), (Layout::JsonLines, false));
        assert_eq!(given(Some(Layout::PlainText)), (Layout::PlainText, true));
        assert_eq!(given(Some(Layout::JsonLines)), (Layout::JsonLines, true));
    }

    fn files(inputs: &[Input]) -> Vec<String> {
        inputs
            .iter()
            .filter_map(|input| match input {
                Input::File(file) => Some(file.name.to_string()),
                Input::Skipped(_) => None,
            })
            .collect()
    }

    #[test]
    fn a_missing_path_is_listed_in_its_place_among_the_others() {
        let dir = tempfile::tempdir().unwrap();
        let good = dir.path().join("good.txt");
        std::fs::write(&good, "x").unwrap();
        let inputs = expand_inputs(&[dir.path().join("missing.txt"), good.clone()], None);
        assert_eq!(inputs.len(), 2);
        let Input::Skipped(skipped) = &inputs[0] else {
            panic!("{inputs:?}")
        };
        assert_eq!(skipped.kind, SkipKind::Unreadable);
        assert!(skipped.name.ends_with("missing.txt"));
        assert_eq!(files(&inputs), [good.to_str().unwrap()]);
    }

    #[cfg(unix)]
    #[test]
    fn symlinked_folders_are_followed_and_loops_reported() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("root");
        std::fs::create_dir_all(root.join("a")).unwrap();
        std::fs::create_dir_all(dir.path().join("elsewhere")).unwrap();
        std::fs::write(root.join("a/1.txt"), "x").unwrap();
        std::fs::write(dir.path().join("elsewhere/2.txt"), "x").unwrap();
        symlink(dir.path().join("elsewhere"), root.join("b")).unwrap();
        symlink(&root, root.join("a/loop")).unwrap();
        symlink(root.join("nowhere"), root.join("c")).unwrap();
        std::fs::write(root.join(".hidden"), "x").unwrap();
        let inputs = expand_inputs(std::slice::from_ref(&root), None);
        let names: Vec<String> = files(&inputs)
            .iter()
            .map(|n| n.strip_prefix(root.to_str().unwrap()).unwrap().to_string())
            .collect();
        assert_eq!(names, ["/a/1.txt", "/b/2.txt"]);
        let kinds: Vec<SkipKind> = inputs
            .iter()
            .filter_map(|input| match input {
                Input::Skipped(s) => Some(s.kind),
                Input::File(_) => None,
            })
            .collect();
        assert_eq!(kinds, [SkipKind::Loop, SkipKind::DanglingLink]);
    }

    /// A reader that hands over one byte per call, as a pipe may, and
    /// counts what was taken from it.
    struct Trickle<'a>(&'a [u8], usize);

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            match (self.0.get(self.1), buf.first_mut()) {
                (Some(&b), Some(slot)) => {
                    *slot = b;
                    self.1 += 1;
                    Ok(1)
                }
                _ => Ok(0),
            }
        }
    }

    #[test]
    fn compressed_streams_are_told_by_their_first_bytes_and_text_by_one() {
        let bzip2_block = b"BZh91AY&SY\x01\x02";
        let bzip2_empty = [
            b'B', b'Z', b'h', b'5', 0x17, 0x72, 0x45, 0x38, 0x50, 0x90, 0,
        ];
        for (bytes, compression, taken) in [
            (&[0x1f, 0x8b, 8, 0, 0][..], Compression::Gzip, 2),
            (&[0x28, 0xb5, 0x2f, 0xfd, 0][..], Compression::Zstd, 4),
            (&bzip2_block[..], Compression::Bzip2, 10),
            (&bzip2_empty[..], Compression::Bzip2, 10),
            // JSON Lines: one byte tells; a start like a magic's is read on
            // only while it still fits one.
            (b"{\"text\": \"x\"}\n", Compression::None, 1),
            (b"BZh91AY is no record\n", Compression::None, 8),
            (b"BZh0", Compression::None, 4),
            (&[0x1f, 0x8b][..1], Compression::None, 1),
            (b"", Compression::None, 0),
        ] {
            let mut reader = Trickle(bytes, 0);
            let (head, found) = sniff_compression(&mut reader).unwrap();
            assert_eq!(found, compression, "{bytes:?}");
            assert_eq!(head, &bytes[..taken], "{bytes:?}");
            assert_eq!(reader.1, taken, "{bytes:?}");
        }
    }
}
