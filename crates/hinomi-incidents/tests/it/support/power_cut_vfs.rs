//! A SQLite VFS shim that simulates a power cut: every write that was not followed by an
//! `xSync` of its file is undone, then the process exits.
//!
//! It wraps the default (unix) VFS and forwards every call. Before a write or truncate
//! overwrites bytes that were durable (present at the file's last sync), it keeps them; `xSync`
//! forgets what it kept for that file. At the chosen crash point (the Nth write, truncate or
//! sync of the process) it restores every file to its last synced length and bytes, as a disk
//! whose page cache vanished would, and exits with [`POWER_CUT_EXIT`].
//!
//! What it does not model: directory entries (a created or deleted file is taken as durable at
//! once), torn sectors within a write, reordering of synced writes (none exists after a sync),
//! and the `-shm` index, which SQLite rebuilds from the WAL after a crash anyway.
//!
//! Test-only FFI: rusqlite offers no safe way to register a VFS.
#![allow(unsafe_code)]

use rusqlite::ffi;
use std::collections::BTreeMap;
use std::ffi::{CStr, c_char, c_int, c_void};
use std::io::{Seek, SeekFrom, Write};
use std::sync::Mutex;
use std::sync::atomic::{AtomicPtr, Ordering};

/// The exit code of a simulated power cut.
pub const POWER_CUT_EXIT: i32 = 77;

/// Bytes a file had at its last sync, for the regions overwritten since.
#[derive(Default)]
struct Undo {
    synced_len: Option<u64>,
    /// (offset, old bytes), oldest first; restored newest first so the oldest wins.
    regions: Vec<(u64, Vec<u8>)>,
}

struct State {
    files: BTreeMap<String, Undo>,
    ops: u64,
    crash_at: u64,
}

static STATE: Mutex<State> = Mutex::new(State {
    files: BTreeMap::new(),
    ops: 0,
    crash_at: u64::MAX,
});

/// Our file: the `sqlite3_file` header SQLite sees, then the wrapped VFS's file in place.
#[repr(C)]
struct ShimFile {
    base: ffi::sqlite3_file,
    /// The path, leaked for the life of the process (a test opens a handful of files).
    path: *const String,
}

const HEADER: usize = std::mem::size_of::<ShimFile>().next_multiple_of(16);

/// The wrapped VFS (the platform default).
static REAL_VFS: AtomicPtr<ffi::sqlite3_vfs> = AtomicPtr::new(std::ptr::null_mut());

fn real_vfs() -> *mut ffi::sqlite3_vfs {
    REAL_VFS.load(Ordering::Acquire)
}

/// Installs the shim as the default VFS; the process cuts power at its `crash_at`-th write,
/// truncate or sync. Call before opening any connection.
pub fn install(crash_at: u64) {
    STATE.lock().unwrap().crash_at = crash_at;
    unsafe {
        let real = ffi::sqlite3_vfs_find(std::ptr::null());
        assert!(!real.is_null());
        REAL_VFS.store(real, Ordering::Release);
        let mut shim: ffi::sqlite3_vfs = *real;
        shim.zName = c"power-cut".as_ptr();
        shim.szOsFile = HEADER as c_int + (*real).szOsFile;
        shim.pNext = std::ptr::null_mut();
        shim.xOpen = Some(open);
        shim.xDelete = Some(delete);
        let shim = Box::leak(Box::new(shim));
        assert_eq!(ffi::sqlite3_vfs_register(shim, 1), ffi::SQLITE_OK);
    }
}

/// How many writes, truncates and syncs the process has made.
pub fn ops() -> u64 {
    STATE.lock().unwrap().ops
}

unsafe fn real_file(file: *mut ffi::sqlite3_file) -> *mut ffi::sqlite3_file {
    unsafe { (file as *mut u8).add(HEADER) as *mut ffi::sqlite3_file }
}

unsafe fn real_methods(file: *mut ffi::sqlite3_file) -> &'static ffi::sqlite3_io_methods {
    unsafe { &*(*real_file(file)).pMethods }
}

unsafe fn path_of(file: *mut ffi::sqlite3_file) -> &'static str {
    unsafe { &*(*(file as *mut ShimFile)).path }
}

