//! Hypotheses: where a label's tick is, by one producer convention each.
//!
//! Contract: each rule reads the observed ticks (or the labels) of one axis and either proposes a
//! reading (a position for a label's tick, or an offset for the whole axis) with a note naming
//! the evidence, or proposes nothing. A rule never refuses an axis and never picks a scale: the
//! fit and the decision judge what the rules propose. One file per rule:
//!
//! - [`label_centre`]: an x label centred on its tick gives it exactly where marks are rounded.
//! - [`flush_end`]: an end label drawn flush with the frame's end marks that end.
//! - [`turned`]: a turned label marks its tick with its centre or one end of its box.
//! - [`rounded_tick`]: tick marks rounded to whole units bound the labels' common offset.
//! - [`frame_snap`]: frame ends on round values of the tick step fix the labels' offset.

pub(super) mod flush_end;
pub(super) mod frame_snap;
pub(super) mod label_centre;
pub(super) mod rounded_tick;
pub(super) mod turned;
