//! The daemon's configuration: defaults, then eucalyptus.conf (the MidoNet keys eucanetd reads,
//! spec vpc-to-midonet.md §15.9), then a TOML file, then `VPCMIDO_*` environment variables,
//! then command-line flags — each later source overriding the earlier ones.
//!
//! TOML keys (all optional) and their environment variables (`VPCMIDO_` + upper case):
//! `gni`, `midonet_url`, `admin`, `admin_token_file`, `applied_version_file`,
//! `poll_interval_seconds`, `audit_interval_seconds` (0 disables audits), `guard_share`,
//! `max_in_flight`, `backoff_base_seconds`, `backoff_cap_seconds`, `log_format`
//! (`text`/`json`), `log_level` (a tracing filter such as `info` or `vpcmido=debug`),
//! `eucalyptus_conf`, `watch_inotify` (`true`/`false`).
use crate::topology::Settings;
use serde::Deserialize;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Where the admin API listens unless told otherwise (loopback only).
pub const DEFAULT_ADMIN: &str = "127.0.0.1:9711";
/// eucalyptus.conf's usual place; read when it exists and no other is named.
pub const DEFAULT_EUCALYPTUS_CONF: &str = "/etc/eucalyptus/eucalyptus.conf";
/// eucanetd's upper bounds (§15.9).
const MAX_RTID_LIMIT: u32 = 32750;
const MAX_ENIID_LIMIT: u32 = 16_777_215;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Toml { path: String, message: String },
    #[error("{source_name}: {key}={value:?}: {why}")]
    Value {
        source_name: String,
        key: String,
        value: String,
        why: String,
    },
    #[error("no view file: give --gni FILE (or `gni` in the config file, or VPCMIDO_GNI)")]
    NoView,
}

/// Log line format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum LogFormat {
    #[default]
    Text,
    Json,
}

/// The TOML file's shape (and what environment variables may set).
#[derive(Debug, Default, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub gni: Option<PathBuf>,
    pub midonet_url: Option<String>,
    pub admin: Option<String>,
    pub admin_token_file: Option<PathBuf>,
    pub applied_version_file: Option<PathBuf>,
    pub poll_interval_seconds: Option<f64>,
    pub audit_interval_seconds: Option<f64>,
    pub guard_share: Option<f64>,
    pub max_in_flight: Option<usize>,
    pub backoff_base_seconds: Option<f64>,
    pub backoff_cap_seconds: Option<f64>,
    pub log_format: Option<String>,
    pub log_level: Option<String>,
    pub eucalyptus_conf: Option<PathBuf>,
    pub watch_inotify: Option<bool>,
}

/// The resolved configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub gni: PathBuf,
    /// `None`: run on an embedded emulator.
    pub midonet_url: Option<String>,
    pub admin: SocketAddr,
    pub admin_token_file: Option<PathBuf>,
    pub applied_version_file: PathBuf,
    pub poll_interval: Duration,
    pub audit_interval: Option<Duration>,
    pub guard_share: f64,
    pub max_in_flight: usize,
    pub backoff_base: Duration,
    pub backoff_cap: Duration,
    pub log_format: LogFormat,
    pub log_level: String,
    pub settings: Settings,
    /// Watch the view's directory with inotify (the poll runs regardless).
    pub watch_inotify: bool,
}

fn bad(src: &str, key: &str, value: &str, why: &str) -> ConfigError {
    ConfigError::Value {
        source_name: src.to_string(),
        key: key.to_string(),
        value: value.to_string(),
        why: why.to_string(),
    }
}

fn yes_no(src: &str, key: &str, v: &str) -> Result<bool, ConfigError> {
    match v.to_ascii_uppercase().as_str() {
        "Y" | "YES" | "TRUE" | "1" => Ok(true),
        "N" | "NO" | "FALSE" | "0" => Ok(false),
        _ => Err(bad(src, key, v, "expected Y or N")),
    }
}

fn number<T: std::str::FromStr>(src: &str, key: &str, v: &str) -> Result<T, ConfigError> {
    v.trim()
        .parse()
        .map_err(|_| bad(src, key, v, "expected a number"))
}

/// `KEY="value"` lines of eucalyptus.conf (shell syntax: `#` comments, optional quotes).
pub fn parse_eucalyptus_conf(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter_map(|l| {
            let l = l.trim();
            if l.starts_with('#') {
                return None;
            }
            let (k, v) = l.split_once('=')?;
            let v = v.trim();
            let v = v
                .strip_prefix('"')
                .and_then(|x| x.strip_suffix('"'))
                .or_else(|| v.strip_prefix('\'').and_then(|x| x.strip_suffix('\'')))
                .unwrap_or(v);
            Some((k.trim().to_string(), v.to_string()))
        })
        .collect()
}

