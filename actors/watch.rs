//! Watching the view file: an inotify watch on its directory (the CLC replaces the file, so
//! the file's own inode cannot be watched) posts [`CheckView`] at once, and a poll (default
//! 1 s) catches what notification misses (NFS, a failed watch). The director skips unchanged
//! files by metadata, then by content hash, then by version, so spurious wake-ups cost a stat.
use super::messages::CheckView;
use actix::Recipient;
use std::path::Path;

/// Starts the inotify thread; returns `false` (after logging why) when no watch could be set,
/// in which case the poll alone detects changes.
pub fn spawn_inotify(path: &Path, to: Recipient<CheckView>) -> bool {
    use inotify::{Inotify, WatchMask};
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let Some(name) = path.file_name().map(|n| n.to_os_string()) else {
        return false;
    };
    let mut ino = match Inotify::init() {
        Ok(i) => i,
        Err(e) => {
            tracing::warn!(error = %e, "inotify unavailable; polling the view only");
            return false;
        }
    };
    if let Err(e) = ino.watches().add(
        &dir,
        WatchMask::CLOSE_WRITE | WatchMask::MOVED_TO | WatchMask::CREATE,
    ) {
        tracing::warn!(dir = %dir.display(), error = %e, "cannot watch the view's directory; polling only");
        return false;
    }
    let spawned = std::thread::Builder::new()
        .name("vpcmido-inotify".into())
        .spawn(move || {
            let mut buf = [0u8; 4096];
            loop {
                match ino.read_events_blocking(&mut buf) {
                    Ok(events) => {
                        let ours = events.into_iter().any(|e| e.name == Some(name.as_os_str()));
                        // A full mailbox only drops a wake-up (the poll catches up); a closed
                        // one means the daemon is stopping.
                        if ours
                            && to.try_send(CheckView { force: false }).is_err()
                            && !to.connected()
                        {
                            return;
                        }
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "inotify read failed; polling the view only");
                        return;
                    }
                }
            }
        });
    spawned.is_ok()
}
