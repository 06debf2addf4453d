//! Power loss for plain files (settings, reports): [`write_with`] replayed on a simulated disk
//! that records each step and cuts the power before any one of them. After a cut the disk
//! keeps only what was made durable: a file's content once it was fsynced, a directory's
//! entries once the directory was; entries not yet synced may or may not have reached the
//! disk, so both outcomes are checked. Whatever the cut, the target is the old or the new
//! content, whole; once `write_atomically` returned Ok it is the new one. Leaving out the
//! file's or the directory's fsync makes these tests fail.

use super::{Access, Steps, TEMP_SUFFIX, write_with};
use std::collections::BTreeMap;
use std::io;
use std::path::Path;

/// One step as the simulated disk saw it, with the file names involved.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Op {
    List,
    Remove(String),
    Create(String),
    Write(String),
    SyncFile(String),
    Rename(String, String),
    SyncDir,
}

#[derive(Debug, Clone, Default)]
struct Inode {
    /// What a power cut leaves: the content as of the last fsync.
    durable: Vec<u8>,
    /// What the running system sees.
    current: Vec<u8>,
}

/// One directory, `/d`, on a disk that forgets everything not fsynced.
#[derive(Debug, Default)]
struct Sim {
    inodes: Vec<Inode>,
    /// The entries as of the last directory fsync.
    durable_dir: BTreeMap<String, usize>,
    current_dir: BTreeMap<String, usize>,
    log: Vec<Op>,
    /// How many steps run before the power goes; `None`: it never does.
    cut_after: Option<usize>,
    created: u32,
}

const DIR: &str = "/d";

impl Sim {
    /// A disk holding these files, all durable.
    fn with(files: &BTreeMap<String, Vec<u8>>) -> Self {
        let mut sim = Self::default();
        for (name, content) in files {
            sim.inodes.push(Inode {
                durable: content.clone(),
                current: content.clone(),
            });
            sim.durable_dir.insert(name.clone(), sim.inodes.len() - 1);
        }
        sim.current_dir = sim.durable_dir.clone();
        sim
    }

    /// Runs `op` unless the power is already gone.
    fn step(&mut self, op: Op) -> io::Result<()> {
        if self.cut_after.is_some_and(|limit| self.log.len() >= limit) {
            return Err(io::Error::other("the power is off"));
        }
        self.log.push(op);
        Ok(())
    }

    /// Every state the disk can come back in: unsynced content is lost; the directory is as of
    /// its last fsync, or already as the running system saw it.
    fn after_cut(&self) -> Vec<BTreeMap<String, Vec<u8>>> {
        let mut states: Vec<BTreeMap<String, Vec<u8>>> = [&self.durable_dir, &self.current_dir]
            .into_iter()
            .map(|dir| {
                dir.iter()
                    .map(|(name, &inode)| (name.clone(), self.inodes[inode].durable.clone()))
                    .collect()
            })
            .collect();
        states.dedup();
        states
    }

    fn file(path: &Path) -> String {
        assert_eq!(path.parent(), Some(Path::new(DIR)), "{}", path.display());
        path.file_name().unwrap().to_str().unwrap().to_owned()
    }
}

impl Steps for Sim {
    type Temp = (String, usize);

    fn list(&mut self, dir: &Path) -> io::Result<Vec<String>> {
        assert_eq!(dir, Path::new(DIR));
        self.step(Op::List)?;
        Ok(self.current_dir.keys().cloned().collect())
    }

    fn remove(&mut self, path: &Path) -> io::Result<()> {
        let name = Self::file(path);
        self.step(Op::Remove(name.clone()))?;
        self.current_dir
            .remove(&name)
            .map(drop)
            .ok_or_else(|| io::Error::from(io::ErrorKind::NotFound))
    }

    fn create_temp(&mut self, dir: &Path, prefix: &str, _: Access) -> io::Result<Self::Temp> {
        assert_eq!(dir, Path::new(DIR));
        self.created += 1;
        let name = format!("{prefix}r{}{TEMP_SUFFIX}", self.created);
        self.step(Op::Create(name.clone()))?;
        self.inodes.push(Inode::default());
        let inode = self.inodes.len() - 1;
        self.current_dir.insert(name.clone(), inode);
        Ok((name, inode))
    }

