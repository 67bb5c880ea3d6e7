//! The generic operations every typed call is built from: get, list, create (with 409
//! confirmation), update (full-replacement PUT from the observed object), delete.
use super::body;
use super::error::{Error, Kind, Method, Op, Result};
use super::resource::Resource;
use super::transport::{Reply, Req};
use super::Inner;
use crate::midonet::dto;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

/// What the stored object says about a create that got 409.
pub(crate) enum Confirm {
    /// Stored with every field that was sent: the create had been applied (a retry's first
    /// attempt) or someone made the identical object.
    Same,
    /// Stored, but these fields differ.
    Differs(Vec<String>),
    /// Not there (404).
    Absent,
}

impl Inner {
    /// A 409'd create once the stored object was read: `ok()` when it holds what was sent
    /// (counted as confirmed: a retried create whose first attempt was applied), else a typed
    /// `Conflict` naming the fields that differ (none when the object is not there).
    pub(crate) fn settle<T>(
        &self,
        confirm: Confirm,
        op: Op,
        message: Option<String>,
        ok: impl FnOnce() -> T,
    ) -> Result<T> {
        match confirm {
            Confirm::Same => {
                self.counters.confirmed();
                Ok(ok())
            }
            Confirm::Differs(differing) => Err(Error::Conflict {
                op,
                message,
                differing,
            }),
            Confirm::Absent => Err(Error::Conflict {
                op,
                message,
                differing: Vec::new(),
            }),
        }
    }

    pub(crate) fn decode<T: DeserializeOwned>(&self, op: &Op, bytes: &[u8]) -> Result<T> {
        dto::from_body(bytes).map_err(|e| Error::Decode {
            op: op.clone(),
            message: e.to_string(),
        })
    }

    pub(crate) fn encode<T: Serialize>(&self, op: &Op, obj: &T) -> Result<Vec<u8>> {
        body::encode(obj, &self.links.base).map_err(|e| Error::Invalid {
            op: op.clone(),
            message: format!("cannot encode the body: {e}"),
        })
    }

    /// GET one object.
    pub(crate) async fn get_typed<T: DeserializeOwned>(
        &self,
        kind: Kind,
        url: String,
        accept: &'static str,
        target: Option<String>,
    ) -> Result<T> {
        let op = Op::new(Method::Get, kind, target);
        let reply = self.send(Req::get(op.clone(), url, accept)).await?.ok()?;
        self.decode(&op, &reply.body)
    }

    /// GET a collection (`accept` is its collection media type).
    pub(crate) async fn list<T: DeserializeOwned>(
        &self,
        kind: Kind,
        url: String,
        accept: &'static str,
        parent: Option<String>,
    ) -> Result<Vec<T>> {
        self.get_typed(kind, url, accept, parent).await
    }

    /// GET an object for a confirmation, as JSON (`None` on 404).
    pub(crate) async fn get_for_confirm(
        &self,
        kind: Kind,
        url: String,
        accept: &'static str,
        target: Option<String>,
    ) -> Result<Option<Value>> {
        let op = Op::new(Method::Get, kind, target);
        let mut req = Req::get(op.clone(), url, accept);
        req.confirm = true;
        let reply = self.send(req).await?;
        if reply.status == 404 {
            return Ok(None);
        }
        let reply = reply.ok()?;
        dto::first_value(&reply.body)
            .map(Some)
            .map_err(|e| Error::Decode {
                op,
                message: e.to_string(),
            })
    }

    /// Fetches the stored object and compares it with `sent` (see `body::differing`).
    pub(crate) async fn confirm(
        &self,
        kind: Kind,
        url: String,
        accept: &'static str,
        target: Option<String>,
        sent: &Value,
        ignore: &[&str],
    ) -> Result<Confirm> {
        Ok(
            match self.get_for_confirm(kind, url, accept, target).await? {
                None => Confirm::Absent,
                Some(stored) => {
                    let d = body::differing(sent, &stored, ignore);
                    if d.is_empty() {
                        Confirm::Same
                    } else {
                        Confirm::Differs(d)
                    }
                }
            },
        )
    }

    /// POST a body; returns the reply whatever its status (after transient retries).
    pub(crate) async fn post(
        &self,
        op: &Op,
        url: String,
        content_type: &'static str,
        body: Vec<u8>,
        retry_bare_409: bool,
    ) -> Result<Reply> {
        let mut req = Req::write(op.clone(), url, Some(content_type), Some(body));
        req.retry_bare_409 = retry_bare_409;
        self.send(req).await
    }

