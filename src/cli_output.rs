//! Output folders figdig owns: the marker file, one-step replacement, and clean-up after killed
//! runs.
//!
//! Every output folder holds [`MARKER`]. A run replaces only folders that carry it (or, for
//! folders written before the marker existed, folders holding nothing but figdig's own files);
//! any other folder is refused by path and left untouched. A new result is written into a
//! temporary folder `.figdig-tmp.<pid>.<n>.<name>` beside its destination (marker first) and
//! then exchanged with the old folder in one step (`renameat2(RENAME_EXCHANGE)` on Linux), so a
//! reader, a crash or a concurrent run only ever sees a complete old or a complete new folder.
//! Where the exchange is not available the old folder is first renamed aside to
//! `.figdig-old.<pid>.<n>.<name>`; a later run puts an aside folder back if its destination is
//! missing. Temporary and aside folders whose process is gone are removed by the next run.

use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::Context;

/// The file that marks a folder as figdig's to replace.
pub const MARKER: &str = ".figdig-output";

/// Files figdig writes into an output folder. A folder without the marker that holds only these
/// (and `figure.json`) was written by a figdig from before the marker, and may be replaced.
const OWN_FILES: &[&str] =
    &["points.csv", "dataset.csv", "figure.json", "certificate.json", "audit.png", "audit.html", MARKER];

/// Prefix of a folder being written.
const TMP_PREFIX: &str = ".figdig-tmp.";
/// Prefix of an old folder renamed aside (where the one-step exchange is unavailable).
const OLD_PREFIX: &str = ".figdig-old.";

/// How many times a replacement is retried when a concurrent run moves the destination between
/// two steps. Each retry means another process made progress, so a handful always suffices.
const MAX_RACE_RETRIES: usize = 16;

fn marker_text() -> String {
    format!(
        "This folder was written by figdig {}. figdig replaces a folder holding this file when it \
         extracts the same figure again. Delete this file to keep figdig from ever replacing or \
         removing the folder.\n",
        env!("CARGO_PKG_VERSION")
    )
}

/// Whether `dir` is an output folder figdig may replace: it holds nothing but figdig's own files,
/// and either the marker or (output of a figdig from before the marker) `figure.json`; or it is
/// empty (nothing in it can be lost). A file a user added to an output folder keeps it from being
/// replaced.
pub fn is_owned(dir: &Path) -> bool {
    let Ok(entries) = std::fs::read_dir(dir) else { return false };
    let mut marked = false;
    let mut any = false;
    for e in entries {
        let Ok(e) = e else { return false };
        any = true;
        let name = e.file_name();
        let name = name.to_string_lossy();
        if !OWN_FILES.contains(&name.as_ref()) || !e.file_type().is_ok_and(|t| t.is_file()) {
            return false;
        }
        marked |= name == MARKER || name == "figure.json";
    }
    marked || !any
}

/// Remove a folder of figdig's own, its marker last: a run killed part-way through leaves the
/// folder still marked, so the next run recognises it and finishes the removal (removed marker
/// first, a half-emptied folder of results would look like a user's and be kept for ever).
fn remove_owned(dir: &Path) -> std::io::Result<()> {
    for e in std::fs::read_dir(dir)?.flatten() {
        if e.file_name() != MARKER {
            let p = e.path();
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                std::fs::remove_dir_all(&p)?
            } else {
                std::fs::remove_file(&p)?
            }
        }
    }
    match std::fs::remove_file(dir.join(MARKER)) {
        Err(e) if e.kind() != ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    std::fs::remove_dir(dir)
}

/// A unique temporary name beside `dest` (this process, a per-process counter, the final name).
fn side_name(prefix: &str, dest: &Path) -> PathBuf {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let name = dest.file_name().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    dest.with_file_name(format!("{prefix}{}.{n}.{name}", std::process::id()))
}

/// The refusal for a destination figdig did not write.
fn foreign(dest: &Path) -> anyhow::Error {
    anyhow::anyhow!(
        "{}: exists and was not written by figdig (no {MARKER} file in it, or files figdig does not write); \
         left untouched. Move it away or choose another --out",
        dest.display()
    )
}

