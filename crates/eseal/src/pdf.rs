//! PDF documents: rendering simple documents ([`render`]).

pub mod render;
