//! The server's host key: made on the first run, kept readable by its owner
//! only, and reused after, so students' known_hosts stay valid.

use std::fs::{self, DirBuilder, OpenOptions};
use std::io::{ErrorKind, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use russh::keys::ssh_key::LineEnding;
use russh::keys::{Algorithm, HashAlg, PrivateKey, PublicKey};

/// `$XDG_STATE_HOME/chainstep/host_key`, else
/// `~/.local/state/chainstep/host_key`, else `./chainstep_host_key`.
pub fn default_path() -> PathBuf {
    let var = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty()).map(PathBuf::from);
    match var("XDG_STATE_HOME").or_else(|| var("HOME").map(|h| h.join(".local/state"))) {
        Some(state) => state.join("chainstep").join("host_key"),
        None => PathBuf::from("chainstep_host_key"),
    }
}

/// The key at `path`, made there (ed25519, mode 0600) if there is none.
/// Returns the key and whether it is new.
pub fn load_or_create(path: &Path) -> Result<(PrivateKey, bool), String> {
    let shown = path.display();
    match load(path) {
        Ok(key) => return Ok((key, false)),
        Err(e) if e.kind() == ErrorKind::NotFound => {}
        Err(e) => return Err(format!("host key {shown}: {e}")),
    }
    let key = PrivateKey::random(&mut russh::keys::key::safe_rng(), Algorithm::Ed25519)
        .map_err(|e| format!("making a host key: {e}"))?;
    let text = key
        .to_openssh(LineEnding::LF)
        .map_err(|e| format!("encoding the host key: {e}"))?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(|e| format!("making {}: {e}", dir.display()))?;
    }
    let file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path);
    match file {
        Ok(mut f) => {
            f.write_all(text.as_bytes())
                .and_then(|()| f.sync_all())
                .map_err(|e| format!("writing {shown}: {e}"))?;
            Ok((key, true))
        }
        // Another server made it first: use theirs.
        Err(e) if e.kind() == ErrorKind::AlreadyExists => load(path)
            .map(|k| (k, false))
            .map_err(|e| format!("host key {shown}: {e}")),
        Err(e) => Err(format!("writing {shown}: {e}")),
    }
}

fn load(path: &Path) -> std::io::Result<PrivateKey> {
    let mode = fs::metadata(path)?.permissions().mode();
    if mode & 0o077 != 0 {
        let msg = format!(
            "others can read it (mode {:o}); run chmod 600 on it",
            mode & 0o777
        );
        return Err(std::io::Error::new(ErrorKind::PermissionDenied, msg));
    }
    let text = fs::read_to_string(path)?;
    let key = PrivateKey::from_openssh(text).map_err(|e| std::io::Error::new(ErrorKind::InvalidData, e))?;
    if key.is_encrypted() {
        return Err(std::io::Error::new(
            ErrorKind::InvalidData,
            "it is encrypted with a passphrase",
        ));
    }
    Ok(key)
}

/// "SHA256:…", as `ssh-keygen -l` and ssh's prompts show it.
pub fn fingerprint(key: &PublicKey) -> String {
    key.fingerprint(HashAlg::Sha256).to_string()
}

/// The public keys in an OpenSSH public key file: one per line, as in
/// authorized_keys without options; blank lines and # comments skipped.
pub fn read_public_keys(path: &Path) -> Result<Vec<PublicKey>, String> {
    let shown = path.display();
    let text = fs::read_to_string(path).map_err(|e| format!("presenter key {shown}: {e}"))?;
    let mut keys = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let key = PublicKey::from_openssh(line).map_err(|e| {
            format!(
                "presenter key {shown}, line {}: not an OpenSSH public key ({e})",
                n + 1
            )
        })?;
        keys.push(key);
    }
    if keys.is_empty() {
        return Err(format!("presenter key {shown}: no public key in it"));
    }
    Ok(keys)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tmp(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("chainstep-hostkey-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        dir.join("sub").join("host_key")
    }

    #[test]
    fn made_once_private_and_reused() {
        let path = tmp("reuse");
        let (a, new) = load_or_create(&path).unwrap();
        assert!(new);
        assert_eq!(fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        let (b, new) = load_or_create(&path).unwrap();
        assert!(!new);
        assert_eq!(a.public_key(), b.public_key());
        assert!(fingerprint(a.public_key()).starts_with("SHA256:"));
        fs::remove_dir_all(path.parent().unwrap().parent().unwrap()).unwrap();
    }

    #[test]
    fn a_key_others_can_read_is_refused() {
        let path = tmp("open");
        load_or_create(&path).unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
        let err = load_or_create(&path).unwrap_err();
        assert!(err.contains("chmod 600"), "{err}");
        fs::remove_dir_all(path.parent().unwrap().parent().unwrap()).unwrap();
    }
}