    /// Creates `obj` (which must carry its client-chosen id) by POSTing to `collection`.
    /// Returns `obj` with its `uri` set; no GET follows (§6.1). On 409 the object's URI is
    /// fetched once: the same fields → success; other fields → `Conflict` naming them; absent
    /// → `Conflict` with MidoNet's message (a natural key such as a tunnel-zone name is taken).
    pub(crate) async fn create<T: Resource>(&self, collection: String, obj: &T) -> Result<T> {
        let target = obj.id().map(|i| i.to_string());
        let op = Op::new(
            Method::Post,
            T::KIND,
            target.clone().or_else(|| obj.name().map(str::to_string)),
        );
        let Some(id) = obj.id() else {
            return Err(Error::Invalid {
                op,
                message: "creates need a client-chosen id (a retried create would duplicate)"
                    .into(),
            });
        };
        let object_url = self.links.object(T::KIND, &id.to_string())?;
        let mut sent = obj.clone();
        sent.set_uri(None);
        let body = self.encode(&op, &sent)?;
        let reply = self.post(&op, collection, T::MEDIA, body, true).await?;
        if reply.is_success() {
            sent.set_uri(Some(object_url));
            return Ok(sent);
        }
        if reply.status != 409 {
            return Err(reply.into_error());
        }
        let message = reply.message();
        let sent_v = serde_json::to_value(&sent).map_err(|e| Error::Invalid {
            op: op.clone(),
            message: e.to_string(),
        })?;
        let confirm = self
            .confirm(
                T::KIND,
                object_url.clone(),
                T::MEDIA,
                target,
                &sent_v,
                T::SERVER_KEYS,
            )
            .await?;
        self.settle(confirm, op, message, || {
            sent.set_uri(Some(object_url));
            sent
        })
    }

    /// GET one object by id.
    pub(crate) async fn get_obj<T: Resource>(&self, id: uuid::Uuid) -> Result<T> {
        let url = self.links.object(T::KIND, &id.to_string())?;
        self.get_typed(T::KIND, url, T::MEDIA, Some(id.to_string()))
            .await
    }

    /// PUT (full replacement, §7.2) of `observed` after `edit`. Starting from the observed
    /// object keeps every field the caller did not mean to change (omitting one would reset
    /// it: filters cleared, `portMac` nulled). Skips the call when the edit changed nothing.
    pub(crate) async fn update<T: Resource>(
        &self,
        observed: &T,
        edit: impl FnOnce(&mut T),
    ) -> Result<T> {
        let mut next = observed.clone();
        edit(&mut next);
        let target = observed.id().map(|i| i.to_string());
        let op = Op::new(Method::Put, T::KIND, target.clone());
        if &next == observed {
            self.counters.skipped_put();
            return Ok(next);
        }
        let Some(id) = target else {
            return Err(Error::Invalid {
                op,
                message: "the observed object has no id".into(),
            });
        };
        let url = self.links.object(T::KIND, &id)?;
        let mut body = serde_json::to_value(&next).map_err(|e| Error::Invalid {
            op: op.clone(),
            message: e.to_string(),
        })?;
        if let Value::Object(m) = &mut body {
            for k in T::PUT_OMIT {
                m.remove(*k);
            }
        }
        self.put(&op, url, T::MEDIA, &body).await?;
        Ok(next)
    }

    /// PUT a body; 2xx → Ok.
    pub(crate) async fn put<B: Serialize>(
        &self,
        op: &Op,
        url: String,
        content_type: &'static str,
        body: &B,
    ) -> Result<()> {
        let bytes = self.encode(op, body)?;
        self.send(Req::write(op.clone(), url, Some(content_type), Some(bytes)))
            .await?
            .ok()?;
        Ok(())
    }

    /// DELETE; 404 counts as done (the end state is "absent", and a retried DELETE whose first
    /// attempt was applied gets 404 for some kinds, §7.3).
    pub(crate) async fn delete(
        &self,
        kind: Kind,
        url: String,
        target: Option<String>,
    ) -> Result<()> {
        let op = Op::new(Method::Delete, kind, target);
        let reply = self.send(Req::write(op, url, None, None)).await?;
        if reply.status == 404 {
            return Ok(());
        }
        reply.ok().map(|_| ())
    }

    /// DELETE an object with an id, by its template URI.
    pub(crate) async fn delete_obj(&self, kind: Kind, id: uuid::Uuid) -> Result<()> {
        let url = self.links.object(kind, &id.to_string())?;
        self.delete(kind, url, Some(id.to_string())).await
    }
}
