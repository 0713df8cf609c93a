//! One memory budget shared by the figures of a batch: parallel figures together stay within
//! it, judged from each file's size before it is read.

use std::sync::{Condvar, Mutex};

/// Memory a batch may plan for at once: 1.5 GiB, the ceiling a run should stay within on a
/// laptop shared with other work.
pub const BATCH_MEMORY_BYTES: u64 = 1536 << 20;

/// Peak memory of one figure per byte of its SVG, the worst measured on large generated figures
/// and rounded up: a 62 MB file of 870,000 paths peaks at 1.18 GiB with `--no-audit` (20 times
/// its size), a 56 MB file of a million circle markers at 1.22 GiB (23 times; 31 times before
/// un-transformed outlines were stored once). Measured with benches/resources/limits.py.
pub const MEMORY_PER_FILE_BYTE: u64 = 32;

/// Figures reserve their estimated memory before they start and release it when done; a figure
/// that would overrun the budget waits until others finish (one alone always runs).
pub struct Budget {
    total: u64,
    used: Mutex<u64>,
    freed: Condvar,
}

/// A reservation, released when dropped.
pub struct Reservation<'a> {
    budget: &'a Budget,
    bytes: u64,
}

impl Budget {
    pub fn new(total: u64) -> Budget {
        Budget { total, used: Mutex::new(0), freed: Condvar::new() }
    }

    /// Wait until `estimate` fits beside what is running (or nothing is running), then hold it.
    pub fn reserve(&self, estimate: u64) -> Reservation<'_> {
        // A poisoned lock only means another figure panicked; the count is still right.
        let mut used = self.used.lock().unwrap_or_else(|e| e.into_inner());
        while *used > 0 && used.saturating_add(estimate) > self.total {
            used = self.freed.wait(used).unwrap_or_else(|e| e.into_inner());
        }
        *used += estimate;
        Reservation { budget: self, bytes: estimate }
    }
}

impl Drop for Reservation<'_> {
    fn drop(&mut self) {
        let mut used = self.budget.used.lock().unwrap_or_else(|e| e.into_inner());
        *used = used.saturating_sub(self.bytes);
        self.budget.freed.notify_all();
    }
}

/// The estimated peak memory of extracting the file at `path` (SVG text; a compressed or PDF
/// input is judged by its file size times the same factor, an underestimate for gzip).
pub fn estimate(path: &std::path::Path) -> u64 {
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0).saturating_mul(MEMORY_PER_FILE_BYTE)
}

/// Estimated memory above which a finished figure's freed memory is handed back to the system:
/// 64 MiB. The allocator keeps freed memory per thread, so the next large figure, run on another
/// thread, would otherwise stack its peak on what the last one left (a batch of three 62 MB
/// figures: 1.34 GB, against 0.95 GB for one); for small figures the call would only cost time.
pub const RELEASE_ABOVE_BYTES: u64 = 64 << 20;

/// Return freed memory to the system after a large figure (glibc keeps it otherwise).
pub fn release_after(estimate: u64) {
    if estimate > RELEASE_ABOVE_BYTES {
        #[cfg(all(target_os = "linux", target_env = "gnu"))]
        // SAFETY: malloc_trim only returns free heap pages to the system; it is thread-safe.
        unsafe {
            libc::malloc_trim(0);
        }
    }
}
