//! Binding a listening socket inside a network namespace (for `MIDO_MD_VETH_USE_NETNS=Y`,
//! where 169.254.169.254 lives on `eucamd_host` inside namespace `eucamd`).
//!
//! A socket belongs to the namespace it was created in, whatever thread later uses it. So a
//! short-lived thread enters the namespace (`setns`), binds, and hands the listener back; the
//! daemon's own threads never change namespace, and the proxy still reaches the CLC on the
//! host's loopback.
use super::MetadataError;
use std::fs::File;
use std::net::{SocketAddr, TcpListener};
use std::os::fd::AsRawFd;
use std::path::PathBuf;

/// Where iproute2 keeps named namespaces.
pub const NETNS_DIR: &str = "/run/netns";

/// Binds `addr` inside the named namespace (as created by `ip netns add`).
pub fn bind_in_netns(netns: &str, addr: SocketAddr) -> Result<TcpListener, MetadataError> {
    let path = PathBuf::from(NETNS_DIR).join(netns);
    let ns_err = |source: std::io::Error| MetadataError::Netns {
        netns: netns.to_string(),
        source,
    };
    let file = File::open(&path).map_err(ns_err)?;
    let worker = std::thread::Builder::new()
        .name("netns-bind".into())
        .spawn(move || -> Result<TcpListener, std::io::Error> {
            // SAFETY: setns only reads the descriptor, which `file` keeps open for the call;
            // it changes the namespace of this thread alone, which exits right after binding.
            let rc = unsafe { libc::setns(file.as_raw_fd(), libc::CLONE_NEWNET) };
            if rc != 0 {
                return Err(std::io::Error::last_os_error());
            }
            TcpListener::bind(addr)
        })
        .map_err(ns_err)?;
    match worker.join() {
        Ok(Ok(l)) => Ok(l),
        Ok(Err(source)) => Err(MetadataError::Bind {
            addr,
            netns: Some(netns.to_string()),
            source,
        }),
        Err(_) => Err(ns_err(std::io::Error::other(
            "namespace bind thread panicked",
        ))),
    }
}
