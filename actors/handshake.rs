//! The applied-version file (spec vpc-to-midonet.md §1.1): the CLC waits for it before it
//! re-broadcasts the view with `applied-version`, and node controllers release instances only
//! then. Written atomically (temporary file in the same directory, fsync, rename) so the CLC
//! never reads a partial version.
use std::io::Write;
use std::path::Path;

/// eucanetd's location.
pub const DEFAULT_PATH: &str = "/var/run/eucalyptus/global_network_info.version";

/// Writes `version` to `path` atomically.
pub fn write(path: &Path, version: &str) -> std::io::Result<()> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "global_network_info.version".into());
    let tmp = match dir {
        Some(d) => d.join(format!(".{name}.tmp")),
        None => std::path::PathBuf::from(format!(".{name}.tmp")),
    };
    {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(version.as_bytes())?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, path)
}
