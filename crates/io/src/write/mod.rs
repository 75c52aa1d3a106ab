//! The one thing kaohe-io writes: the blank workbooks of its own input files (`kaohe template`),
//! whose notes row its xlsx reader knows to skip. Reports, ledgers and lists are kaohe-report's.

mod template;

pub(crate) use template::is_template_note;
pub use template::{Template, template_xlsx_bytes};
