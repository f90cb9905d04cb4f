//! Officers by name on the pages (UX review #10): each page gathers the
//! account ids it shows and resolves them once with [`officer_names`];
//! an id without an account (development login) is shown as itself.

use motcua_app::people::{self, HandOverTarget, OfficerNames};

use crate::AppState;

/// The names of `ids`, in one store query; on a store failure every id is
/// shown as itself (a page is not refused for want of a name).
pub async fn officer_names<'a, I>(state: &AppState, ids: I) -> OfficerNames
where
    I: IntoIterator<Item = &'a str>,
{
    match people::names(&*state.store, ids).await {
        Ok(names) => names,
        Err(e) => {
            tracing::warn!(error = %e, "officer names unavailable");
            OfficerNames::default()
        }
    }
}

/// The name of one officer (the receipt's signature line, forms), or the
/// id itself when there is no such account.
pub async fn officer_name(state: &AppState, id: &str) -> String {
    officer_names(state, [id]).await.name(id).to_owned()
}

/// The officers and units a dossier held by `agency` may be handed over
/// to, in Vietnamese order (empty on a store failure).
pub async fn hand_over_targets(state: &AppState, agency: &str) -> Vec<HandOverTarget> {
    people::hand_over_targets(&*state.store, agency)
        .await
        .unwrap_or_else(|e| {
            tracing::warn!(error = %e, "hand-over targets unavailable");
            Vec::new()
        })
}

/// Replaces shown officer ids by names in a timeline: an actor that is a
/// known id, and a trailing "→ id" (the hand-over's receiver).
pub fn name_steps(names: &OfficerNames, steps: &mut [super::dossier_view::StepView]) {
    for s in steps {
        if names.knows(&s.actor) {
            s.actor = names.name(&s.actor).to_owned();
        }
        if let Some((head, id)) = s.what.rsplit_once(" → ")
            && names.knows(id)
        {
            s.what = format!("{head} → {}", names.name_and_position(id));
        }
    }
}

/// The generic heads of agency names that long lists share.
const SHARED_HEADS: [&str; 4] = [
    "Trung tâm Phục vụ hành chính công",
    "Ủy ban nhân dân",
    "UBND",
    "Công an",
];

/// An agency name with the part that differs first (UX review #6), e.g.
/// "Trung tâm Phục vụ hành chính công Xã Côn Minh" → "Xã Côn Minh — Trung
/// tâm Phục vụ hành chính công", so that type-ahead on a native select
/// jumps to the commune and a narrow screen shows it. Other names are kept.
pub fn place_first(name: &str) -> String {
    let name = name.trim();
    for head in SHARED_HEADS {
        if let Some(rest) = name.strip_prefix(head)
            && rest.starts_with(' ')
            && !rest.trim().is_empty()
        {
            return format!("{} — {head}", rest.trim());
        }
    }
    name.to_owned()
}

/// Sorts `(id, label)` pairs by label in Vietnamese order.
pub fn sort_by_label(items: &mut [(String, String)]) {
    motcua_domain::text::VietnameseCollator::shared().sort_by_key(items, |(_, label)| label);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_part_that_differs_comes_first() {
        assert_eq!(
            place_first("Trung tâm Phục vụ hành chính công Xã Côn Minh"),
            "Xã Côn Minh — Trung tâm Phục vụ hành chính công"
        );
        assert_eq!(
            place_first("Ủy ban nhân dân Phường Đức Xuân"),
            "Phường Đức Xuân — Ủy ban nhân dân"
        );
        assert_eq!(place_first("Sở Tư pháp"), "Sở Tư pháp");
        assert_eq!(place_first("Công an"), "Công an");
    }
}
