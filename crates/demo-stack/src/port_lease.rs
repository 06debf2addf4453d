//! Free loopback ports that stay free until the child process that is given one binds it.
//!
//! Asking the kernel for port 0 and closing the listener again is not enough when several test
//! stacks start at once. That port comes from the kernel's ephemeral range, the same range every
//! outgoing connection takes its source port from, and PostgreSQL binds its port only after
//! `initdb` (seconds later): one CI run lost its primary's port to another test's connection in
//! that gap. So a port handed out here
//!
//! - lies below the ephemeral range (`net.ipv4.ip_local_port_range`), where no connection's
//!   source port lands,
//! - was bindable on 127.0.0.1 when it was handed out, and
//! - is written down as leased in a per-user directory under the temp dir, so that no other
//!   process on this machine gets it again for [`LEASE_TIME`], which outlasts any component's
//!   start. The directory's lock file serializes the processes that hand ports out.
//!
//! A process that ignores the leases can still take a port first; the component that was to
//! bind it then fails to start with an error naming it.

use std::fs::{self, File};
use std::io;
use std::net::{Ipv4Addr, TcpListener};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// How long a handed-out port is kept from others.
pub const LEASE_TIME: Duration = Duration::from_secs(15 * 60);

/// The lowest port handed out: above the demo's fixed ports (15432..=19200) and the well-known
/// ones the Debian packages use.
const LOWEST_PORT: u16 = 20_000;

/// Where the kernel picks source ports when the sysctl cannot be read (Linux's default).
const DEFAULT_EPHEMERAL: Range<u16> = 32_768..61_000;

/// `count` distinct ports, leased as the module documentation says.
pub fn lease_free_ports(count: usize) -> io::Result<Vec<u16>> {
    lease_in(&lease_dir(), &lease_range(), count, SystemTime::now())
}

/// One port, leased the same way: for servers started outside a [`crate::StackConfig`].
pub fn free_port() -> io::Result<u16> {
    Ok(lease_free_ports(1)?[0])
}

fn lease_in(dir: &Path, range: &Range<u16>, count: usize, now: SystemTime) -> io::Result<Vec<u16>> {
    fs::create_dir_all(dir)?;
    let lock = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir.join(".lock"))?;
    // Released when `lock` is dropped, after every port below is written down.
    lock.lock()?;

    let span = u32::from(range.end - range.start);
    // A random place to start, so that a stale lease file or a port some other program
    // squats on costs one step, not the same step in every run.
    let start = getrandom::u32().map_err(|e| io::Error::other(e.to_string()))? % span;
    // Held until all `count` ports are chosen, so the kernel cannot hand one out twice either.
    let mut held = Vec::with_capacity(count);
    for step in 0..span {
        if held.len() == count {
            break;
        }
        let port = range.start + ((start + step) % span) as u16;
        let lease = dir.join(port.to_string());
        if is_leased(&lease, now) {
            continue;
        }
        let Ok(listener) = TcpListener::bind((Ipv4Addr::LOCALHOST, port)) else {
            continue;
        };
        write_lease(&lease, now)?;
        held.push(listener);
    }
    if held.len() < count {
        return Err(io::Error::new(
            io::ErrorKind::AddrNotAvailable,
            format!(
                "only {} of {count} ports in {}..{} are free and unleased (leases in {})",
                held.len(),
                range.start,
                range.end,
                dir.display()
            ),
        ));
    }
    held.iter()
        .map(|listener| listener.local_addr().map(|addr| addr.port()))
        .collect()
}

fn is_leased(lease: &Path, now: SystemTime) -> bool {
    let Ok(modified) = fs::metadata(lease).and_then(|meta| meta.modified()) else {
        return false;
    };
    // A lease from the future (a clock set back) counts as fresh; it expires in time anyway.
    now.duration_since(modified)
        .map_or(true, |age| age < LEASE_TIME)
}

fn write_lease(lease: &Path, now: SystemTime) -> io::Result<()> {
    let file = File::create(lease)?;
    file.set_modified(now)
}

/// `$TMPDIR/hinomi-port-leases-<uid>`: per user, because another user's directory is not ours to
/// write (and their stacks are then kept apart only by the kernel's bind check).
fn lease_dir() -> PathBuf {
    std::env::temp_dir().join(format!(
        "hinomi-port-leases-{}",
        nix::unistd::getuid().as_raw()
    ))
}

