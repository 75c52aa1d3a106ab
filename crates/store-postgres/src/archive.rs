//! What the archives of Art.14 and Art.15 keep beside the appraisals (migration 4):
//! supervision records (`inspections`, kept by id and never replaced, append-only), health
//! check-ups (`health_records`, replaced by (cadre, date)) and the earlier versions of roster
//! rows (`roster_history`, append-only, filled by the roster import in its own transaction).

use std::convert::Infallible;

use kaohe_domain::{
    Area, Cadre, CadreId, Date, Finding, HealthRecord, Inspection, InspectionId, RosterVersion,
    Sequence, Subject, TownCode, VillageCode,
};
use kaohe_store::shared::Compared;
use kaohe_store::{AuditRecord, RecordImport, Result, RosterImport};
use sqlx::Row;
use sqlx::postgres::PgRow;

use crate::{
    PgStore, Tx, bad, commit, copy, error, insert_audit, last_wins, lock, money, parsed,
    stored_by_id, text,
};

/// Most refusals listed in one message.
const MAX_LISTED: usize = 20;

const SUPERVISION_COLUMNS: &str = "SELECT inspection_id, to_char(date, 'YYYY-MM-DD') AS date, \
     subject, area, finding, note FROM inspections";

fn inspection_of(row: &PgRow) -> Result<Inspection, sqlx::Error> {
    let area = text(row, "area")?;
    let finding = text(row, "finding")?;
    Ok(Inspection {
        id: parsed(row, "inspection_id", InspectionId::parse)?,
        date: parsed(row, "date", Date::parse)?,
        subject: parsed(row, "subject", Subject::parse)?,
        area: Area::parse(area).ok_or_else(|| bad(format!("area `{area}`")))?,
        finding: Finding::parse(finding).ok_or_else(|| bad(format!("finding `{finding}`")))?,
        note: text(row, "note")?.to_owned(),
    })
}

/// Keeps, in the roster import's transaction `tx`, the stored row of every cadre of
/// `roster_in` whose row changes, as a version replaced at `audit.at_unix` by
/// `audit.source_path` (Art.15 work archive). Runs before the rows are replaced.
pub(crate) async fn keep_versions(tx: &mut Tx, audit: &AuditRecord, what: &str) -> Result<()> {
    sqlx::query(
        "INSERT INTO roster_history (cadre_id, replaced_at_unix, replaced_by_file, name, town,
                                     village, sequence, position, monthly_subsidy, start_date,
                                     end_date)
         SELECT c.cadre_id, $1, $2, c.name, c.town, c.village, c.sequence, c.position,
                c.monthly_subsidy, c.start_date, c.end_date
         FROM cadres c JOIN roster_in r ON r.cadre_id = c.cadre_id
         WHERE (c.name, c.town, c.village, c.sequence, c.position, c.monthly_subsidy,
                c.start_date, c.end_date)
               IS DISTINCT FROM
               (r.name, r.town, r.village, r.sequence, r.position, r.monthly_subsidy,
                r.start_date, r.end_date)
         ORDER BY c.cadre_id",
    )
    .bind(audit.at_unix)
    .bind(audit.source_path.as_deref().unwrap_or_default())
    .execute(&mut **tx)
    .await
    .map_err(|e| error::map(what, e))?;
    Ok(())
}

impl PgStore {
    pub(crate) async fn do_import_inspections(
        &self,
        records: &[Inspection],
        audit: &AuditRecord,
    ) -> Result<RecordImport> {
        let what = "import supervision records";
        let compared = Compared::distinct(records);

        let mut tx = self.begin(what).await?;
        // Two imports of the same new id must not both find it absent.
        lock(&mut tx, "inspections", what).await?;
        let ids: Vec<&str> = compared.new.iter().map(|rec| rec.id.as_str()).collect();
        let stored = stored_by_id(
            &mut tx,
            format!("{SUPERVISION_COLUMNS} WHERE inspection_id = ANY($1)"),
            &ids,
            inspection_of,
            |i: &Inspection| i.id.as_str(),
            what,
        )
        .await?;
        let Ok(compared) = compared.against(|rec| Ok::<_, Infallible>(stored.get(rec.id.as_str())));
        // On a refusal, dropping `tx` rolls back: nothing of this import is written.
        let (new, r) = compared.outcome(MAX_LISTED)?;
        copy::copy_in(
            &mut tx,
            what,
            "COPY inspections (inspection_id, date, subject, area, finding, note) FROM STDIN",
            new,
            |w, i| {
                w.text(i.id.as_str())
                    .plain(i.date)
                    .text(i.subject.as_str())
                    .plain(i.area.as_str())
                    .plain(i.finding.as_str())
                    .text(&i.note)
                    .end();
            },
        )
        .await?;
        insert_audit(&mut tx, audit, what).await?;
        commit(tx, what).await?;
        Ok(r)
    }

