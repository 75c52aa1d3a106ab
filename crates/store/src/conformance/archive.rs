//! Checks of the archives of Art.14 and Art.15: supervision records, health records, the
//! roster's earlier versions and lone audit records.

use std::sync::Arc;

use kaohe_domain::{Area, CadreId, Finding, RosterVersion};

use super::Ck;
use super::fixtures::*;
use crate::{AuditRecord, RecordImport, RosterImport, Store};

/// Supervision records (Art.14) come back exactly, by date then id (byte order), with one
/// audit record for the import.
pub async fn inspections_round_trip(store: Arc<dyn Store>) {
    let ck = Ck("inspections_round_trip");
    ck.eq(
        "empty store",
        ck.ok("inspections", store.inspections().await),
        vec![],
    );
    // Byte order on one day: "I10" < "I9" < "i1".
    let records = vec![
        inspection(
            "I9",
            "2026-08-03",
            "V1",
            Area::Industry,
            Finding::Poor,
            "合作社账目不清\n第二行\t\\制表 \"引号\"",
        ),
        inspection("i1", "2026-08-03", "C1", Area::Policy, Finding::Good, ""),
        inspection(
            "I10",
            "2026-08-03",
            "V2",
            Area::Measures,
            Finding::Fair,
            "措施推进一般",
        ),
        inspection(
            "Z1",
            "2025-12-31",
            "C2",
            Area::Archives,
            Finding::Good,
            "档案齐全",
        ),
        inspection(
            "A1",
            "2026-09-30",
            "村一",
            Area::Archives,
            Finding::Fair,
            "x",
        ),
    ];
    let r = ck.ok(
        "import",
        store.import_inspections(&records, &audit(1)).await,
    );
    ck.eq(
        "counts",
        r,
        RecordImport {
            added: 5,
            unchanged: 0,
        },
    );
    let want = vec![
        records[3].clone(), // 2025-12-31 Z1
        records[2].clone(), // 2026-08-03 I10
        records[0].clone(), // 2026-08-03 I9
        records[1].clone(), // 2026-08-03 i1
        records[4].clone(), // 2026-09-30 A1
    ];
    ck.eq_list(
        "by date then id",
        &ck.ok("inspections", store.inspections().await),
        &want,
    );
    ck.eq(
        "one audit record",
        ck.ok("audit_log", store.audit_log().await),
        vec![audit(1)],
    );
}

/// The same supervision records again, or an id twice in one import with the same content,
/// are no-ops counted unchanged; new ids beside them are added.
pub async fn inspections_reimport_is_a_no_op(store: Arc<dyn Store>) {
    let ck = Ck("inspections_reimport_is_a_no_op");
    let i1 = inspection(
        "I1",
        "2026-07-01",
        "V1",
        Area::Policy,
        Finding::Fair,
        "一般",
    );
    let i2 = inspection("I2", "2026-07-02", "C1", Area::Archives, Finding::Good, "");
    let r = ck.ok(
        "first import",
        store
            .import_inspections(&[i1.clone(), i2.clone(), i1.clone()], &audit(1))
            .await,
    );
    ck.eq(
        "an id twice with the same content counts once as added, once as unchanged",
        r,
        RecordImport {
            added: 2,
            unchanged: 1,
        },
    );
    let i3 = inspection(
        "I3",
        "2026-06-30",
        "V2",
        Area::Industry,
        Finding::Poor,
        "差",
    );
    let r = ck.ok(
        "again with a new one",
        store
            .import_inspections(&[i2.clone(), i3.clone(), i1.clone()], &audit(2))
            .await,
    );
    ck.eq(
        "counts of the second import",
        r,
        RecordImport {
            added: 1,
            unchanged: 2,
        },
    );
    ck.eq(
        "records",
        ck.ok("inspections", store.inspections().await),
        vec![i3, i1, i2],
    );
}

