//! Expanding one path argument into the files to read, in reading order.
//!
//! A file argument is itself. A directory is listed up front, paths only, recursively: hidden entries
//! (names starting with `.`) are left out, files of a type tenor does not read are left out without a
//! record, and the rest is sorted by the bytes of the path relative to the directory. Symbolic links
//! are followed; a linked directory whose canonical path was already read, or is being read (a loop),
//! is not entered and becomes one skipped record. A named pipe, socket or device is not opened (a pipe
//! with no writer would wait forever): named with an extension tenor reads, it becomes one skipped
//! record. Problems met on the way (an unreadable directory, a broken link) take their place in the
//! same order. Opening and reading the files is left to the
//! format readers.

use std::collections::{HashSet, VecDeque};
use std::ffi::OsStr;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use super::{FileType, Listed, Naming, Pending, Skipped, special_file};

/// The files and problems of argument `path`, in reading order.
pub(super) fn expand(path: &Path) -> VecDeque<Pending> {
    let label = path.display().to_string();
    let metadata = match fs::metadata(path) {
        Ok(metadata) => metadata,
        Err(error) => {
            let reason = if error.kind() == io::ErrorKind::NotFound {
                format!("{label}: no such file or directory")
            } else {
                format!("{label}: {error}")
            };
            return VecDeque::from([problem(label, reason)]);
        }
    };
    if !metadata.is_dir() {
        let name = path
            .file_name()
            .unwrap_or(path.as_os_str())
            .to_string_lossy();
        let entry = match FileType::split_name(&name) {
            Some((file_type, stem)) => Pending::File(Listed {
                path: path.to_path_buf(),
                file_type,
                naming: Naming::Alone {
                    stem: stem.to_string(),
                },
            }),
            None => problem(
                label.clone(),
                format!(
                    "{label}: not a file type tenor reads (.txt, .md, .jsonl, .ndjson, .csv, \
                     each optionally .gz)"
                ),
            ),
        };
        return VecDeque::from([entry]);
    }
    let mut walk = Walk {
        root: path,
        visited: HashSet::new(),
        found: Vec::new(),
    };
    match fs::canonicalize(path) {
        Ok(canonical) => {
            walk.visited.insert(canonical.clone());
            walk.directory(Path::new(""), &mut vec![canonical]);
        }
        Err(error) => walk.found.push((
            Vec::new(),
            problem(label.clone(), format!("{label}: {error}")),
        )),
    }
    // Stable, so a directory's own problem stays before what was found inside it.
    walk.found.sort_by(|a, b| a.0.cmp(&b.0));
    walk.found.into_iter().map(|(_, pending)| pending).collect()
}

fn problem(id: String, reason: String) -> Pending {
    Pending::Problem(Skipped { id, reason })
}

struct Walk<'a> {
    /// The directory argument, as given.
    root: &'a Path,
    /// Canonical paths of the directories entered so far.
    visited: HashSet<PathBuf>,
    /// What was found, keyed by the bytes of the path relative to the root.
    found: Vec<(Vec<u8>, Pending)>,
}

impl Walk<'_> {
    /// Lists directory `relative` (to the root), whose canonical path ends `ancestors`.
    fn directory(&mut self, relative: &Path, ancestors: &mut Vec<PathBuf>) {
        let path = self.root.join(relative);
        let entries = match fs::read_dir(&path) {
            Ok(entries) => entries,
            Err(error) => {
                self.problem(relative, format!("cannot read directory: {error}"));
                return;
            }
        };
        for entry in entries {
            let entry = match entry {
                Ok(entry) => entry,
                Err(error) => {
                    self.problem(relative, format!("cannot list directory: {error}"));
                    continue;
                }
            };
            let name = entry.file_name();
            if name.as_encoded_bytes().starts_with(b".") {
                continue;
            }
            let child = relative.join(&name);
            let file_type = match entry.file_type() {
                Ok(file_type) => file_type,
                Err(error) => {
                    self.problem(&child, format!("cannot read: {error}"));
                    continue;
                }
            };
            if file_type.is_dir() {
                self.enter(&child, ancestors, false);
            } else if file_type.is_file() {
                self.file(&child, &name);
            } else if file_type.is_symlink() {
                match fs::metadata(self.root.join(&child)) {
                    Ok(target) if target.is_dir() => self.enter(&child, ancestors, true),
                    Ok(target) if target.is_file() => self.file(&child, &name),
                    Ok(target) => self.special(&child, &name, &target),
                    Err(error) => {
                        if FileType::of_path(Path::new(&name)).is_some() {
                            self.problem(&child, format!("broken symbolic link: {error}"));
                        }
                    }
                }
            } else if let Ok(metadata) = entry.metadata() {
                self.special(&child, &name, &metadata);
            }
        }
    }

    /// Enters directory `relative`. A real directory is always entered (it cannot form a loop); a
    /// linked one only if its target was not entered before.
    fn enter(&mut self, relative: &Path, ancestors: &mut Vec<PathBuf>, linked: bool) {
        let canonical = match fs::canonicalize(self.root.join(relative)) {
            Ok(canonical) => canonical,
            Err(error) => {
                self.problem(relative, format!("cannot read directory: {error}"));
                return;
            }
        };
        if linked {
            if ancestors.contains(&canonical) {
                let reason = format!(
                    "symbolic link loop: leads back to {}, which is being read; not followed",
                    canonical.display()
                );
                self.problem(relative, reason);
                return;
            }
            if self.visited.contains(&canonical) {
                let reason = format!(
                    "links to {}, which was already read; not followed",
                    canonical.display()
                );
                self.problem(relative, reason);
                return;
            }
        }
        self.visited.insert(canonical.clone());
        ancestors.push(canonical);
        self.directory(relative, ancestors);
        ancestors.pop();
    }

    fn file(&mut self, relative: &Path, name: &OsStr) {
        let name = name.to_string_lossy();
        let Some((file_type, stem)) = FileType::split_name(&name) else {
            return;
        };
        let relative_text = slash_separated(relative);
        let parent = relative_text
            .strip_suffix(name.as_ref())
            .unwrap_or_default();
        let pending = Pending::File(Listed {
            path: self.root.join(relative),
            file_type,
            naming: Naming::InDirectory {
                stem: format!("{parent}{stem}"),
                relative: relative_text,
            },
        });
        self.found.push((sort_key(relative), pending));
    }

    /// A named pipe, socket or device: not opened, and reported only when its name says it was meant
    /// as input.
    fn special(&mut self, relative: &Path, name: &OsStr, metadata: &fs::Metadata) {
        let Some(kind) = special_file(metadata) else {
            return;
        };
        if FileType::of_path(Path::new(name)).is_some() {
            let reason = format!(
                "{kind}, not a regular file: not read from a directory (name it on the command \
                 line to read it)"
            );
            self.problem(relative, reason);
        }
    }

    /// Records a problem with `relative`, identified by its path as the user would write it.
    fn problem(&mut self, relative: &Path, reason: String) {
        let label = self.root.join(relative).display().to_string();
        let reason = format!("{label}: {reason}");
        self.found
            .push((sort_key(relative), problem(label, reason)));
    }
}

fn sort_key(relative: &Path) -> Vec<u8> {
    relative.as_os_str().as_encoded_bytes().to_vec()
}

/// `relative` with `/` between its parts, whatever the platform's separator.
fn slash_separated(relative: &Path) -> String {
    let mut text = String::new();
    for component in relative.components() {
        if let Component::Normal(part) = component {
            if !text.is_empty() {
                text.push('/');
            }
            text.push_str(&part.to_string_lossy());
        }
    }
    text
}