    fn write(&mut self, (name, inode): &mut Self::Temp, bytes: &[u8]) -> io::Result<()> {
        self.step(Op::Write(name.clone()))?;
        self.inodes[*inode].current.extend_from_slice(bytes);
        Ok(())
    }

    fn sync_file(&mut self, (name, inode): &mut Self::Temp) -> io::Result<()> {
        self.step(Op::SyncFile(name.clone()))?;
        let inode = &mut self.inodes[*inode];
        inode.durable = inode.current.clone();
        Ok(())
    }

    fn rename(&mut self, (name, inode): Self::Temp, target: &Path) -> io::Result<()> {
        let target = Self::file(target);
        self.step(Op::Rename(name.clone(), target.clone()))?;
        self.current_dir.remove(&name);
        self.current_dir.insert(target, inode);
        Ok(())
    }

    fn sync_dir(&mut self, dir: &Path) -> io::Result<()> {
        assert_eq!(dir, Path::new(DIR));
        self.step(Op::SyncDir)?;
        self.durable_dir = self.current_dir.clone();
        Ok(())
    }
}

const TARGET: &str = "settings.toml";
const OLD: &[u8] = b"language = \"en\"\nrefresh_interval_secs = 15\n";
const NEW: &[u8] = b"language = \"ja\"\nrefresh_interval_secs = 30\n[[datasources]]\n";

fn target() -> std::path::PathBuf {
    Path::new(DIR).join(TARGET)
}

fn disk(files: &[(&str, &[u8])]) -> BTreeMap<String, Vec<u8>> {
    files
        .iter()
        .map(|(name, content)| ((*name).to_owned(), content.to_vec()))
        .collect()
}

#[test]
fn the_steps_are_write_fsync_rename_then_directory_fsync() {
    let mut sim = Sim::with(&disk(&[(TARGET, OLD)]));
    write_with(&mut sim, &target(), NEW, Access::Private).unwrap();
    let temp = format!(".{TARGET}.r1{TEMP_SUFFIX}");
    assert_eq!(
        sim.log,
        [
            Op::List,
            Op::Create(temp.clone()),
            Op::Write(temp.clone()),
            Op::SyncFile(temp.clone()),
            Op::Rename(temp, TARGET.to_owned()),
            Op::SyncDir,
        ]
    );
}

#[test]
fn a_power_cut_before_any_step_leaves_the_old_or_the_new_file_whole() {
    // A stale temporary from an earlier crash, so the clean-up's steps are cut too.
    let stale = format!(".{TARGET}.old1{TEMP_SUFFIX}");
    for before in [
        disk(&[(TARGET, OLD), (stale.as_str(), b"lan")]),
        disk(&[(TARGET, OLD)]),
        // The first save: no file yet is fine, an empty or partial one is not.
        disk(&[]),
    ] {
        let mut whole = Sim::with(&before);
        write_with(&mut whole, &target(), NEW, Access::Private).unwrap();
        let steps = whole.log.len();
        let mut cuts = 0;
        for cut in 0..=steps {
            let mut sim = Sim::with(&before);
            sim.cut_after = Some(cut);
            let acknowledged = write_with(&mut sim, &target(), NEW, Access::Private).is_ok();
            assert_eq!(acknowledged, cut == steps, "cut after {cut} steps");
            for after in sim.after_cut() {
                let old = before.get(TARGET).map(Vec::as_slice);
                let found = after.get(TARGET).map(Vec::as_slice);
                let at = format!("cut after {:?}: {after:?}", &sim.log);
                if acknowledged {
                    assert_eq!(found, Some(NEW), "an acknowledged save was lost; {at}");
                } else {
                    assert!(found == old || found == Some(NEW), "{at}");
                }
                cuts += 1;

                // The next save (the next start's) cleans up what the cut left behind.
                let mut rebooted = Sim::with(&after);
                write_with(&mut rebooted, &target(), NEW, Access::Private).unwrap();
                let names: Vec<_> = rebooted.current_dir.keys().cloned().collect();
                assert_eq!(names, [TARGET], "{at}");
            }
        }
        // Some cuts have two outcomes (the directory synced or not): both were looked at.
        assert!(cuts > steps + 1);
    }
}
