//! `--state-file`: the store as JSON, written atomically (temp file + rename) so a crash
//! mid-write never leaves a torn file.
use super::store::Store;
use std::io::Write;
use std::path::Path;

/// Loads a saved store.
pub fn load(path: &Path) -> std::io::Result<Store> {
    let text = std::fs::read(path)?;
    serde_json::from_slice(&text)
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
}

/// Saves the store atomically.
pub fn save(path: &Path, store: &Store) -> std::io::Result<()> {
    let text = serde_json::to_vec(store).map_err(std::io::Error::other)?;
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("state");
    let tmp = dir.join(format!(".{name}.tmp.{}", std::process::id()));
    {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(&text)?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, path)
}
