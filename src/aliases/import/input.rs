//! Opening an import's input: a file or standard input, decompressed by what
//! its first bytes say (gzip, bzip2 or zstd; `latest-all.json.bz2` as
//! Wikidata publishes it, concatenated streams included, zero padding
//! between and after gzip or bzip2 members skipped:
//! `crate::decode::compressed`), with the raw bytes read counted on the
//! progress bar.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;

use crate::decode::compressed::{Bzip2, Gzip, MemberFormat, Members};
use crate::progress::Progress;
use crate::{Error, Result};

/// Reads through to `inner`, advancing `progress` by the bytes read.
struct Counting<'p, R> {
    inner: R,
    progress: Option<&'p dyn Progress>,
}

impl<R: Read> Read for Counting<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(progress) = self.progress {
            progress.inc(n as u64);
        }
        Ok(n)
    }
}

/// The decompressed bytes of `path` (`-` is standard input). Sets the
/// progress bar's length to the file's size when it has one.
pub(super) fn open<'p>(
    path: &Path,
    progress: Option<&'p dyn Progress>,
) -> Result<Box<dyn BufRead + 'p>> {
    let io_error = |cause| Error::Io {
        path: path.to_path_buf(),
        cause,
    };
    let raw: Box<dyn Read> = if path == Path::new("-") {
        Box::new(io::stdin())
    } else {
        let file = File::open(path).map_err(io_error)?;
        if let (Some(progress), Ok(metadata)) = (progress, file.metadata())
            && metadata.is_file()
        {
            progress.set_length(metadata.len());
        }
        Box::new(file)
    };
    let mut raw = BufReader::with_capacity(
        1 << 16,
        Counting {
            inner: raw,
            progress,
        },
    );
    let magic = raw.fill_buf().map_err(io_error)?;
    Ok(if magic.starts_with(Gzip::MAGIC) {
        Box::new(BufReader::with_capacity(
            1 << 16,
            Members::<Gzip, _>::new(raw),
        ))
    } else if magic.starts_with(Bzip2::MAGIC) {
        Box::new(BufReader::with_capacity(
            1 << 16,
            Members::<Bzip2, _>::new(raw),
        ))
    } else if magic.starts_with(&[0x28, 0xB5, 0x2F, 0xFD]) {
        Box::new(BufReader::with_capacity(
            1 << 16,
            zstd::stream::read::Decoder::with_buffer(raw).map_err(io_error)?,
        ))
    } else {
        Box::new(raw)
    })
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::sync::atomic::{AtomicU64, Ordering};

    use super::*;

    fn read_all(path: &Path) -> String {
        let mut text = String::new();
        open(path, None).unwrap().read_to_string(&mut text).unwrap();
        text
    }

    #[test]
    fn compressed_inputs_are_recognised_by_their_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let text = "[\n{\"id\":\"Q1\"}\n]\n";
        let plain = dir.path().join("a.json");
        std::fs::write(&plain, text).unwrap();
        let gz = dir.path().join("a.gz");
        let mut encoder = flate2::write::GzEncoder::new(
            File::create(&gz).unwrap(),
            flate2::Compression::default(),
        );
        encoder.write_all(text.as_bytes()).unwrap();
        encoder.finish().unwrap();
        // Two bzip2 streams one after the other, as parallel compressors write them.
        let bz2 = dir.path().join("a.bz2");
        let mut bytes = Vec::new();
        for part in [&text[..5], &text[5..]] {
            let mut encoder =
                bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::default());
            encoder.write_all(part.as_bytes()).unwrap();
            bytes.extend(encoder.finish().unwrap());
        }
        // Zero padding after the last stream (a tar block) is skipped.
        bytes.extend([0u8; 512]);
        std::fs::write(&bz2, bytes).unwrap();
        let zst = dir.path().join("a.zst");
        std::fs::write(&zst, zstd::encode_all(text.as_bytes(), 3).unwrap()).unwrap();
        for path in [&plain, &gz, &bz2, &zst] {
            assert_eq!(read_all(path), text, "{}", path.display());
        }
    }

    #[test]
    fn progress_counts_raw_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.csv");
        std::fs::write(&path, "x".repeat(100_000)).unwrap();
        #[derive(Default)]
        struct Counted {
            length: AtomicU64,
            position: AtomicU64,
        }
        impl Progress for Counted {
            fn set_length(&self, bytes: u64) {
                self.length.store(bytes, Ordering::Relaxed);
            }
            fn inc(&self, bytes: u64) {
                self.position.fetch_add(bytes, Ordering::Relaxed);
            }
        }
        let counted = Counted::default();
        let mut text = String::new();
        open(&path, Some(&counted))
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        let read = |n: &AtomicU64| n.load(Ordering::Relaxed);
        assert_eq!(
            (read(&counted.position), read(&counted.length)),
            (100_000, 100_000)
        );
    }
}