/// From [`LOWEST_PORT`] up to the ephemeral range, or above it if a machine starts that range
/// so low that there is little room below.
fn lease_range() -> Range<u16> {
    let ephemeral = fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range")
        .ok()
        .and_then(|text| parse_port_range(&text))
        .unwrap_or(DEFAULT_EPHEMERAL);
    range_outside(&ephemeral)
}

fn parse_port_range(text: &str) -> Option<Range<u16>> {
    let mut bounds = text.split_whitespace().map(str::parse::<u16>);
    let low = bounds.next()?.ok()?;
    let high = bounds.next()?.ok()?;
    (low <= high).then(|| low..high.saturating_add(1))
}

fn range_outside(ephemeral: &Range<u16>) -> Range<u16> {
    const ROOM: u16 = 2_000;
    if ephemeral.start >= LOWEST_PORT + ROOM {
        LOWEST_PORT..ephemeral.start
    } else if ephemeral.end <= u16::MAX - ROOM {
        ephemeral.end.max(LOWEST_PORT)..u16::MAX
    } else {
        // Nowhere outside it: the leases alone keep concurrent stacks apart.
        LOWEST_PORT..u16::MAX
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn ports_come_from_below_the_ephemeral_range() {
        assert_eq!(parse_port_range("32768\t60999\n"), Some(32_768..61_000));
        assert_eq!(parse_port_range("60999 32768"), None);
        assert_eq!(parse_port_range("nonsense"), None);
        assert_eq!(range_outside(&(32_768..61_000)), 20_000..32_768);
        // A machine whose ephemeral range starts low gets the ports above it.
        assert_eq!(range_outside(&(1_024..50_000)), 50_000..u16::MAX);
        assert_eq!(range_outside(&(1_024..u16::MAX)), 20_000..u16::MAX);
    }

    #[test]
    fn a_leased_port_is_not_handed_out_again_until_its_lease_ends() {
        let dir = tempfile::tempdir().unwrap();
        let range = free_range_of(8);
        let now = SystemTime::now();
        let first = lease_in(dir.path(), &range, 5, now).unwrap();
        let second = lease_in(dir.path(), &range, 3, now).unwrap();
        let all: HashSet<u16> = first.iter().chain(&second).copied().collect();
        assert_eq!(all.len(), 8, "{first:?} {second:?}");
        let error = lease_in(dir.path(), &range, 1, now).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::AddrNotAvailable);
        assert!(error.to_string().contains("only 0 of 1 ports"), "{error}");

        // Once the leases are older than LEASE_TIME, the same ports are free to lease again.
        let later = now + LEASE_TIME + Duration::from_secs(1);
        let again = lease_in(dir.path(), &range, 8, later).unwrap();
        assert_eq!(again.iter().copied().collect::<HashSet<_>>(), all);
    }

    #[test]
    fn a_port_someone_listens_on_is_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let range = free_range_of(3);
        let squatter = TcpListener::bind((Ipv4Addr::LOCALHOST, range.start)).unwrap();
        let ports = lease_in(dir.path(), &range, 2, SystemTime::now()).unwrap();
        assert!(!ports.contains(&range.start), "{ports:?}");
        drop(squatter);
        let last = lease_in(dir.path(), &range, 1, SystemTime::now()).unwrap();
        assert_eq!(last, [range.start]);
    }

    #[test]
    fn handed_out_ports_are_released_for_their_component() {
        let ports = lease_free_ports(3).unwrap();
        let range = lease_range();
        for port in ports {
            assert!(range.contains(&port), "{port} outside {range:?}");
            TcpListener::bind((Ipv4Addr::LOCALHOST, port)).unwrap();
        }
    }

    /// `len` consecutive ports below the ephemeral range that nothing listens on right now.
    fn free_range_of(len: u16) -> Range<u16> {
        let outside = lease_range();
        (outside.start..outside.end - len)
            .step_by(usize::from(len))
            .map(|start| start..start + len)
            .find(|candidate| {
                candidate
                    .clone()
                    .all(|port| TcpListener::bind((Ipv4Addr::LOCALHOST, port)).is_ok())
            })
            .expect("a run of free ports")
    }
}
