//! API errors: a stable code, an HTTP status and a JSON body.

use gazouillis_protocol::{ErrorBody, ErrorCode, ErrorDetail};
use serde::{Deserialize, Serialize};
use worker::Response;

/// An error answered to the client. Storage and runtime failures become
/// `internal` (500) and are logged; everything caused by the request is a 4xx.
/// An account's hub refuses a command with one, which the Worker answers as is.
#[derive(Debug, Serialize, Deserialize)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
    /// Seconds to wait, sent as `Retry-After` (rate limits).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
}

pub type ApiResult<T = Response> = Result<T, ApiError>;

impl ApiError {
    pub fn with_message(code: ErrorCode, message: impl Into<String>) -> Self {
        ApiError { code, message: message.into(), retry_after: None }
    }

    /// 429, to try again in `seconds`.
    pub fn rate_limited(seconds: u64) -> Self {
        ApiError { retry_after: Some(seconds), ..ErrorCode::RateLimited.into() }
    }

    pub fn into_response(self) -> worker::Result<Response> {
        let body = ErrorBody { error: ErrorDetail { code: self.code.as_str().into(), message: self.message } };
        let response = Response::from_json(&body)?.with_status(self.code.status());
        if let Some(seconds) = self.retry_after {
            response.headers().set("retry-after", &seconds.to_string())?;
        }
        Ok(response)
    }
}

impl From<ErrorCode> for ApiError {
    fn from(code: ErrorCode) -> Self {
        ApiError { code, message: code.message().into(), retry_after: None }
    }
}

impl From<worker::Error> for ApiError {
    fn from(err: worker::Error) -> Self {
        worker::console_error!("internal error: {err}");
        ErrorCode::Internal.into()
    }
}

impl From<worker::KvError> for ApiError {
    fn from(err: worker::KvError) -> Self {
        worker::console_error!("KV error: {err}");
        ErrorCode::Internal.into()
    }
}
