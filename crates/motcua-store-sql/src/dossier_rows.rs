//! Reading a dossier row and a work-list row.

/// Stamps the shared helpers: reading a dossier row and a work-list row.
#[macro_export]
macro_rules! dossier_rows {
    () => {
        use motcua_app::StoreError;
        use motcua_app::ports::dossiers::{DossierProjection, WorkListRow};
        use sqlx::Row;

        use crate::{EngineRow, other};

        /// A `dossiers` row read with every projection column.
        pub(crate) fn projection_of(r: &EngineRow) -> Result<DossierProjection, StoreError> {
            let small = |c: &'static str| {
                r.try_get::<i16, _>(c)
                    .map_err(|e| other(e, c))
                    .and_then(|v| u8::try_from(v).map_err(|e| other(e, c)))
            };
            Ok(DossierProjection {
                code: r.try_get("code").map_err(|e| other(e, "code"))?,
                procedure_code: r.try_get("procedure_code").map_err(|e| other(e, "pc"))?,
                procedure_version: u32::try_from(
                    r.try_get::<i32, _>("procedure_version")
                        .map_err(|e| other(e, "pv"))?,
                )
                .map_err(|e| other(e, "procedure_version"))?,
                status: r.try_get("status").map_err(|e| other(e, "status"))?,
                sub_status: r.try_get("sub_status").map_err(|e| other(e, "sub"))?,
                portal_status: small("portal_status")?,
                clock_running: r.try_get("clock_running").map_err(|e| other(e, "run"))?,
                receiving_unit: r.try_get("receiving_unit").map_err(|e| other(e, "ru"))?,
                deciding_agency: r.try_get("deciding_agency").map_err(|e| other(e, "da"))?,
                current_agency: r.try_get("current_agency").map_err(|e| other(e, "ca"))?,
                assignee: r.try_get("assignee").map_err(|e| other(e, "assignee"))?,
                channel: small("channel")?,
                applicant_kind: small("applicant_kind")?,
                applicant_id_masked: r
                    .try_get("applicant_id_masked")
                    .map_err(|e| other(e, "id"))?,
                applicant_name: r.try_get("applicant_name").map_err(|e| other(e, "name"))?,
                phone_last4: r.try_get("phone_last4").map_err(|e| other(e, "phone"))?,
                submitted_at: r.try_get("submitted_at").map_err(|e| other(e, "sub_at"))?,
                received_at: r.try_get("received_at").map_err(|e| other(e, "rec_at"))?,
                due_at: r.try_get("due_at").map_err(|e| other(e, "due_at"))?,
                counts_late: r.try_get("counts_late").map_err(|e| other(e, "late"))?,
                version: u64::try_from(r.try_get::<i64, _>("version").map_err(|e| other(e, "v"))?)
                    .map_err(|e| other(e, "version"))?,
                state_json: r.try_get("state").map_err(|e| other(e, "state"))?,
                updated_at: r
                    .try_get("updated_at")
                    .map_err(|e| other(e, "updated_at"))?,
            })
        }

        /// A work-list line.
        pub(crate) fn list_row(r: &EngineRow) -> Result<WorkListRow, StoreError> {
            let small = |c: &'static str| {
                r.try_get::<i16, _>(c)
                    .map_err(|e| other(e, c))
                    .and_then(|v| u8::try_from(v).map_err(|e| other(e, c)))
            };
            Ok(WorkListRow {
                code: r.try_get("code").map_err(|e| other(e, "code"))?,
                procedure_code: r.try_get("procedure_code").map_err(|e| other(e, "pc"))?,
                status: r.try_get("status").map_err(|e| other(e, "status"))?,
                sub_status: r.try_get("sub_status").map_err(|e| other(e, "sub"))?,
                portal_status: small("portal_status")?,
                receiving_unit: r.try_get("receiving_unit").map_err(|e| other(e, "ru"))?,
                deciding_agency: r.try_get("deciding_agency").map_err(|e| other(e, "da"))?,
                current_agency: r.try_get("current_agency").map_err(|e| other(e, "ca"))?,
                assignee: r.try_get("assignee").map_err(|e| other(e, "assignee"))?,
                channel: small("channel")?,
                applicant_id_masked: r
                    .try_get("applicant_id_masked")
                    .map_err(|e| other(e, "id"))?,
                applicant_name: r.try_get("applicant_name").map_err(|e| other(e, "name"))?,
                received_at: r.try_get("received_at").map_err(|e| other(e, "rec_at"))?,
                due_at: r.try_get("due_at").map_err(|e| other(e, "due_at"))?,
                due_key: r.try_get("due_key").map_err(|e| other(e, "due_key"))?,
                counts_late: r.try_get("counts_late").map_err(|e| other(e, "late"))?,
                version: u64::try_from(r.try_get::<i64, _>("version").map_err(|e| other(e, "v"))?)
                    .map_err(|e| other(e, "version"))?,
            })
        }
    };
}
