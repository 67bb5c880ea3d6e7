//! The global network view.
