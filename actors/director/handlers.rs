//! The director's mailbox: reports from actors, and requests from the admin API, signals
//! and the view watcher.
use super::*;

impl Actor for Director {
    type Context = Context<Self>;
    fn started(&mut self, ctx: &mut Context<Self>) {
        ctx.set_mailbox_capacity(16 * 1024);
        self.discover_at_startup(ctx);
        self.schedule_audit(ctx);
        ctx.run_interval(self.cfg.poll_interval, |a, ctx| a.check_view(ctx, false));
        ctx.run_interval(self.cfg.liveness_interval, |a, ctx| a.liveness(ctx));
        if self.cfg.inotify {
            super::super::watch::spawn_inotify(&self.cfg.gni_path, ctx.address().recipient());
        }
    }
}

impl Handler<Report> for Director {
    type Result = ();
    fn handle(&mut self, Report(mut status): Report, ctx: &mut Context<Self>) {
        let Some(e) = self.actors.get(&status.scope) else {
            return;
        };
        status.restarts = e.restarts;
        let old = e.status.clone();
        self.uncount(&old);
        if status.scope != Scope::Core {
            *self.state_counts.entry(status.state).or_default() += 1;
        }
        self.publish_state_gauges();
        let core_applied = status.scope == Scope::Core && status.applied_version.is_some();
        if let Some(e) = self.actors.get_mut(&status.scope) {
            e.status = status;
        }
        if core_applied && !self.core_ready {
            self.core_ready = true;
            tracing::info!("core applied: VPC supervisors may run");
            for (s, e) in &self.actors {
                if *s != Scope::Core {
                    e.addr.do_send(CoreReady);
                }
            }
        }
        let _ = ctx;
        self.check_handshake();
    }
}

impl Handler<Retired> for Director {
    type Result = ();
    fn handle(&mut self, m: Retired, _: &mut Context<Self>) {
        if self.actors.get(&m.scope).is_some_and(|e| e.retiring) {
            if let Some(e) = self.actors.remove(&m.scope) {
                self.uncount(&e.status);
                self.publish_state_gauges();
            }
            // What the retired VPC hung off core devices and could no longer name once its
            // router was gone (unlinked eucabr/eucamdbr ports, metadata routes on eucamdrt) and
            // the members of groups only it used now belong to the core's part: the core
            // re-reads MidoNet and sweeps them.
            if !self.draining {
                if let Some(core) = self.actors.get(&Scope::Core) {
                    core.addr.do_send(Resync {
                        trigger: Trigger::ViewChanged,
                    });
                }
            }
        }
        self.check_handshake();
    }
}

impl Handler<CheckView> for Director {
    type Result = ();
    fn handle(&mut self, m: CheckView, ctx: &mut Context<Self>) {
        if m.force {
            tracing::info!("re-reading the view (forced)");
        }
        self.check_view(ctx, m.force);
    }
}

impl Handler<ResyncAll> for Director {
    type Result = usize;
    fn handle(&mut self, _: ResyncAll, ctx: &mut Context<Self>) -> usize {
        if self.draining {
            return 0;
        }
        tracing::info!(
            scopes = self.actors.len(),
            "resync of every scope requested"
        );
        self.sweep(ctx, Trigger::Admin);
        self.actors.len()
    }
}

impl Handler<ResyncVpc> for Director {
    type Result = bool;
    fn handle(&mut self, m: ResyncVpc, _: &mut Context<Self>) -> bool {
        let scope = if m.0 == "core" {
            Scope::Core
        } else {
            Scope::Vpc(m.0)
        };
        match self.actors.get(&scope) {
            Some(e) if !self.draining => {
                tracing::info!(%scope, "resync requested");
                e.addr.do_send(Resync {
                    trigger: Trigger::Admin,
                });
                true
            }
            _ => false,
        }
    }
}

impl Handler<Confirm> for Director {
    type Result = Option<String>;
    fn handle(&mut self, _: Confirm, ctx: &mut Context<Self>) -> Option<String> {
        let h = self.held.take()?;
        tracing::warn!(version = %h.version, deletes = h.hold.deletes, "held view confirmed by the operator: applying it");
        metrics::gauge!(m::GUARD_HELD).set(0.0);
        let v = h.version.clone();
        self.accept(ctx, h.version, h.full, h.alloc, h.skipped);
        // The held view itself is not kept: the next view is translated in full.
        self.accepted_view = None;
        self.accepted_body = None;
        Some(v)
    }
}

impl Handler<GetStatus> for Director {
    type Result = MessageResult<GetStatus>;
    fn handle(&mut self, _: GetStatus, _: &mut Context<Self>) -> Self::Result {
        MessageResult(self.status())
    }
}

impl Handler<DumpState> for Director {
    type Result = ();
    fn handle(&mut self, _: DumpState, _: &mut Context<Self>) {
        let st = self.status();
        tracing::info!(
            loaded = ?st.loaded_version, accepted = ?st.accepted_version, applied = ?st.applied_version,
            view_error = ?st.view_error, held = ?st.held.as_ref().map(|h| &h.reason),
            vpcs = st.vpcs.len(), states = ?st.vpc_states, client = %self.client.stats(),
            "state dump"
        );
        for s in st.core.iter().chain(st.vpcs.iter()) {
            tracing::info!(
                scope = %s.scope, state = %s.state, applied = ?s.applied_version,
                failures = s.failures, passes = s.passes, objects = s.objects,
                error = s.last_error.as_deref().unwrap_or(""), "state dump: scope"
            );
        }
    }
}

impl Handler<Drain> for Director {
    type Result = ResponseFuture<usize>;
    fn handle(&mut self, m: Drain, _: &mut Context<Self>) -> Self::Result {
        self.draining = true;
        let addrs: Vec<Addr<ScopeActor>> = self.actors.values().map(|e| e.addr.clone()).collect();
        Box::pin(async move {
            let deadline = tokio::time::Instant::now() + m.timeout;
            loop {
                let mut running = 0usize;
                for a in &addrs {
                    if let Ok(c) = a.send(GetPassCounts).await {
                        running += usize::from(c.running);
                    }
                }
                if running == 0 || tokio::time::Instant::now() >= deadline {
                    return running;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        })
    }
}

impl Handler<ActorOf> for Director {
    type Result = Option<Addr<ScopeActor>>;
    fn handle(&mut self, m: ActorOf, _: &mut Context<Self>) -> Self::Result {
        self.actors.get(&m.0).map(|e| e.addr.clone())
    }
}