/// A supervision id stored (or given twice in one import) with other content refuses the
/// whole import, naming the id and the fields that differ; nothing of it is written, not even
/// its audit record.
pub async fn inspection_other_content_is_rejected(store: Arc<dyn Store>) {
    let ck = Ck("inspection_other_content_is_rejected");
    let i1 = inspection(
        "I1",
        "2026-07-01",
        "V1",
        Area::Policy,
        Finding::Fair,
        "一般",
    );
    ck.ok(
        "first import",
        store
            .import_inspections(std::slice::from_ref(&i1), &audit(1))
            .await,
    );
    let audit_before = ck.ok("audit_log", store.audit_log().await);

    let fresh = inspection("I2", "2026-07-02", "C1", Area::Archives, Finding::Good, "");
    let mut changed = i1.clone();
    changed.finding = Finding::Poor;
    changed.note = "改过".into();
    let msg = ck.rejected(
        "I1 with another finding and note",
        store
            .import_inspections(&[fresh.clone(), changed], &audit(2))
            .await,
    );
    ck.that("message names the id I1", msg.contains("I1"));
    ck.that("message names the field `finding`", msg.contains("finding"));
    ck.that("message names the field `note`", msg.contains("note"));
    ck.that("message does not name `area`", !msg.contains("area"));
    ck.that("message does not blame I2", !msg.contains("I2"));

    let mut twin = fresh.clone();
    twin.subject = kaohe_domain::Subject::parse("C9").expect("literal");
    twin.area = Area::Measures;
    let msg = ck.rejected(
        "I2 twice in one import with other subjects and areas",
        store.import_inspections(&[fresh, twin], &audit(3)).await,
    );
    ck.that("message names I2", msg.contains("I2"));
    ck.that("message names the field `subject`", msg.contains("subject"));
    ck.that("message names the field `area`", msg.contains("area"));

    ck.eq(
        "records unchanged: the fresh I2 was not written",
        ck.ok("inspections", store.inspections().await),
        vec![i1],
    );
    ck.eq(
        "no audit record for refused imports",
        ck.ok("audit_log", store.audit_log().await),
        audit_before,
    );
}

/// Health records (Art.15) come back exactly, by cadre (byte order) then date, with one audit
/// record for the import.
pub async fn health_round_trip(store: Arc<dyn Store>) {
    let ck = Ck("health_round_trip");
    ck.eq(
        "empty store",
        ck.ok("health_records", store.health_records().await),
        vec![],
    );
    // Byte order of ids: "C10" < "C9" < "张三".
    let records = vec![
        health("C9", "2026-03-01", "未见异常"),
        health("张三", "2024-12-31", "血压偏高，建议复查"),
        health("C10", "2026-05-01", "良好"),
        health("C9", "2025-03-01", "轻度脂肪肝"),
        health("C10", "2025-05-02", ""),
    ];
    let r = ck.ok("import", store.import_health(&records, &audit(1)).await);
    ck.eq(
        "counts",
        r,
        RosterImport {
            added: 5,
            updated: 0,
        },
    );
    let want = vec![
        records[4].clone(), // C10 2025-05-02
        records[2].clone(), // C10 2026-05-01
        records[3].clone(), // C9 2025-03-01
        records[0].clone(), // C9 2026-03-01
        records[1].clone(), // 张三 2024-12-31
    ];
    ck.eq_list(
        "by cadre then date",
        &ck.ok("health_records", store.health_records().await),
        &want,
    );
    ck.eq(
        "one audit record",
        ck.ok("audit_log", store.audit_log().await),
        vec![audit(1)],
    );
}