    pub(crate) async fn do_inspections(&self) -> Result<Vec<Inspection>> {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "{SUPERVISION_COLUMNS} ORDER BY date, inspection_id"
        )))
        .try_map(|row: PgRow| inspection_of(&row))
        .fetch_all(&self.pool)
        .await
        .map_err(|e| error::map("read supervision records", e))
    }

    pub(crate) async fn do_import_health(
        &self,
        records: &[HealthRecord],
        audit: &AuditRecord,
    ) -> Result<RosterImport> {
        let what = "import health records";
        let unique = last_wins(records, |h| (h.cadre_id.as_str(), h.date));
        let mut tx = self.begin(what).await?;
        // Imports take turns, so that the count of new keys below stays true until commit.
        lock(&mut tx, "health", what).await?;
        sqlx::query("CREATE TEMP TABLE health_in (LIKE health_records) ON COMMIT DROP")
            .execute(&mut *tx)
            .await
            .map_err(|e| error::map(what, e))?;
        copy::copy_in(
            &mut tx,
            what,
            "COPY health_in (cadre_id, date, institution, conclusion, note) FROM STDIN",
            unique,
            |w, h| {
                w.text(h.cadre_id.as_str())
                    .plain(h.date)
                    .text(&h.institution)
                    .text(&h.conclusion)
                    .text(&h.note)
                    .end();
            },
        )
        .await?;
        let new: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM health_in n
             WHERE NOT EXISTS (SELECT 1 FROM health_records h
                               WHERE h.cadre_id = n.cadre_id AND h.date = n.date)",
        )
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| error::map(what, e))?;
        sqlx::query(
            "INSERT INTO health_records (cadre_id, date, institution, conclusion, note)
             SELECT cadre_id, date, institution, conclusion, note FROM health_in
             ON CONFLICT (cadre_id, date) DO UPDATE SET
                 institution = EXCLUDED.institution, conclusion = EXCLUDED.conclusion,
                 note = EXCLUDED.note",
        )
        .execute(&mut *tx)
        .await
        .map_err(|e| error::map(what, e))?;
        insert_audit(&mut tx, audit, what).await?;
        commit(tx, what).await?;
        // As if applied one by one: each record either adds a new key or replaces one.
        let added = u64::try_from(new).unwrap_or(0);
        Ok(RosterImport {
            added,
            updated: records.len() as u64 - added,
        })
    }

    pub(crate) async fn do_health_records(&self) -> Result<Vec<HealthRecord>> {
        sqlx::query(
            "SELECT cadre_id, to_char(date, 'YYYY-MM-DD') AS date, institution, conclusion, note
             FROM health_records ORDER BY cadre_id, date",
        )
        .try_map(|row: PgRow| {
            Ok(HealthRecord {
                cadre_id: parsed(&row, "cadre_id", CadreId::parse)?,
                date: parsed(&row, "date", Date::parse)?,
                institution: text(&row, "institution")?.to_owned(),
                conclusion: text(&row, "conclusion")?.to_owned(),
                note: text(&row, "note")?.to_owned(),
            })
        })
        .fetch_all(&self.pool)
        .await
        .map_err(|e| error::map("read health records", e))
    }

    pub(crate) async fn do_roster_history(&self, cadre: &CadreId) -> Result<Vec<RosterVersion>> {
        sqlx::query(
            "SELECT cadre_id, replaced_at_unix, replaced_by_file, name, town, village, sequence,
                    position, monthly_subsidy,
                    to_char(start_date, 'YYYY-MM-DD') AS start_date,
                    to_char(end_date, 'YYYY-MM-DD') AS end_date
             FROM roster_history WHERE cadre_id = $1 ORDER BY replaced_at_unix, seq",
        )
        .bind(cadre.as_str())
        .try_map(|row: PgRow| {
            let end: Option<&str> = row.try_get("end_date")?;
            Ok(RosterVersion {
                cadre: Cadre {
                    id: parsed(&row, "cadre_id", CadreId::parse)?,
                    name: text(&row, "name")?.to_owned(),
                    town: parsed(&row, "town", TownCode::parse)?,
                    village: parsed(&row, "village", VillageCode::parse)?,
                    sequence: parsed(&row, "sequence", Sequence::parse)?,
                    position: text(&row, "position")?.to_owned(),
                    monthly_subsidy: money(&row, "monthly_subsidy")?,
                    start_date: parsed(&row, "start_date", Date::parse)?,
                    end_date: match end {
                        None => None,
                        Some(e) => Some(Date::parse(e).map_err(|e| bad(format!("end_date: {e}")))?),
                    },
                },
                replaced_at_unix: row.try_get("replaced_at_unix")?,
                replaced_by_file: text(&row, "replaced_by_file")?.to_owned(),
            })
        })
        .fetch_all(&self.pool)
        .await
        .map_err(|e| error::map("read roster history", e))
    }

    pub(crate) async fn do_record_audit(&self, audit: &AuditRecord) -> Result<()> {
        let what = "write audit record";
        let mut tx = self.begin(what).await?;
        insert_audit(&mut tx, audit, what).await?;
        commit(tx, what).await
    }
}