unsafe extern "C" fn open(
    _vfs: *mut ffi::sqlite3_vfs,
    name: *const c_char,
    file: *mut ffi::sqlite3_file,
    flags: c_int,
    out_flags: *mut c_int,
) -> c_int {
    unsafe {
        let real = real_vfs();
        let path = if name.is_null() {
            String::new() // A temporary file SQLite deletes on close: nothing to keep.
        } else {
            CStr::from_ptr(name).to_string_lossy().into_owned()
        };
        (*(file as *mut ShimFile)).path = Box::leak(Box::new(path));
        (*file).pMethods = std::ptr::null();
        let rc = ((*real).xOpen.unwrap())(real, name, real_file(file), flags, out_flags);
        if rc == ffi::SQLITE_OK && !(*real_file(file)).pMethods.is_null() {
            (*file).pMethods = &METHODS;
        }
        rc
    }
}

unsafe extern "C" fn delete(
    _vfs: *mut ffi::sqlite3_vfs,
    name: *const c_char,
    sync: c_int,
) -> c_int {
    unsafe {
        let path = CStr::from_ptr(name).to_string_lossy().into_owned();
        STATE.lock().unwrap().files.remove(&path);
        ((*real_vfs()).xDelete.unwrap())(real_vfs(), name, sync)
    }
}

/// Counts one write, truncate or sync and cuts the power when it is the chosen one.
fn count_op(state: &mut State) {
    state.ops += 1;
    if state.ops == state.crash_at {
        power_cut(state);
    }
}

fn power_cut(state: &mut State) -> ! {
    for (path, undo) in &state.files {
        let Some(len) = undo.synced_len else { continue };
        let mut file = std::fs::OpenOptions::new().write(true).open(path).unwrap();
        file.set_len(len).unwrap();
        for (offset, bytes) in undo.regions.iter().rev() {
            file.seek(SeekFrom::Start(*offset)).unwrap();
            file.write_all(bytes).unwrap();
        }
        file.sync_all().unwrap();
    }
    std::process::exit(POWER_CUT_EXIT);
}

unsafe fn file_size(file: *mut ffi::sqlite3_file) -> u64 {
    let mut size: ffi::sqlite3_int64 = 0;
    unsafe {
        let rc = (real_methods(file).xFileSize.unwrap())(real_file(file), &mut size);
        assert_eq!(rc, ffi::SQLITE_OK);
    }
    size as u64
}

/// Keeps the durable bytes of `[start, end)` before they are overwritten.
unsafe fn keep_durable(file: *mut ffi::sqlite3_file, state: &mut State, start: u64, end: u64) {
    let path = unsafe { path_of(file) };
    if path.is_empty() {
        return;
    }
    let current = unsafe { file_size(file) };
    let undo = state.files.entry(path.to_string()).or_default();
    let synced = *undo.synced_len.get_or_insert(current);
    let end = end.min(synced).min(current);
    if start >= end {
        return;
    }
    let mut old = vec![0u8; (end - start) as usize];
    unsafe {
        let rc = (real_methods(file).xRead.unwrap())(
            real_file(file),
            old.as_mut_ptr() as *mut c_void,
            old.len() as c_int,
            start as ffi::sqlite3_int64,
        );
        assert_eq!(rc, ffi::SQLITE_OK);
    }
    undo.regions.push((start, old));
}

unsafe extern "C" fn write(
    file: *mut ffi::sqlite3_file,
    buf: *const c_void,
    amount: c_int,
    offset: ffi::sqlite3_int64,
) -> c_int {
    let mut state = STATE.lock().unwrap();
    count_op(&mut state);
    unsafe {
        keep_durable(
            file,
            &mut state,
            offset as u64,
            offset as u64 + amount as u64,
        );
        (real_methods(file).xWrite.unwrap())(real_file(file), buf, amount, offset)
    }
}

unsafe extern "C" fn truncate(file: *mut ffi::sqlite3_file, size: ffi::sqlite3_int64) -> c_int {
    let mut state = STATE.lock().unwrap();
    count_op(&mut state);
    unsafe {
        keep_durable(file, &mut state, size as u64, u64::MAX);
        (real_methods(file).xTruncate.unwrap())(real_file(file), size)
    }
}