/// Write `files` into the folder `dest`, replacing an earlier figdig result in one step.
pub fn replace_dir(dest: &Path, files: &[(&str, Vec<u8>)]) -> anyhow::Result<()> {
    let parent = dest.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).with_context(|| format!("{}: cannot create output directory", parent.display()))?;
    if let Ok(m) = std::fs::symlink_metadata(dest)
        && !(m.is_dir() && is_owned(dest))
    {
        return Err(foreign(dest));
    }
    let tmp = side_name(TMP_PREFIX, dest);
    let written = write_new(&tmp, files).and_then(|()| install(&tmp, dest));
    if written.is_err() {
        // Only our own temporary folder is removed; `install` leaves it holding the new result
        // (or, after an exchange it undid, the same).
        let _ = remove_owned(&tmp);
    }
    written
}

/// Create `tmp` with the marker first (so a killed run's leftovers are recognisable), then files.
fn write_new(tmp: &Path, files: &[(&str, Vec<u8>)]) -> anyhow::Result<()> {
    std::fs::create_dir(tmp).with_context(|| format!("{}: cannot create", tmp.display()))?;
    std::fs::write(tmp.join(MARKER), marker_text()).with_context(|| format!("{}: cannot write", tmp.display()))?;
    for (f, bytes) in files {
        std::fs::write(tmp.join(f), bytes).with_context(|| format!("{}: cannot write", tmp.join(f).display()))?;
    }
    Ok(())
}

/// Move the complete folder `tmp` to `dest`, replacing an owned folder there; retried when a
/// concurrent run moves `dest` between steps.
fn install(tmp: &Path, dest: &Path) -> anyhow::Result<()> {
    let fail = |e: std::io::Error| anyhow::anyhow!("{}: cannot move into place: {e}", dest.display());
    for _ in 0..MAX_RACE_RETRIES {
        match sys::rename_noreplace(tmp, dest) {
            Ok(()) => return Ok(()),
            Err(e) if matches!(e.kind(), ErrorKind::AlreadyExists | ErrorKind::DirectoryNotEmpty) => {}
            Err(e) if sys::unsupported(&e) => return install_aside(tmp, dest).map_err(fail),
            Err(e) => return Err(fail(e)),
        }
        match sys::exchange(tmp, dest) {
            Ok(()) => {}
            // The destination vanished (another run is replacing it): try again.
            Err(e) if e.kind() == ErrorKind::NotFound => continue,
            Err(e) if sys::unsupported(&e) => return install_aside(tmp, dest).map_err(fail),
            Err(e) => return Err(fail(e)),
        }
        // `tmp` now holds what was at `dest`. It was checked before, but check again now that
        // it is out of the way: a folder that appeared in between is put back untouched.
        if !is_owned(tmp) {
            sys::exchange(tmp, dest).map_err(fail)?;
            return Err(foreign(dest));
        }
        let _ = remove_owned(tmp);
        return Ok(());
    }
    Err(anyhow::anyhow!("{}: other runs kept replacing it; not written", dest.display()))
}

/// Replacement without an exchange: rename the old folder aside, move the new one in, remove
/// the old one. A crash in between leaves the aside folder, which [`clean_stale`] restores.
fn install_aside(tmp: &Path, dest: &Path) -> std::io::Result<()> {
    for _ in 0..MAX_RACE_RETRIES {
        let aside = side_name(OLD_PREFIX, dest);
        let moved = match std::fs::rename(dest, &aside) {
            Ok(()) => true,
            Err(e) if e.kind() == ErrorKind::NotFound => false,
            Err(e) => return Err(e),
        };
        match std::fs::rename(tmp, dest) {
            Ok(()) => {
                if moved {
                    let _ = remove_owned(&aside);
                }
                return Ok(());
            }
            // Another run put its folder there first: go round and move that one aside.
            Err(e) if matches!(e.kind(), ErrorKind::AlreadyExists | ErrorKind::DirectoryNotEmpty) => {
                if moved {
                    let _ = remove_owned(&aside);
                }
            }
            Err(e) => {
                if moved {
                    let _ = std::fs::rename(&aside, dest);
                }
                return Err(e);
            }
        }
    }
    Err(std::io::Error::other("other runs kept replacing it"))
}