/// Applies eucalyptus.conf's MidoNet keys; other keys are ignored (they belong to other
/// components).
pub fn apply_eucalyptus_conf(
    cfg: &mut Config,
    src: &str,
    pairs: &[(String, String)],
) -> Result<(), ConfigError> {
    for (k, v) in pairs {
        match k.as_str() {
            "MIDO_API_URIBASE" if !v.is_empty() => cfg.midonet_url = Some(v.clone()),
            "POLLING_FREQUENCY" => {
                let s: f64 = number(src, k, v)?;
                if s <= 0.0 {
                    return Err(bad(src, k, v, "must be positive"));
                }
                cfg.poll_interval = Duration::from_secs_f64(s);
            }
            "DISABLE_L2_ISOLATION" => cfg.settings.l2_isolation = !yes_no(src, k, v)?,
            "MIDO_ENABLE_ARPTABLE" => cfg.settings.arp_table = yes_no(src, k, v)?,
            "MIDO_ENABLE_MIDOMD" => cfg.settings.metadata = yes_no(src, k, v)?,
            "MIDO_MAX_RTID" => {
                let n: u32 = number(src, k, v)?;
                if n == 0 || n > MAX_RTID_LIMIT {
                    return Err(bad(src, k, v, "must be 1..=32750"));
                }
                cfg.settings.max_rtid = n;
            }
            "MIDO_MAX_ENIID" => {
                let n: u32 = number(src, k, v)?;
                if n == 0 || n > MAX_ENIID_LIMIT {
                    return Err(bad(src, k, v, "must be 1..=16777215"));
                }
                cfg.settings.max_eniid = n;
            }
            _ => {}
        }
    }
    Ok(())
}

fn secs(src: &str, key: &str, s: f64) -> Result<Duration, ConfigError> {
    if !(s.is_finite() && s >= 0.0) {
        return Err(bad(src, key, &s.to_string(), "must be 0 or more seconds"));
    }
    Ok(Duration::from_secs_f64(s))
}

/// Overlays a [`FileConfig`] (from TOML or the environment) on `cfg`.
pub fn apply_file(cfg: &mut Config, src: &str, f: &FileConfig) -> Result<(), ConfigError> {
    if let Some(v) = &f.gni {
        cfg.gni = v.clone();
    }
    if let Some(v) = &f.midonet_url {
        cfg.midonet_url = Some(v.clone()).filter(|u| !u.is_empty());
    }
    if let Some(v) = &f.admin {
        cfg.admin = v
            .parse()
            .map_err(|_| bad(src, "admin", v, "expected ADDRESS:PORT"))?;
    }
    if let Some(v) = &f.admin_token_file {
        cfg.admin_token_file = Some(v.clone());
    }
    if let Some(v) = &f.applied_version_file {
        cfg.applied_version_file = v.clone();
    }
    if let Some(s) = f.poll_interval_seconds {
        cfg.poll_interval = secs(src, "poll_interval_seconds", s)?.max(Duration::from_millis(10));
    }
    if let Some(s) = f.audit_interval_seconds {
        let d = secs(src, "audit_interval_seconds", s)?;
        cfg.audit_interval = (!d.is_zero()).then_some(d);
    }
    if let Some(s) = f.guard_share {
        if !(0.0..=1.0).contains(&s) {
            return Err(bad(src, "guard_share", &s.to_string(), "must be 0..=1"));
        }
        cfg.guard_share = s;
    }
    if let Some(n) = f.max_in_flight {
        cfg.max_in_flight = n.max(1);
    }
    if let Some(s) = f.backoff_base_seconds {
        cfg.backoff_base = secs(src, "backoff_base_seconds", s)?;
    }
    if let Some(s) = f.backoff_cap_seconds {
        cfg.backoff_cap = secs(src, "backoff_cap_seconds", s)?;
    }
    if let Some(v) = &f.log_format {
        cfg.log_format = match v.as_str() {
            "text" => LogFormat::Text,
            "json" => LogFormat::Json,
            _ => return Err(bad(src, "log_format", v, "expected text or json")),
        };
    }
    if let Some(v) = &f.log_level {
        cfg.log_level = v.clone();
    }
    if let Some(v) = f.watch_inotify {
        cfg.watch_inotify = v;
    }
    Ok(())
}

/// `VPCMIDO_*` variables as a [`FileConfig`].
pub fn from_env(get: impl Fn(&str) -> Option<String>) -> Result<FileConfig, ConfigError> {
    let src = "environment";
    let f = |k: &str| get(&format!("VPCMIDO_{}", k.to_ascii_uppercase()));
    let num = |k: &str| -> Result<Option<f64>, ConfigError> {
        f(k).map(|v| number(src, k, &v)).transpose()
    };
    Ok(FileConfig {
        gni: f("gni").map(PathBuf::from),
        midonet_url: f("midonet_url"),
        admin: f("admin"),
        admin_token_file: f("admin_token_file").map(PathBuf::from),
        applied_version_file: f("applied_version_file").map(PathBuf::from),
        poll_interval_seconds: num("poll_interval_seconds")?,
        audit_interval_seconds: num("audit_interval_seconds")?,
        guard_share: num("guard_share")?,
        max_in_flight: f("max_in_flight")
            .map(|v| number(src, "max_in_flight", &v))
            .transpose()?,
        backoff_base_seconds: num("backoff_base_seconds")?,
        backoff_cap_seconds: num("backoff_cap_seconds")?,
        log_format: f("log_format"),
        log_level: f("log_level"),
        eucalyptus_conf: f("eucalyptus_conf").map(PathBuf::from),
        watch_inotify: f("watch_inotify")
            .map(|v| yes_no(src, "watch_inotify", &v))
            .transpose()?,
    })
}

