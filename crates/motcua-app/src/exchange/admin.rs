//! Use cases over the outbox for administrators: counts per sink, dead
//! letters and their replay (per sink, ADR 0018).
//!
//! Dead letters are personal to a dossier: an administrator sees and
//! replays only those of dossiers in the scope of their roles
//! ([`Capability::ViewDeadLetters`], [`Capability::ReplayDeadLetters`]),
//! checked against the dossier's receiving unit, deciding and current
//! agency (the store keeps no agency per outbox row, so the newest
//! [`SCAN`] dead letters are filtered here).

use std::sync::Arc;

use motcua_domain::identity::RoleAssignment;

use crate::AppError;
use crate::authz::ScopeResolver;
use crate::policy::{Capability, Denied, Policy, require};
use crate::ports::exchange::{DeadLetter, SinkCounts};
use crate::ports::{Clock, ExchangeAdminPorts};

/// The exchange administration (trao đổi dữ liệu).
#[derive(Clone)]
pub struct ExchangeAdmin {
    store: Arc<dyn ExchangeAdminPorts>,
    policy: Policy,
    clock: Clock,
}

/// How many dead letters a scoped listing or replay looks through.
pub const SCAN: u32 = 500;

impl ExchangeAdmin {
    /// Over a store, reading time from `clock`.
    pub fn new(store: Arc<dyn ExchangeAdminPorts>, clock: Clock) -> Self {
        Self {
            policy: Policy::new(ScopeResolver::new(store.clone())),
            store,
            clock,
        }
    }

    /// Pending, delivered and dead deliveries of each sink.
    #[tracing::instrument(level = "info", skip_all)]
    pub async fn counts(&self) -> Result<Vec<SinkCounts>, AppError> {
        Ok(self.store.outbox_counts().await?)
    }

    /// Up to `limit` (1–500) dead letters, oldest first.
    #[tracing::instrument(level = "info", skip_all)]
    pub async fn dead_letters(&self, limit: u32) -> Result<Vec<DeadLetter>, AppError> {
        Ok(self.store.dead_letters(limit.clamp(1, 500)).await?)
    }

    /// Puts a dead letter back in the queue of one sink, or of every sink
    /// where it is dead (`None`); answers how many deliveries went back.
    #[tracing::instrument(level = "info", skip_all, fields(outbox = id, sink = sink.unwrap_or("*")))]
    pub async fn replay(&self, id: i64, sink: Option<&str>) -> Result<u64, AppError> {
        let n = self
            .store
            .replay_dead_letter(id, sink, self.clock.now())
            .await?;
        if n > 0 {
            Ok(n)
        } else {
            Err(AppError::NotFound(format!(
                "không có thư chết số {id} / no dead letter {id}"
            )))
        }
    }

    /// Whether `roles` may exercise `capability` on the dead letter's dossier.
    async fn in_scope(
        &self,
        roles: &[RoleAssignment],
        capability: Capability,
        dossier_code: &str,
    ) -> Result<bool, AppError> {
        let Some(stored) = self.store.load_dossier(dossier_code).await? else {
            return Ok(false);
        };
        let p = &stored.projection;
        let agencies = [
            p.receiving_unit.as_str(),
            p.deciding_agency.as_str(),
            p.current_agency.as_str(),
        ];
        match self
            .policy
            .in_any_agency(roles, capability, &agencies)
            .await
        {
            Ok(()) => Ok(true),
            Err(Denied::Failed(e)) => Err(AppError::Unexpected(anyhow::anyhow!(e.to_string()))),
            Err(_) => Ok(false),
        }
    }

    /// Up to `limit` (1–500) dead letters of dossiers in the scope of
    /// `roles`, oldest first; 403 ([`Denied::MissingRole`]) without an
    /// administrator role.
    #[tracing::instrument(level = "info", skip_all)]
    pub async fn dead_letters_for(
        &self,
        roles: &[RoleAssignment],
        limit: u32,
    ) -> Result<Vec<DeadLetter>, Denied> {
        require(roles, Capability::ViewDeadLetters)?;
        let mut out = Vec::new();
        for d in self
            .store
            .dead_letters(SCAN)
            .await
            .map_err(AppError::from)?
        {
            if out.len() >= limit.clamp(1, 500) as usize {
                break;
            }
            if self
                .in_scope(roles, Capability::ViewDeadLetters, &d.record.dossier_code)
                .await?
            {
                out.push(d);
            }
        }
        Ok(out)
    }

    /// Replays a dead letter of a dossier in the scope of `roles`; one
    /// out of scope answers [`Denied::Hidden`] like an unknown id.
    #[tracing::instrument(level = "info", skip_all, fields(outbox = id, dossier = tracing::field::Empty))]
    pub async fn replay_for(
        &self,
        roles: &[RoleAssignment],
        id: i64,
        sink: Option<&str>,
    ) -> Result<u64, Denied> {
        require(roles, Capability::ReplayDeadLetters)?;
        let dead = self
            .store
            .dead_letters(SCAN)
            .await
            .map_err(AppError::from)?;
        let Some(d) = dead.iter().find(|d| d.record.id == id) else {
            return Err(Denied::Hidden);
        };
        tracing::Span::current().record("dossier", d.record.dossier_code.as_str());
        if !self
            .in_scope(roles, Capability::ReplayDeadLetters, &d.record.dossier_code)
            .await?
        {
            return Err(Denied::Hidden);
        }
        Ok(self.replay(id, sink).await?)
    }
}