/// Remove what killed runs left in `out`: temporary folders (carrying the marker, or empty)
/// and aside folders, whose process is gone; an aside folder whose destination is missing is
/// put back instead. Returns one note per folder acted on.
pub fn clean_stale(out: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(out) else { return Vec::new() };
    let mut notes = Vec::new();
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let (prefix, rest) = if let Some(r) = name.strip_prefix(TMP_PREFIX) {
            (TMP_PREFIX, r)
        } else if let Some(r) = name.strip_prefix(OLD_PREFIX) {
            (OLD_PREFIX, r)
        } else {
            continue;
        };
        let mut parts = rest.splitn(3, '.');
        let (Some(pid), Some(_), Some(dest_name)) = (parts.next(), parts.next(), parts.next()) else { continue };
        let Ok(pid) = pid.parse::<u32>() else { continue };
        let path = e.path();
        let empty = std::fs::read_dir(&path).is_ok_and(|mut d| d.next().is_none());
        if owner_alive(pid, &path) || !(empty || path.join(MARKER).is_file()) {
            continue;
        }
        let dest = out.join(dest_name);
        if prefix == OLD_PREFIX && !empty && std::fs::symlink_metadata(&dest).is_err() {
            if std::fs::rename(&path, &dest).is_ok() {
                notes.push(format!("{}: restored from {} left by an interrupted run", dest.display(), name));
            }
        } else if remove_owned(&path).is_ok() {
            notes.push(format!("{}: removed (left by an interrupted run)", path.display()));
        }
    }
    notes
}

/// Prefix of a PDF page's conversion folder in the system temporary folder.
pub const CONVERSION_PREFIX: &str = "figdig-pdf-";

/// Mark a folder figdig made for its own temporary use, so a later run may remove it.
pub fn mark(dir: &Path) -> anyhow::Result<()> {
    std::fs::write(dir.join(MARKER), marker_text()).with_context(|| format!("{}: cannot write", dir.display()))
}

/// Remove PDF conversion folders (`figdig-pdf-<pid>-…` in `tmp`) that killed runs left: only
/// those holding the marker (or empty), of processes that are gone.
pub fn clean_stale_conversions(tmp: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(tmp) else { return Vec::new() };
    let mut notes = Vec::new();
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some(pid) = name.strip_prefix(CONVERSION_PREFIX).and_then(|r| r.split('-').next()) else { continue };
        let Ok(pid) = pid.parse::<u32>() else { continue };
        let path = e.path();
        let empty = std::fs::read_dir(&path).is_ok_and(|mut d| d.next().is_none());
        if !owner_alive(pid, &path) && (empty || path.join(MARKER).is_file()) && remove_owned(&path).is_ok() {
            notes.push(format!("{}: removed (left by an interrupted run)", path.display()));
        }
    }
    notes
}

/// Whether the run that made `path` (process `pid`) may still be writing it: the process exists
/// and started before the folder was last changed. Process ids are reused (every 32768 processes
/// on a default Linux), so a live process that started after the folder's last change is another
/// program, and the folder's owner is gone.
fn owner_alive(pid: u32, path: &Path) -> bool {
    if !sys::process_alive(pid) {
        return false;
    }
    let changed = std::fs::metadata(path).and_then(|m| m.modified()).ok();
    match (sys::process_start(pid), changed) {
        (Some(start), Some(changed)) => start <= changed + sys::START_RESOLUTION,
        // The process (or a short-lived thread that took its id) may have ended between the two
        // reads: ask again rather than take it for the owner.
        (None, _) => sys::process_alive(pid),
        (Some(_), None) => true,
    }
}

#[cfg(target_os = "linux")]
mod sys {
    //! `renameat2` and `kill` through `libc`, which the dependency tree already builds; the
    //! standard library offers neither an exchange nor a no-replace rename.
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    use std::path::Path;

    fn c(p: &Path) -> std::io::Result<CString> {
        CString::new(p.as_os_str().as_bytes()).map_err(|_| std::io::Error::other("path holds a NUL byte"))
    }

    fn renameat2(from: &Path, to: &Path, flags: libc::c_uint) -> std::io::Result<()> {
        let (f, t) = (c(from)?, c(to)?);
        // SAFETY: both pointers are valid NUL-terminated strings for the duration of the call.
        let r = unsafe { libc::renameat2(libc::AT_FDCWD, f.as_ptr(), libc::AT_FDCWD, t.as_ptr(), flags) };
        if r == 0 { Ok(()) } else { Err(std::io::Error::last_os_error()) }
    }

    /// Rename, failing with `AlreadyExists` when `to` exists.
    pub fn rename_noreplace(from: &Path, to: &Path) -> std::io::Result<()> {
        renameat2(from, to, libc::RENAME_NOREPLACE)
    }

