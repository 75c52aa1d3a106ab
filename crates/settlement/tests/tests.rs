//! The one integration-test binary of kaohe-settlement: property tests of the whole quarter
//! engine (Art.7–11) over random counties and policies.

mod county;
mod props;