/// Health records replace by (cadre, date): counted added / updated as if applied one at a
/// time, a key twice in one batch counting one added and one updated with the last winning;
/// the same records again count as updated and change nothing.
pub async fn health_replaces_by_key(store: Arc<dyn Store>) {
    let ck = Ck("health_replaces_by_key");
    let c1_2025 = health("C1", "2025-06-01", "良好");
    let c1_2026 = health("C1", "2026-06-01", "良好");
    let c2_2026 = health("C2", "2026-06-01", "未见异常");
    ck.ok(
        "first import",
        store
            .import_health(
                &[c1_2025.clone(), c1_2026.clone(), c2_2026.clone()],
                &audit(1),
            )
            .await,
    );

    let mut c1_2026_new = c1_2026.clone();
    c1_2026_new.conclusion = "血糖偏高".into();
    c1_2026_new.institution = "市中心医院".into();
    let c3_first = health("C3", "2026-07-01", "第一次录入");
    let c3_last = health("C3", "2026-07-01", "更正后");
    let r = ck.ok(
        "second import",
        store
            .import_health(&[c3_first, c1_2026_new.clone(), c3_last.clone()], &audit(2))
            .await,
    );
    ck.eq(
        "counts: C1 2026 replaced; C3 added, then replaced within the batch",
        r,
        RosterImport {
            added: 1,
            updated: 2,
        },
    );
    let want = vec![c1_2025, c1_2026_new, c2_2026, c3_last];
    ck.eq(
        "records after replacing",
        ck.ok("health_records", store.health_records().await),
        want.clone(),
    );
    let r = ck.ok(
        "the same again",
        store.import_health(&want, &audit(3)).await,
    );
    ck.eq(
        "the same records again count as updated",
        r,
        RosterImport {
            added: 0,
            updated: 4,
        },
    );
    ck.eq(
        "records unchanged",
        ck.ok("health_records", store.health_records().await),
        want,
    );
    ck.eq(
        "one audit record per import",
        ck.ok("audit_log", store.audit_log().await).len(),
        3,
    );
}

