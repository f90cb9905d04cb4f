//! How a store reads a narrow work list in due order without sorting every
//! matching row.
//!
//! A dossier belongs to a centre's list through either of two columns: the
//! agency holding it now (`current_agency`) or the unit that received it
//! (`receiving_unit`, nơi tiếp nhận). An `OR` over both cannot be read in
//! due order from one index, so both engines gathered and sorted every
//! matching row (tens of milliseconds on a million dossiers). Split into
//! *lanes* (one column equal to one agency), each lane is a range of one
//! `(column, …, due_key, code)` index already in order: a store reads the
//! first `limit` rows of every lane and keeps the first `limit` of their
//! union. The top rows of a union are among the top rows of its parts, so
//! the page is the same.

use super::dossier_rows::WorkListQuery;

/// Scopes with more agencies than this (a province, a whole ministry) are
/// listed by walking the due index instead: most rows match, so a page is
/// found at once, and lanes would be too many.
pub const MAX_LANE_AGENCIES: usize = 32;

/// Which column a lane reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LaneColumn {
    /// `current_agency`: the agency holding the dossier now.
    Current,
    /// `receiving_unit`: where the dossier was received.
    Receiving,
}

impl LaneColumn {
    /// The column's name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Current => "current_agency",
            Self::Receiving => "receiving_unit",
        }
    }

    /// The other column of the pair.
    pub fn other(self) -> Self {
        match self {
            Self::Current => Self::Receiving,
            Self::Receiving => Self::Current,
        }
    }
}

/// One lane: the dossiers whose `column` is `agency`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lane {
    /// The column compared.
    pub column: LaneColumn,
    /// The agency it must equal.
    pub agency: String,
    /// The lane's agency is outside the permission scope (an `agency`
    /// filter naming another agency): the other column must then be in
    /// the scope, and the store adds that test.
    pub check_other_in_scope: bool,
}

/// The lanes of a work list over the agencies of its permission scope, or
/// `None` when the scope is wide and the store should walk the due index.
/// An empty list means nothing can match.
pub fn lanes(query: &WorkListQuery, scope: &[String]) -> Option<Vec<Lane>> {
    let both = |agency: &str, check: bool| {
        [LaneColumn::Current, LaneColumn::Receiving].map(|column| Lane {
            column,
            agency: agency.to_owned(),
            check_other_in_scope: check,
        })
    };
    match &query.agency {
        Some(agency) => {
            if scope.is_empty() {
                return Some(Vec::new());
            }
            let outside = !scope.iter().any(|a| a == agency);
            Some(both(agency, outside).to_vec())
        }
        None if scope.len() > MAX_LANE_AGENCIES => None,
        None => Some(scope.iter().flat_map(|a| both(a, false)).collect()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(agency: Option<&str>) -> WorkListQuery {
        WorkListQuery {
            agency: agency.map(str::to_owned),
            limit: 50,
            ..WorkListQuery::default()
        }
    }

    fn scope(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("A{i}")).collect()
    }

    #[test]
    fn a_narrow_scope_reads_two_lanes_per_agency() {
        let lanes = lanes(&query(None), &scope(2)).expect("narrow");
        let seen: Vec<_> = lanes
            .iter()
            .map(|l| (l.column.name(), l.agency.as_str(), l.check_other_in_scope))
            .collect();
        assert_eq!(
            seen,
            [
                ("current_agency", "A0", false),
                ("receiving_unit", "A0", false),
                ("current_agency", "A1", false),
                ("receiving_unit", "A1", false),
            ]
        );
    }

    #[test]
    fn a_wide_scope_walks_the_due_index_unless_one_agency_is_asked() {
        assert_eq!(
            lanes(&query(None), &scope(MAX_LANE_AGENCIES)).map(|l| l.len()),
            Some(64)
        );
        assert_eq!(lanes(&query(None), &scope(MAX_LANE_AGENCIES + 1)), None);
        let one = lanes(&query(Some("A40")), &scope(100)).expect("one agency");
        assert_eq!(one.len(), 2);
        assert!(
            one.iter()
                .all(|l| l.agency == "A40" && !l.check_other_in_scope)
        );
    }

    #[test]
    fn an_agency_outside_the_scope_checks_the_other_column() {
        let lanes = lanes(&query(Some("B")), &scope(3)).expect("lanes");
        assert!(lanes.iter().all(|l| l.check_other_in_scope));
        assert_eq!(lanes[0].column.other(), LaneColumn::Receiving);
    }

    #[test]
    fn an_empty_scope_matches_nothing() {
        assert_eq!(lanes(&query(None), &[]), Some(Vec::new()));
        assert_eq!(lanes(&query(Some("A0")), &[]), Some(Vec::new()));
    }
}
