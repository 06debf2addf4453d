//! The files a source names: folders (walked recursively), single files, or globs. Anything
//! that cannot be listed is reported, never fatal: the other files are still read.

use std::path::{Path, PathBuf};

pub struct Discovered {
    pub files: Vec<PathBuf>,
    /// (path, why) of what could not be listed.
    pub problems: Vec<(String, String)>,
}

pub fn discover(sources: &[String], skip: &Path) -> Discovered {
    let mut found = Discovered {
        files: Vec::new(),
        problems: Vec::new(),
    };
    for source in sources {
        if source.contains(['*', '?', '[']) {
            match glob::glob(source) {
                Ok(paths) => {
                    for entry in paths {
                        match entry {
                            Ok(path) if path.is_dir() => walk(&path, skip, &mut found),
                            Ok(path) => found.files.push(path),
                            Err(err) => found
                                .problems
                                .push((err.path().display().to_string(), err.error().to_string())),
                        }
                    }
                }
                Err(err) => found.problems.push((source.clone(), err.to_string())),
            }
        } else {
            let path = PathBuf::from(source);
            if path.is_dir() {
                walk(&path, skip, &mut found);
            } else {
                found.files.push(path);
            }
        }
    }
    found
        .files
        .retain(|path| !path.starts_with(skip) && !path.is_dir());
    found.files.sort();
    found.files.dedup();
    found
}

fn walk(dir: &Path, skip: &Path, found: &mut Discovered) {
    if dir.starts_with(skip) {
        return;
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(err) => {
            found
                .problems
                .push((dir.display().to_string(), err.to_string()));
            return;
        }
    };
    for entry in entries.flatten() {
        let path = entry.path();
        match entry.file_type() {
            Ok(kind) if kind.is_dir() => walk(&path, skip, found),
            Ok(_) => found.files.push(path),
            Err(err) => found
                .problems
                .push((path.display().to_string(), err.to_string())),
        }
    }
}