    /// Swap two existing paths in one step.
    pub fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
        renameat2(a, b, libc::RENAME_EXCHANGE)
    }

    /// The file system or kernel cannot do `renameat2` with these flags.
    pub fn unsupported(e: &std::io::Error) -> bool {
        matches!(e.raw_os_error(), Some(libc::EINVAL | libc::ENOSYS | libc::EOPNOTSUPP))
    }

    /// Whether process `pid` exists (a process of another user counts as alive).
    pub fn process_alive(pid: u32) -> bool {
        let Ok(pid) = libc::pid_t::try_from(pid) else { return false };
        // SAFETY: signal 0 only checks that the process exists and may be signalled.
        let r = unsafe { libc::kill(pid, 0) };
        r == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
    }

    /// The kernel counts process start times in clock ticks (1/100 s on Linux).
    pub const START_RESOLUTION: std::time::Duration = std::time::Duration::from_millis(20);

    /// When process `pid` started: the boot instant (the real-time clock minus the boot-time
    /// clock, both read now, to the nanosecond; /proc/stat's `btime` is whole seconds) plus its
    /// start in clock ticks (field 22 of /proc/<pid>/stat, counted after the parenthesised
    /// command name, which may itself hold spaces).
    pub fn process_start(pid: u32) -> Option<std::time::SystemTime> {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        let after = &stat[stat.rfind(')')? + 1..];
        let ticks: u64 = after.split_whitespace().nth(19)?.parse().ok()?;
        // SAFETY: sysconf only reads a system constant.
        let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
        let hz = u64::try_from(hz).ok().filter(|h| *h > 0)?;
        let since_boot = std::time::Duration::from_secs(ticks / hz)
            + std::time::Duration::from_nanos((ticks % hz) * 1_000_000_000 / hz);
        let boot = std::time::SystemTime::now().checked_sub(clock(libc::CLOCK_BOOTTIME)?)?;
        boot.checked_add(since_boot)
    }

    /// A clock's current reading.
    fn clock(id: libc::clockid_t) -> Option<std::time::Duration> {
        let mut t = libc::timespec { tv_sec: 0, tv_nsec: 0 };
        // SAFETY: `t` is a valid timespec for the call to fill.
        let r = unsafe { libc::clock_gettime(id, &mut t) };
        let secs = u64::try_from(t.tv_sec).ok()?;
        let nanos = u32::try_from(t.tv_nsec).ok()?;
        (r == 0).then(|| std::time::Duration::new(secs, nanos))
    }
}

#[cfg(not(target_os = "linux"))]
mod sys {
    //! Without `renameat2`, every replacement goes through the rename-aside route.
    use std::path::Path;

    pub fn rename_noreplace(_: &Path, _: &Path) -> std::io::Result<()> {
        Err(std::io::Error::from(std::io::ErrorKind::Unsupported))
    }

    pub fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
        Err(std::io::Error::from(std::io::ErrorKind::Unsupported))
    }

    pub fn unsupported(e: &std::io::Error) -> bool {
        e.kind() == std::io::ErrorKind::Unsupported
    }

    /// Without a portable liveness check, leftovers are kept (never removed while in use).
    pub fn process_alive(_: u32) -> bool {
        true
    }

    pub const START_RESOLUTION: std::time::Duration = std::time::Duration::from_millis(20);

    /// Unknown here: the owner is taken as alive.
    pub fn process_start(_: u32) -> Option<std::time::SystemTime> {
        None
    }
}

#[cfg(all(test, target_os = "linux"))]
mod owner_tests {
    use super::*;

    #[test]
    fn a_live_pid_that_started_after_the_folder_changed_is_not_its_owner() {
        let dir = std::env::temp_dir().join(format!("figdig-owner-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let me = std::process::id();
        // Made by this process: its owner is alive.
        assert!(owner_alive(me, &dir));
        // Last changed a year before this process started: the pid was reused.
        let past = std::time::SystemTime::now() - std::time::Duration::from_secs(3600 * 24 * 365);
        std::fs::File::open(&dir).unwrap().set_modified(past).unwrap();
        assert!(!owner_alive(me, &dir));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// Regression (CI, stop 20): `remove_dir_all` may delete the marker first, so a run killed
    /// while removing an old result left a half-emptied, unmarked folder that no later run would
    /// touch. `remove_owned` removes everything else first and the folder with it.
    #[test]
    fn removing_an_owned_folder_takes_the_marker_last_and_leaves_nothing() {
        let dir = std::env::temp_dir().join(format!("figdig-remove-test-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        for f in [MARKER, "points.csv", "figure.json", "sub/x"] {
            std::fs::write(dir.join(f), "x").unwrap();
        }
        remove_owned(&dir).unwrap();
        assert!(!dir.exists());
    }
}
