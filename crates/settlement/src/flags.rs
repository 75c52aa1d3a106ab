//! Art.11's consequences beyond money: admonishment, recommendation, dismissal review.

use kaohe_domain::{Appraisal, CadreId, Flag, Flags, Grade, Policy, Quarter};

use crate::EngineError;

/// Art.11 / docs/rules.md Art.11: whether an unqualified cadre goes to dismissal review (免职): its
/// previous `k − 1` appraisals were unqualified too, `k` being the policy's
/// `consecutive_unqualified_for_dismissal`.
///
/// `history` may hold anything: only the appraisals of `cadre` before `quarter` are looked at.
/// A cadre's appraisals are the settled quarters in which it was assessed, so a quarter it was
/// not assessed in is absent and does not break the chain. With `k = 1` every unqualified
/// cadre is reviewed. A cadre with fewer than `k − 1` earlier appraisals is not.
///
/// # Errors
///
/// [`EngineError::ConflictingAppraisals`] when `history` gives two different grades for the
/// cadre in one quarter.
pub fn dismissal_review(
    policy: &Policy,
    quarter: Quarter,
    cadre: &CadreId,
    grade: Grade,
    history: &[Appraisal],
) -> Result<bool, EngineError> {
    if grade != Grade::Unqualified {
        return Ok(false);
    }
    let prior: Vec<&Appraisal> = history
        .iter()
        .filter(|a| a.cadre_id == *cadre && a.quarter < quarter)
        .collect();
    chain(policy, prior).map_err(|q| EngineError::ConflictingAppraisals(vec![(cadre.clone(), q)]))
}

/// The chain rule over one cadre's earlier appraisals; `Err(quarter)` on conflicting grades.
pub(crate) fn chain(policy: &Policy, mut prior: Vec<&Appraisal>) -> Result<bool, Quarter> {
    let need = policy
        .consecutive_unqualified_for_dismissal
        .saturating_sub(1) as usize;
    prior.sort_unstable_by(|a, b| b.quarter.cmp(&a.quarter).then(a.grade.cmp(&b.grade)));
    for w in prior.windows(2) {
        if w[0].quarter == w[1].quarter && w[0].grade != w[1].grade {
            return Err(w[0].quarter);
        }
    }
    prior.dedup_by(|a, b| a.quarter == b.quarter);
    Ok(prior.len() >= need && prior[..need].iter().all(|a| a.grade == Grade::Unqualified))
}

/// Art.11: the flags of a settlement line: `recommend` for excellent (优先推荐), `admonish`
/// for unqualified (诫勉谈话), and `dismissal_review` with it when the chain rule holds.
pub fn flags(grade: Grade, dismissal_review: bool) -> Flags {
    let mut f = Flags::NONE;
    match grade {
        Grade::Excellent => f.insert(Flag::Recommend),
        Grade::Qualified => {}
        Grade::Unqualified => {
            f.insert(Flag::Admonish);
            if dismissal_review {
                f.insert(Flag::DismissalReview);
            }
        }
    }
    f
}
