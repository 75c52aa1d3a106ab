//! End-to-end tests: the real `kaohe` binary, on both stores, over the sample county.
//!
//! One tester, every code path: each scenario is a function of an [`Env`] (a temporary
//! directory and a fresh store), and [`scenarios!`] turns it into a `redb::NAME` and a
//! `postgres::NAME` test. The PostgreSQL tests need `KAOHE_TEST_POSTGRES` (a server URL, e.g.
//! `postgres://postgres@127.0.0.1:5432/test`); each gets a fresh schema there, dropped at the
//! end. Without the variable they say so once and pass, unless `KAOHE_REQUIRE_POSTGRES=1`.
//!
//! Expected values come from outside the code under test: docs/reference.md's column lists, the
//! hand-worked examples of the worked examples of docs/rules.md Art.11, the sample county's README, and [`oracle`], a reading of
//! docs/rules.md written for these tests.

mod archive;
mod audit;
mod bad_input;
mod browser;
mod checks;
mod commend;
mod compute;
mod dist;
mod explain;
mod flow;
mod hardening;
mod harness;
mod identity;
mod oracle;
mod outputs;
mod policy;
mod revision;
mod table;
mod xlsx;
mod year;

/// `name => scenario` pairs become `redb::name` and `postgres::name` tests.
macro_rules! scenarios {
    ($($(#[$attr:meta])* $name:ident => $module:ident :: $scenario:ident),+ $(,)?) => {
        mod redb {
            $(
                $(#[$attr])*
                #[test]
                fn $name() {
                    super::harness::run(super::harness::Backend::Redb, super::$module::$scenario);
                }
            )+
        }
        mod postgres {
            $(
                $(#[$attr])*
                #[test]
                fn $name() {
                    super::harness::run(super::harness::Backend::Postgres, super::$module::$scenario);
                }
            )+
        }
    };
}

scenarios! {
    full_flow_two_quarters => flow::two_quarters,
    revision_after_correction => revision::correct_a_settled_quarter,
    bad_input_refused_nothing_imported => bad_input::refused_and_nothing_imported,
    bad_input_against_store_located => bad_input::located_against_the_store,
    explain_articles_and_ties => explain::explain,
    compute_equals_settle_report => compute::compute_equals_settle,
    html_xlsx_archive => outputs::html_xlsx_archive,
    policy_set_show_and_quota => policy::set_and_show,
    payroll_then_settle => year::payroll_then_settle,
    payroll_after_roster_correction => year::payroll_after_roster_correction,
    stale_flag_after_revision => year::stale_flag_after_revision,
    awards_and_condolences => year::awards_and_condolences,
    concurrent_payrolls_pay_once => year::concurrent_payrolls_pay_once,
    audit_log_lists_writes => audit::audit_log_lists_writes,
    commendation_list => commend::commendation_list,
    hardening_out_file_private => hardening::out_file_private,
    hardening_closed_stdout => hardening::closed_stdout,
    hardening_formula_fields_refused => hardening::formula_fields_refused,
    hardening_control_characters_refused => hardening::control_characters_refused,
    hardening_amounts_bounded => hardening::amounts_bounded,
    hardening_changed_event_date_located => hardening::changed_event_date_located,
    xlsx_sample_county_same_reports => xlsx::sample_county_from_workbooks,
    xlsx_bad_input_twins_located => xlsx::bad_input_twins_located,
    xlsx_templates_written_and_filled => xlsx::templates_written_and_filled,
    archive_roster_history => archive::roster_history,
    archive_section_subtotals => archive::section_subtotals,
    archive_supervision_in_explain_and_archive => archive::supervision,
    archive_health_due => archive::health_due,
    archive_health_gate_and_audit => archive::health_gate,
}

/// Scenario 5: needs both stores at once.
#[test]
fn backends_give_identical_bytes() {
    identity::same_bytes_on_both_stores();
}

/// Issue 11, item 6: the html pages in headless Chromium (redb; the pages are the same on
/// both stores, scenario 5).
#[test]
fn browser_pages_tables_and_charts() {
    browser::pages_in_chromium();
}

/// Issue 11, item 4: the command-line conventions.
#[test]
fn cli_version_names_store_schemas() {
    dist::version_names_the_store_schemas();
}

#[test]
fn cli_no_color() {
    dist::no_color_turns_colour_off();
}

#[test]
fn cli_generates_man_pages_and_completions() {
    dist::generator_writes_man_pages_and_completions();
}
