//! A read-mostly array placed on huge pages, for the segmenter's trie.
//!
//! The trie is 13 MB read at random positions. With 4 KiB pages nearly every
//! step misses the TLB as well as the cache, and under virtualisation a page
//! walk can cost more than the cache miss itself. Linux's default for
//! transparent huge pages is to give them only to memory that asks (`madvise`),
//! so the array is allocated on a 2 MiB boundary and advised as huge pages
//! before it is written. Elsewhere it is an ordinary aligned allocation.

use std::alloc::Layout;
use std::ops::{Deref, DerefMut};
use std::ptr::NonNull;

const HUGE_PAGE: usize = 2 << 20;

/// A fixed-length copy of a slice in memory aligned to (and, on Linux,
/// advised as) huge pages.
pub struct HugePageArray<T: Copy> {
    ptr: NonNull<T>,
    len: usize,
    layout: Layout,
}

// SAFETY: the array owns its elements exclusively, as a Box<[T]> does, so it
// may move between and be shared by threads exactly when T may.
unsafe impl<T: Copy + Send> Send for HugePageArray<T> {}
// SAFETY: as above; shared access only hands out `&[T]`.
unsafe impl<T: Copy + Sync> Sync for HugePageArray<T> {}

impl<T: Copy> HugePageArray<T> {
    /// A copy of `items` on huge pages, made as one copy of memory.
    pub fn new(items: &[T]) -> HugePageArray<T> {
        let mut array = Self::allocate(items.len());
        // SAFETY: the allocation holds `items.len()` values of T, aligned
        // for T, and is not `items` (it was just allocated).
        unsafe {
            std::ptr::copy_nonoverlapping(items.as_ptr(), array.ptr.as_ptr(), items.len());
        }
        array.len = items.len();
        array
    }

    /// Room for `len` values, none of them written yet (`len` 0).
    fn allocate(len: usize) -> HugePageArray<T> {
        assert!(std::mem::align_of::<T>() <= HUGE_PAGE);
        let bytes = len
            .checked_mul(std::mem::size_of::<T>())
            .expect("array size fits usize")
            .max(1)
            .next_multiple_of(HUGE_PAGE);
        let layout = Layout::from_size_align(bytes, HUGE_PAGE).expect("array size fits a layout");
        // SAFETY: the layout has a non-zero size.
        let raw = unsafe { std::alloc::alloc(layout) };
        let Some(ptr) = NonNull::new(raw.cast::<T>()) else {
            std::alloc::handle_alloc_error(layout)
        };
        advise_huge_pages(raw, bytes);
        HugePageArray {
            ptr,
            len: 0,
            layout,
        }
    }
}

impl<T: Copy> Deref for HugePageArray<T> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        // SAFETY: the first `len` elements were initialised in `new`.
        unsafe { std::slice::from_raw_parts(self.ptr.as_ptr(), self.len) }
    }
}

impl<T: Copy> DerefMut for HugePageArray<T> {
    fn deref_mut(&mut self) -> &mut [T] {
        // SAFETY: as in `deref`, and `&mut self` makes the access exclusive.
        unsafe { std::slice::from_raw_parts_mut(self.ptr.as_ptr(), self.len) }
    }
}

impl<T: Copy> Drop for HugePageArray<T> {
    fn drop(&mut self) {
        // SAFETY: allocated in `new` with this layout; T is Copy, so there
        // is nothing to drop first.
        unsafe { std::alloc::dealloc(self.ptr.as_ptr().cast(), self.layout) }
    }
}

/// Asks the kernel to back `bytes` bytes at `start` (2 MiB aligned, not yet
/// touched) with huge pages; without support for them, nothing changes.
fn advise_huge_pages(start: *mut u8, bytes: usize) {
    #[cfg(target_os = "linux")]
    // SAFETY: the range is an allocation this module owns; MADV_HUGEPAGE
    // changes how the kernel backs it, never its contents, and a failure
    // leaves ordinary pages.
    unsafe {
        libc::madvise(start.cast(), bytes, libc::MADV_HUGEPAGE);
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (start, bytes);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holds_a_copy_that_can_be_changed() {
        let mut array = HugePageArray::new(&[1u64, 2, 3]);
        array[1] = 20;
        assert_eq!(&*array, &[1, 20, 3]);
        assert_eq!(array.as_ptr() as usize % HUGE_PAGE, 0);
        let empty = HugePageArray::<u64>::new(&[]);
        assert!(empty.is_empty());
    }
}