impl Default for Config {
    fn default() -> Self {
        Config {
            gni: PathBuf::new(),
            midonet_url: None,
            admin: SocketAddr::from(([127, 0, 0, 1], 9711)),
            admin_token_file: None,
            applied_version_file: PathBuf::from(crate::actors::handshake::DEFAULT_PATH),
            poll_interval: Duration::from_secs(1),
            audit_interval: Some(Duration::from_secs(600)),
            guard_share: 0.5,
            max_in_flight: 4,
            backoff_base: Duration::from_secs(1),
            backoff_cap: Duration::from_secs(60),
            log_format: LogFormat::Text,
            log_level: "info".into(),
            settings: Settings::default(),
            watch_inotify: true,
        }
    }
}

fn read(path: &Path) -> Result<String, ConfigError> {
    std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: path.display().to_string(),
        source,
    })
}

/// Resolves the configuration from every source but the command line (which the caller
/// overlays with [`apply_file`]): eucalyptus.conf, the TOML file, the environment.
pub fn load(
    toml_path: Option<&Path>,
    eucalyptus_conf: Option<&Path>,
    env: impl Fn(&str) -> Option<String>,
) -> Result<Config, ConfigError> {
    let file = match toml_path {
        Some(p) => toml::from_str::<FileConfig>(&read(p)?).map_err(|e| ConfigError::Toml {
            path: p.display().to_string(),
            message: e.to_string(),
        })?,
        None => FileConfig::default(),
    };
    let env = from_env(env)?;
    let mut cfg = Config::default();
    let conf = eucalyptus_conf
        .map(Path::to_path_buf)
        .or_else(|| env.eucalyptus_conf.clone())
        .or_else(|| file.eucalyptus_conf.clone());
    match conf {
        Some(p) => {
            let src = p.display().to_string();
            apply_eucalyptus_conf(&mut cfg, &src, &parse_eucalyptus_conf(&read(&p)?))?;
        }
        None => {
            let p = Path::new(DEFAULT_EUCALYPTUS_CONF);
            if let Ok(text) = std::fs::read_to_string(p) {
                apply_eucalyptus_conf(
                    &mut cfg,
                    DEFAULT_EUCALYPTUS_CONF,
                    &parse_eucalyptus_conf(&text),
                )?;
            }
        }
    }
    if let Some(p) = toml_path {
        apply_file(&mut cfg, &p.display().to_string(), &file)?;
    }
    apply_file(&mut cfg, "environment", &env)?;
    Ok(cfg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn later_sources_override_earlier_ones() {
        let dir = tempfile::tempdir().unwrap();
        let conf = dir.path().join("eucalyptus.conf");
        std::fs::write(
            &conf,
            "# comment\nMIDO_API_URIBASE=\"http://10.0.0.1:8080/midonet-api\"\nPOLLING_FREQUENCY=\"3\"\n\
             DISABLE_L2_ISOLATION=\"Y\"\nMIDO_ENABLE_ARPTABLE=N\nMIDO_MAX_RTID=\"1000\"\nVNET_MODE=\"VPCMIDO\"\n",
        )
        .unwrap();
        let toml_path = dir.path().join("vpcmido.toml");
        std::fs::write(
            &toml_path,
            "gni = \"/tmp/v.xml\"\npoll_interval_seconds = 2.0\nguard_share = 0.3\n",
        )
        .unwrap();
        let env = |k: &str| (k == "VPCMIDO_GUARD_SHARE").then(|| "0.25".to_string());
        let c = load(Some(&toml_path), Some(&conf), env).unwrap();
        assert_eq!(
            c.midonet_url.as_deref(),
            Some("http://10.0.0.1:8080/midonet-api")
        );
        assert_eq!(
            c.poll_interval,
            Duration::from_secs(2),
            "TOML over eucalyptus.conf"
        );
        assert_eq!(c.guard_share, 0.25, "environment over TOML");
        assert!(!c.settings.l2_isolation);
        assert!(!c.settings.arp_table);
        assert_eq!(c.settings.max_rtid, 1000);
        assert_eq!(c.gni, PathBuf::from("/tmp/v.xml"));
    }

    #[test]
    fn bad_values_name_their_source_and_key() {
        let mut c = Config::default();
        let e = apply_eucalyptus_conf(
            &mut c,
            "x.conf",
            &[("MIDO_MAX_RTID".into(), "99999".into())],
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "x.conf: MIDO_MAX_RTID=\"99999\": must be 1..=32750"
        );
        let e = toml::from_str::<FileConfig>("nope = 1").unwrap_err();
        assert!(e.to_string().contains("unknown field"), "{e}");
    }
}
