//! The director's upkeep: the applied-version handshake, full reads of MidoNet for every
//! actor (resync all, drift audit), liveness of the actors, and the status document.
use super::*;

impl Director {
    /// Writes the applied-version file once the core and every VPC (retiring ones included:
    /// their deletes are part of the view) have applied the accepted version.
    pub(super) fn check_handshake(&mut self) {
        let Some(acc) = &self.accepted else { return };
        if self.written.as_deref() == Some(acc.version.as_str()) {
            return;
        }
        metrics::gauge!(m::VIEW_APPLY_LAG).set(acc.at.elapsed().as_secs_f64());
        let all = self
            .actors
            .values()
            .all(|e| e.status.applied_version.as_deref() == Some(acc.version.as_str()));
        if !all || !self.actors.contains_key(&Scope::Core) {
            return;
        }
        let version = acc.version.clone();
        if let Some(p) = &self.cfg.applied_version_file {
            if let Err(e) = handshake::write(p, &version) {
                tracing::error!(path = %p.display(), error = %e, "cannot write the applied-version file; the CLC will wait for it");
                return;
            }
        }
        metrics::counter!(m::HANDSHAKE_WRITES_TOTAL).increment(1);
        metrics::gauge!(m::VIEW_APPLIED_TIMESTAMP).set(epoch_secs(SystemTime::now()));
        metrics::gauge!(m::VIEW_APPLY_LAG).set(0.0);
        tracing::info!(%version, scopes = self.actors.len(), "view applied; applied-version written");
        self.written = Some(version);
    }

    /// Reads all of MidoNet once and hands every actor its fresh slice: a full resync or a
    /// drift audit costs one full discovery, not one per VPC (each of which would list every
    /// top-level collection again).
    pub(super) fn sweep(&mut self, ctx: &mut Context<Self>, trigger: Trigger) {
        if self.sweeping || self.draining {
            return;
        }
        let Some(acc) = &self.accepted else { return };
        self.sweeping = true;
        let full = acc.full.clone();
        let client = self.client.clone();
        tracing::info!(
            trigger = trigger.label(),
            "reading all of MidoNet for every scope"
        );
        let fut = async move {
            let snap = client.discover(&DiscoverFilter::default()).await?;
            let obs = observe::observed(&snap);
            let slices = partition(&full, &obs);
            Ok::<_, crate::midonet::client::error::Error>((Arc::new(snap), obs.hosts, slices))
        };
        ctx.spawn(fut.into_actor(self).map(move |res, act, _| {
            act.sweeping = false;
            match res {
                Ok((snap, hosts, mut slices)) => {
                    for (scope, e) in &act.actors {
                        let slice = slices.remove(scope).unwrap_or_else(|| Observed {
                            hosts: hosts.clone(),
                            ..Observed::default()
                        });
                        e.addr.do_send(Observe {
                            prediction: Prediction {
                                slice,
                                snapshot: snap.clone(),
                                fresh: true,
                            },
                            trigger,
                        });
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, trigger = trigger.label(), "reading MidoNet failed");
                    if trigger == Trigger::Admin {
                        // Each actor re-reads its own scope instead.
                        for e in act.actors.values() {
                            e.addr.do_send(Resync { trigger });
                        }
                    }
                }
            }
        }));
    }

    pub(super) fn schedule_audit(&mut self, ctx: &mut Context<Self>) {
        let Some(every) = self.cfg.scope.audit_interval else {
            return;
        };
        let jitter = rand::Rng::gen_range(&mut rand::thread_rng(), 0.75..1.25);
        ctx.run_later(every.mul_f64(jitter), |a, ctx| {
            a.sweep(ctx, Trigger::Audit);
            a.schedule_audit(ctx);
        });
    }

    pub(super) fn liveness(&mut self, ctx: &mut Context<Self>) {
        // Also keeps the apply-lag gauge moving while nothing reports.
        self.check_handshake();
        let dead: Vec<(Scope, bool, u64)> = self
            .actors
            .iter()
            .filter(|(_, e)| !e.addr.connected())
            .map(|(s, e)| (s.clone(), e.retiring, e.restarts))
            .collect();
        let Some(acc) = &self.accepted else { return };
        let (version, full) = (acc.version.clone(), acc.full.clone());
        for (scope, retiring, restarts) in dead {
            tracing::error!(%scope, restarts = restarts + 1, "actor died; starting it again (it re-reads its scope)");
            metrics::counter!(m::ACTOR_RESTARTS_TOTAL, "scope" => m::scope_label(&scope))
                .increment(1);
            self.start_actor(
                ctx,
                scope,
                &version,
                full.clone(),
                None,
                retiring,
                Trigger::Respawn,
                restarts + 1,
            );
        }
    }

    pub(super) fn status(&self) -> DaemonStatus {
        let mut st = DaemonStatus {
            view_path: self.cfg.gni_path.display().to_string(),
            loaded_version: self.loaded_version.clone(),
            accepted_version: self.accepted.as_ref().map(|a| a.version.clone()),
            applied_version: self.written.clone(),
            view_error: self.view_error.clone(),
            startup_error: self.startup_error.clone(),
            skipped: self.skipped.clone(),
            held: self
                .held
                .as_ref()
                .map(|h| HeldStatus::new(&h.version, &h.hold)),
            ready: self.core_ready && self.accepted.is_some(),
            ..DaemonStatus::default()
        };
        for (scope, e) in &self.actors {
            let s = ScopeStatus::from(&e.status);
            if *scope == Scope::Core {
                st.core = Some(s);
            } else {
                *st.vpc_states.entry(s.state.clone()).or_default() += 1;
                st.vpcs.push(s);
            }
        }
        let mut failing: Vec<&ScopeStatus> = st.vpcs.iter().filter(|s| s.failures > 0).collect();
        failing.sort_by(|a, b| b.failures.cmp(&a.failures).then(a.scope.cmp(&b.scope)));
        st.top_failing = failing.into_iter().take(10).cloned().collect();
        st
    }
}
