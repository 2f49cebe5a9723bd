pub mod handler;
pub mod mock;
