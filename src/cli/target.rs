//! What `plan`, `apply` and `flush` work on: a view file and a MidoNet — the one at
//! `--midonet-url`, or an embedded emulator pre-loaded with the view's hosts.
use crate::gni::{self, Gni, Limits};
use crate::midonet::client::{ClientConfig, MidonetClient};
use crate::midonet::sim::{self, SimConfig, SimHandle};
use clap::Args;
use std::path::PathBuf;

#[derive(Args, Debug, Clone)]
pub struct TargetArgs {
    /// The global network view (global_network_info.xml) to converge to.
    #[arg(long, value_name = "FILE")]
    pub gni: PathBuf,
    /// MidoNet's REST API root, e.g. http://127.0.0.1:8181/midonet-api. Without it, an
    /// embedded MidoNet emulator is started with the view's NC nodes, gateways and CLC
    /// registered as hosts, so the command can be tried anywhere.
    #[arg(long, value_name = "URL", env = "MIDO_API_URIBASE")]
    pub midonet_url: Option<String>,
}

/// A connected MidoNet, and the embedded emulator when there is one.
pub struct Target {
    pub view: Gni,
    pub client: MidonetClient,
    pub embedded: Option<SimHandle>,
}

#[derive(Debug, thiserror::Error)]
pub enum TargetError {
    #[error("{path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: invalid view, nothing was changed:\n{message}")]
    View { path: String, message: String },
    #[error("cannot start the embedded MidoNet emulator: {0}")]
    Embedded(std::io::Error),
    #[error("cannot reach MidoNet at {url}: {source}")]
    Connect {
        url: String,
        source: crate::midonet::client::error::Error,
    },
}

/// Reads at most `max + 1` bytes: a view over the limit is refused without being read whole.
fn read_capped(path: &std::path::Path, max: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let file = std::fs::File::open(path)?;
    let len = file.metadata()?.len();
    let mut bytes = Vec::with_capacity(usize::try_from(len.min(max)).unwrap_or(0));
    file.take(max.saturating_add(1)).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Reads and validates a view; every problem is listed in the error.
pub fn load_view(path: &std::path::Path) -> Result<Gni, TargetError> {
    let p = path.display().to_string();
    let limits = Limits::default();
    // A regular file over the cap is refused from its size alone, with its real size.
    if let Ok(len) = std::fs::metadata(path).map(|m| m.len()) {
        if len > limits.max_bytes {
            let e = gni::ViewError::TooLarge {
                size: len,
                limit: limits.max_bytes,
            };
            return Err(TargetError::View {
                path: p,
                message: format!("  {e}"),
            });
        }
    }
    let bytes = read_capped(path, limits.max_bytes).map_err(|source| TargetError::Read {
        path: p.clone(),
        source,
    })?;
    gni::load(&bytes, &limits).map_err(|e| {
        let message = match e {
            gni::ViewError::Invalid(problems) => problems
                .iter()
                .map(|x| format!("  {x}"))
                .collect::<Vec<_>>()
                .join("\n"),
            other => format!("  {other}"),
        };
        TargetError::View { path: p, message }
    })
}

pub async fn open(args: &TargetArgs) -> Result<Target, TargetError> {
    let view = load_view(&args.gni)?;
    let (url, embedded) = match &args.midonet_url {
        Some(u) => (u.clone(), None),
        None => {
            let h = sim::start(SimConfig {
                hosts_from_gni: Some(args.gni.clone()),
                ..SimConfig::default()
            })
            .await
            .map_err(TargetError::Embedded)?;
            (h.url(), Some(h))
        }
    };
    let client = MidonetClient::connect(&url, ClientConfig::default())
        .await
        .map_err(|source| TargetError::Connect { url, source })?;
    Ok(Target {
        view,
        client,
        embedded,
    })
}

impl Target {
    pub async fn close(self) {
        if let Some(h) = self.embedded {
            let _ = h.stop().await;
        }
    }
}
