//! Local files that hold secrets or personal data (the SQLite database, the
//! development signing secret, the `.eml` files of the file transport) are
//! the owner's alone: folders are made 0700 and files 0600, whatever the
//! umask. On other systems than Unix the platform's defaults apply.

use std::io::Write;
use std::path::Path;

/// Makes `dir` and its missing parents, each new one readable by the owner
/// only. An existing folder keeps its mode: the operator chose it.
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// A new file, readable and writable by the owner only; fails if it exists,
/// so that a file planted beforehand (with another owner or mode) is never
/// written into.
pub fn write_new_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    new_private(path)?.write_all(bytes)
}

/// An empty file of the owner only, unless `path` exists already. SQLite
/// gives its `-wal` and `-shm` files the mode of the database file, so
/// making the database file first is enough for all three.
pub fn touch_private(path: &Path) -> std::io::Result<()> {
    match new_private(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

fn new_private(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

/// Why the file at `path` may not hold a secret: readable or writable by
/// group or others, or owned by another user. None when it is private.
#[cfg(unix)]
pub fn not_private(path: &Path) -> std::io::Result<Option<String>> {
    use std::os::unix::fs::MetadataExt;
    // Not following a link: the link's target could be anyone's file.
    let meta = std::fs::symlink_metadata(path)?;
    if !meta.file_type().is_file() {
        return Ok(Some("it is not a regular file".into()));
    }
    let mode = meta.mode() & 0o777;
    if mode & 0o077 != 0 {
        return Ok(Some(format!(
            "its mode is {mode:03o}: group or others can read or change it"
        )));
    }
    // SAFETY: geteuid has no preconditions and cannot fail.
    let me = unsafe { libc::geteuid() };
    if meta.uid() != me {
        return Ok(Some(format!(
            "it belongs to user {}, not to the user running the server ({me})",
            meta.uid()
        )));
    }
    Ok(None)
}

#[cfg(not(unix))]
pub fn not_private(path: &Path) -> std::io::Result<Option<String>> {
    std::fs::metadata(path).map(|_| None)
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    fn temp() -> std::path::PathBuf {
        std::env::temp_dir().join(format!("samkjop_files_{:016x}", rand::random::<u64>()))
    }

    #[test]
    fn new_folders_and_files_are_the_owners_alone() {
        let root = temp();
        let dir = root.join("data").join("mail");
        create_private_dir(&dir).unwrap();
        assert_eq!(mode(&root), 0o700);
        assert_eq!(mode(&dir), 0o700);
        let file = dir.join("a.eml");
        write_new_private(&file, b"x").unwrap();
        assert_eq!(mode(&file), 0o600);
        assert_eq!(not_private(&file).unwrap(), None);
        assert!(
            write_new_private(&file, b"y").is_err(),
            "never written into"
        );
        let db = dir.join("db.sqlite");
        touch_private(&db).unwrap();
        touch_private(&db).unwrap();
        assert_eq!(mode(&db), 0o600);
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn a_file_others_can_read_is_not_private() {
        let root = temp();
        create_private_dir(&root).unwrap();
        let file = root.join("secret");
        write_new_private(&file, b"x").unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        let why = not_private(&file).unwrap().unwrap();
        assert!(why.contains("644"), "{why}");
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o620)).unwrap();
        assert!(not_private(&file).unwrap().is_some());
        std::fs::remove_dir_all(&root).unwrap();
    }
}