/// A roster import keeps the earlier row of every cadre whose content it changes (Art.15 work
/// archive), with the import's time and file: an unchanged cadre has no version, a cadre
/// changed twice has both old rows, oldest first by time (then in the order kept), and an
/// import without a file records an empty file name.
pub async fn roster_history_keeps_changed_rows(store: Arc<dyn Store>) {
    let ck = Ck("roster_history_keeps_changed_rows");
    let c1 = cadre("C1", "张三", "1500.07", "2020-01-01", None);
    let c2 = cadre("C2", "李四", "1406.08", "2021-03-01", None);
    let c3 = cadre("C3", "王五", "0.01", "2022-01-01", Some("2026-12-31"));
    let a1 = audit(1);
    ck.ok(
        "first import",
        store
            .import_roster(&[c1.clone(), c2.clone(), c3.clone()], &a1)
            .await,
    );
    for c in [&c1, &c2, &c3] {
        ck.eq(
            "no versions after the first import",
            ck.ok("roster_history", store.roster_history(&c.id).await),
            vec![],
        );
    }

    // Second import: C1's subsidy changes, C2 is the same, C3 is not given.
    let mut c1_b = c1.clone();
    c1_b.monthly_subsidy = money("1600.00");
    let a2 = audit(2);
    let r = ck.ok(
        "second import",
        store.import_roster(&[c2.clone(), c1_b.clone()], &a2).await,
    );
    ck.eq(
        "counts of the second import",
        r,
        RosterImport {
            added: 0,
            updated: 2,
        },
    );
    // Third import: C1's name and end date change, C2 is the same again.
    let mut c1_c = c1_b.clone();
    c1_c.name = "张三丰".into();
    c1_c.end_date = Some(date("2026-09-30"));
    let a3 = audit(3);
    ck.ok(
        "third import",
        store.import_roster(&[c1_c.clone(), c2.clone()], &a3).await,
    );
    // Fourth import, from no file: C3's village changes.
    let mut c3_b = c3.clone();
    c3_b.village = kaohe_domain::VillageCode::parse("V2").expect("literal");
    let mut a4 = audit(4);
    a4.source_path = None;
    a4.source_sha256 = None;
    ck.ok(
        "fourth import",
        store.import_roster(std::slice::from_ref(&c3_b), &a4).await,
    );

    let version = |cadre: &kaohe_domain::Cadre, a: &AuditRecord| RosterVersion {
        cadre: cadre.clone(),
        replaced_at_unix: a.at_unix,
        replaced_by_file: a.source_path.clone().unwrap_or_default(),
    };
    ck.eq(
        "C1 has both earlier rows, oldest first, with time and file",
        ck.ok("roster_history C1", store.roster_history(&c1.id).await),
        vec![version(&c1, &a2), version(&c1_b, &a3)],
    );
    // C2 twice in one import, the last row the stored one: the last wins, and the stored row
    // is unchanged, so it is no version.
    let mut c2_typo = c2.clone();
    c2_typo.name = "李四（错）".into();
    let r = ck.ok(
        "C2 twice, the last row unchanged",
        store.import_roster(&[c2_typo, c2.clone()], &audit(6)).await,
    );
    ck.eq(
        "counts of a cadre twice",
        r,
        RosterImport {
            added: 0,
            updated: 2,
        },
    );
    ck.eq(
        "C2, never changed, has no version",
        ck.ok("roster_history C2", store.roster_history(&c2.id).await),
        vec![],
    );
    ck.eq(
        "C3's version has an empty file name",
        ck.ok("roster_history C3", store.roster_history(&c3.id).await),
        vec![RosterVersion {
            cadre: c3.clone(),
            replaced_at_unix: a4.at_unix,
            replaced_by_file: String::new(),
        }],
    );
    ck.eq(
        "an unknown cadre has no version",
        ck.ok(
            "roster_history C9",
            store
                .roster_history(&CadreId::parse("C9").expect("literal"))
                .await,
        ),
        vec![],
    );
    ck.eq(
        "the roster holds the latest rows",
        ck.ok("roster", store.roster().await),
        vec![c1_c.clone(), c2.clone(), c3_b],
    );

    // An import stamped earlier than the others (a clock set back): its version sorts first.
    let mut c1_d = c1_c.clone();
    c1_d.position = "村委会主任".into();
    let mut a0 = audit(5);
    a0.at_unix = a1.at_unix - 1_000;
    ck.ok(
        "import stamped earlier",
        store.import_roster(std::slice::from_ref(&c1_d), &a0).await,
    );
    ck.eq(
        "C1's versions by time, then in the order kept",
        ck.ok("roster_history C1", store.roster_history(&c1.id).await),
        vec![version(&c1_c, &a0), version(&c1, &a2), version(&c1_b, &a3)],
    );
}

/// [`Store::record_audit`] writes one record alone, in order with the others, and writes
/// nothing else.
pub async fn record_audit_writes_one_record(store: Arc<dyn Store>) {
    let ck = Ck("record_audit_writes_one_record");
    let showing = AuditRecord {
        at_unix: 1_790_000_000,
        user: "县委组织部 clerk".into(),
        command: "kaohe archive --cadre C1 --include-health".into(),
        source_sha256: None,
        source_path: None,
        rows: 2,
        summary: "显示 C1 的健康档案（2 条）".into(),
    };
    ck.ok("record_audit", store.record_audit(&showing).await);
    ck.eq(
        "the audit log holds it",
        ck.ok("audit_log", store.audit_log().await),
        vec![showing.clone()],
    );
    ck.ok(
        "an import",
        store
            .import_health(&[health("C1", "2026-01-05", "良好")], &audit(1))
            .await,
    );
    let mut again = showing.clone();
    again.at_unix += 60;
    ck.ok("record_audit again", store.record_audit(&again).await);
    ck.eq(
        "oldest first",
        ck.ok("audit_log", store.audit_log().await),
        vec![showing, audit(1), again],
    );
    ck.eq(
        "nothing else written",
        ck.ok("roster", store.roster().await),
        vec![],
    );
}