unsafe extern "C" fn sync(file: *mut ffi::sqlite3_file, flags: c_int) -> c_int {
    let mut state = STATE.lock().unwrap();
    count_op(&mut state);
    let rc = unsafe { (real_methods(file).xSync.unwrap())(real_file(file), flags) };
    if rc == ffi::SQLITE_OK {
        // Everything written so far is on the disk now.
        state.files.remove(unsafe { path_of(file) });
    }
    rc
}

unsafe extern "C" fn close(file: *mut ffi::sqlite3_file) -> c_int {
    // What was not synced stays at risk after close: the undo record is kept.
    unsafe { (real_methods(file).xClose.unwrap())(real_file(file)) }
}

unsafe extern "C" fn read(
    file: *mut ffi::sqlite3_file,
    buf: *mut c_void,
    amount: c_int,
    offset: ffi::sqlite3_int64,
) -> c_int {
    unsafe { (real_methods(file).xRead.unwrap())(real_file(file), buf, amount, offset) }
}

unsafe extern "C" fn size(file: *mut ffi::sqlite3_file, out: *mut ffi::sqlite3_int64) -> c_int {
    unsafe { (real_methods(file).xFileSize.unwrap())(real_file(file), out) }
}

unsafe extern "C" fn lock(file: *mut ffi::sqlite3_file, level: c_int) -> c_int {
    unsafe { (real_methods(file).xLock.unwrap())(real_file(file), level) }
}

unsafe extern "C" fn unlock(file: *mut ffi::sqlite3_file, level: c_int) -> c_int {
    unsafe { (real_methods(file).xUnlock.unwrap())(real_file(file), level) }
}

unsafe extern "C" fn check_reserved(file: *mut ffi::sqlite3_file, out: *mut c_int) -> c_int {
    unsafe { (real_methods(file).xCheckReservedLock.unwrap())(real_file(file), out) }
}

unsafe extern "C" fn file_control(
    file: *mut ffi::sqlite3_file,
    op: c_int,
    arg: *mut c_void,
) -> c_int {
    unsafe { (real_methods(file).xFileControl.unwrap())(real_file(file), op, arg) }
}

unsafe extern "C" fn sector_size(file: *mut ffi::sqlite3_file) -> c_int {
    unsafe { (real_methods(file).xSectorSize.unwrap())(real_file(file)) }
}

unsafe extern "C" fn device_characteristics(file: *mut ffi::sqlite3_file) -> c_int {
    unsafe { (real_methods(file).xDeviceCharacteristics.unwrap())(real_file(file)) }
}

unsafe extern "C" fn shm_map(
    file: *mut ffi::sqlite3_file,
    page: c_int,
    page_size: c_int,
    extend: c_int,
    out: *mut *mut c_void,
) -> c_int {
    unsafe { (real_methods(file).xShmMap.unwrap())(real_file(file), page, page_size, extend, out) }
}

unsafe extern "C" fn shm_lock(
    file: *mut ffi::sqlite3_file,
    offset: c_int,
    n: c_int,
    flags: c_int,
) -> c_int {
    unsafe { (real_methods(file).xShmLock.unwrap())(real_file(file), offset, n, flags) }
}

unsafe extern "C" fn shm_barrier(file: *mut ffi::sqlite3_file) {
    unsafe { (real_methods(file).xShmBarrier.unwrap())(real_file(file)) }
}

unsafe extern "C" fn shm_unmap(file: *mut ffi::sqlite3_file, delete: c_int) -> c_int {
    unsafe { (real_methods(file).xShmUnmap.unwrap())(real_file(file), delete) }
}

/// Version 2: shared memory for WAL, no memory-mapped I/O (the store leaves mmap off, and a
/// write through a mapping would bypass the shim).
static METHODS: ffi::sqlite3_io_methods = ffi::sqlite3_io_methods {
    iVersion: 2,
    xClose: Some(close),
    xRead: Some(read),
    xWrite: Some(write),
    xTruncate: Some(truncate),
    xSync: Some(sync),
    xFileSize: Some(size),
    xLock: Some(lock),
    xUnlock: Some(unlock),
    xCheckReservedLock: Some(check_reserved),
    xFileControl: Some(file_control),
    xSectorSize: Some(sector_size),
    xDeviceCharacteristics: Some(device_characteristics),
    xShmMap: Some(shm_map),
    xShmLock: Some(shm_lock),
    xShmBarrier: Some(shm_barrier),
    xShmUnmap: Some(shm_unmap),
    xFetch: None,
    xUnfetch: None,
};
