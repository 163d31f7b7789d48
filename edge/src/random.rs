//! Random ids and secrets, from the runtime's cryptographic source.

use crate::error::ApiResult;
use gazouillis_protocol::ErrorCode;

/// `bytes` random bytes, in lowercase hex.
pub fn hex(bytes: usize) -> ApiResult<String> {
    let mut buffer = vec![0u8; bytes];
    getrandom::getrandom(&mut buffer).map_err(|_| ErrorCode::Internal)?;
    Ok(buffer.iter().map(|b| format!("{b:02x}")).collect())
}
