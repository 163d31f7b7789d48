//! Stable error codes of the API, with the HTTP status each one answers.

use serde::{Deserialize, Serialize};

/// One reason a request failed. `as_str` is the stable `code` clients match on
/// (and its serde form, which carries it from an account's hub to the Worker).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    MalformedJson,
    BadRequest,
    InvalidCursor,
    InvalidLimit,
    InvalidId,
    InvalidVersion,
    InvalidFilter,
    InvalidDays,
    InvalidQuery,
    InvalidAccounts,
    Unauthorized,
    SsoTokenFormat,
    SsoTokenClaims,
    SsoTokenUsed,
    Forbidden,
    SsoRequired,
    OriginNotAllowed,
    TurnstileRequired,
    TurnstileFailed,
    NotFound,
    AccountNotFound,
    PostNotFound,
    ReplyNotFound,
    MethodNotAllowed,
    HandleTaken,
    BodyTooLarge,
    UpgradeRequired,
    RateLimited,
    TextEmpty,
    TextTooLong,
    TextInvalid,
    InvalidHandle,
    InvalidName,
    InvalidSettings,
    InvalidWatches,
    InvalidWebhook,
    TooManyWebhooks,
    QueueFull,
    WebhookNotFound,
    InvalidOffer,
    NotFollowing,
    OfferNotFound,
    OfferEnded,
    OfferExhausted,
    ImageTooLarge,
    UnsupportedImage,
    InvalidImages,
    ImageInUse,
    PushDisabled,
    InvalidSubscription,
    SubscriptionNotFound,
    Internal,
    UnsupportedFormat,
    TurnstileUnavailable,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        use ErrorCode::*;
        match self {
            MalformedJson => "malformed_json",
            BadRequest => "bad_request",
            InvalidCursor => "invalid_cursor",
            InvalidLimit => "invalid_limit",
            InvalidId => "invalid_id",
            InvalidVersion => "invalid_version",
            InvalidFilter => "invalid_filter",
            InvalidDays => "invalid_days",
            InvalidQuery => "invalid_query",
            InvalidAccounts => "invalid_accounts",
            Unauthorized => "unauthorized",
            SsoTokenFormat => "sso_token_format",
            SsoTokenClaims => "sso_token_claims",
            SsoTokenUsed => "sso_token_used",
            Forbidden => "forbidden",
            SsoRequired => "sso_required",
            OriginNotAllowed => "origin_not_allowed",
            TurnstileRequired => "turnstile_required",
            TurnstileFailed => "turnstile_failed",
            TurnstileUnavailable => "turnstile_unavailable",
            NotFound => "not_found",
            AccountNotFound => "account_not_found",
            PostNotFound => "post_not_found",
            ReplyNotFound => "reply_not_found",
            MethodNotAllowed => "method_not_allowed",
            HandleTaken => "handle_taken",
            BodyTooLarge => "body_too_large",
            UpgradeRequired => "upgrade_required",
            RateLimited => "rate_limited",
            TextEmpty => "text_empty",
            TextTooLong => "text_too_long",
            TextInvalid => "text_invalid",
            InvalidHandle => "invalid_handle",
            InvalidName => "invalid_name",
            InvalidSettings => "invalid_settings",
            InvalidWatches => "invalid_watches",
            InvalidWebhook => "invalid_webhook",
            TooManyWebhooks => "too_many_webhooks",
            QueueFull => "queue_full",
            WebhookNotFound => "webhook_not_found",
            InvalidOffer => "invalid_offer",
            NotFollowing => "not_following",
            OfferNotFound => "offer_not_found",
            OfferEnded => "offer_ended",
            OfferExhausted => "offer_exhausted",
            ImageTooLarge => "image_too_large",
            UnsupportedImage => "unsupported_image",
            InvalidImages => "invalid_images",
            ImageInUse => "image_in_use",
            PushDisabled => "push_disabled",
            InvalidSubscription => "invalid_subscription",
            SubscriptionNotFound => "subscription_not_found",
            Internal => "internal",
            UnsupportedFormat => "unsupported_format",
        }
    }

    pub fn status(self) -> u16 {
        use ErrorCode::*;
        match self {
            MalformedJson | BadRequest | InvalidCursor | InvalidLimit | InvalidId | InvalidVersion | InvalidFilter | InvalidDays | InvalidQuery | InvalidAccounts => 400,
            Unauthorized | SsoTokenFormat | SsoTokenClaims | SsoTokenUsed => 401,
            Forbidden | SsoRequired | OriginNotAllowed | TurnstileRequired | TurnstileFailed | NotFollowing => 403,
            NotFound | AccountNotFound | PostNotFound | ReplyNotFound | WebhookNotFound | OfferNotFound | PushDisabled | SubscriptionNotFound => 404,
            MethodNotAllowed => 405,
            HandleTaken | TooManyWebhooks | QueueFull | ImageInUse => 409,
            OfferEnded | OfferExhausted => 410,
            BodyTooLarge | ImageTooLarge => 413,
            UnsupportedImage => 415,
            UpgradeRequired => 426,
            RateLimited => 429,
            TextEmpty | TextTooLong | TextInvalid | InvalidHandle | InvalidName | InvalidSettings | InvalidWatches | InvalidWebhook | InvalidOffer | InvalidImages | InvalidSubscription => 422,
            Internal => 500,
            UnsupportedFormat => 501,
            TurnstileUnavailable => 503,
        }
    }

    /// A plain-words default message, shown to people when nothing more precise is known.
    pub fn message(self) -> &'static str {
        use ErrorCode::*;
        match self {
            MalformedJson => "The request body is not the JSON this call expects.",
            BadRequest => "The request is malformed.",
            InvalidCursor => "The cursor is not valid.",
            InvalidLimit => "The limit must be a whole number from 1 to 50.",
            InvalidId => "The id is not valid.",
            InvalidVersion => "min_version must be a whole number.",
            InvalidFilter => "filter is to_answer, answered or all.",
            InvalidDays => "days is 7, 30 or 90.",
            InvalidQuery => "q holds at least one word, at most 16 terms and 200 characters.",
            InvalidAccounts => "accounts lists 1 to 20 handles, separated by commas.",
            Unauthorized => "A valid token is required.",
            SsoTokenFormat => "An SSO token is a JSON Web Token signed with HS256 (the form of before 2026-12 is no longer read).",
            SsoTokenClaims => "An SSO token needs sub, name, iat, exp (at most 10 minutes ahead, not past), aud (the account's handle) and jti (at most 128 bytes).",
            SsoTokenUsed => "This SSO token was already used: sign a new one for each page.",
            Forbidden => "This token is not allowed to do that.",
            SsoRequired => "Sign in on the company's site to reply here.",
            OriginNotAllowed => "This site is not allowed to write to this account.",
            TurnstileRequired => "Complete the check that you are not a robot.",
            TurnstileFailed => "The check that you are not a robot failed. Please try again.",
            TurnstileUnavailable => "The check that you are not a robot is unavailable. Please try again later.",
            NotFound => "Nothing here.",
            AccountNotFound => "No such account.",
            PostNotFound => "No such post.",
            ReplyNotFound => "No such reply.",
            MethodNotAllowed => "This method is not allowed here.",
            HandleTaken => "This handle is already taken.",
            BodyTooLarge => "The request body is too large.",
            UpgradeRequired => "This call opens a WebSocket: send `Upgrade: websocket`.",
            RateLimited => "Too many at once. Please wait a moment and try again.",
            TextEmpty => "The text is empty.",
            TextTooLong => "The text is too long.",
            TextInvalid => "The text contains characters that are not allowed.",
            InvalidHandle => "A handle is 1 to 30 lowercase letters, digits or underscores.",
            InvalidName => "A name is 1 to 40 characters.",
            InvalidSettings => "These settings are not valid: check the blocked words and the sites.",
            InvalidWatches => "terms: at most 100, each a search of at least one word (at most 16 terms and 200 characters).",
            InvalidWebhook => "url: an https:// address of a public host (not private, loopback or link-local), at most 2,000 bytes; format: slack or json; language: en or fr.",
            TooManyWebhooks => "An account has at most 5 webhooks: delete one first.",
            QueueFull => "This account's replies waiting for approval are too many: try again once the brand has caught up.",
            WebhookNotFound => "No such webhook.",
            InvalidOffer => "offer: a code of 1 to 40 characters without spaces, ends_at a date and time (RFC 3339) in the future, limit at least 1.",
            NotFollowing => "Follow the account to get this offer.",
            OfferNotFound => "This post holds no offer.",
            OfferEnded => "This offer has ended.",
            OfferExhausted => "Every code of this offer has been claimed.",
            ImageTooLarge => "A picture is at most 5 MB.",
            UnsupportedImage => "A picture is a JPEG, PNG, WebP, GIF or AVIF file.",
            InvalidImages => "images: at most 4, each an upload neither on a post yet nor expired, with alt text of 1 to 1,000 characters.",
            ImageInUse => "This picture is on a post: deleting the post deletes it.",
            PushDisabled => "Notifications are not set up on this edge.",
            InvalidSubscription => "A push subscription is an https:// endpoint of a browser's push service (at most 2,000 bytes), keys.p256dh a P-256 public key and keys.auth 16 bytes, both base64url.",
            SubscriptionNotFound => "No such push subscription.",
            Internal => "Something went wrong on our side.",
            UnsupportedFormat => "This answers in JSON only (format=json).",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ErrorCode::*;

    #[test]
    fn client_errors_are_4xx_and_codes_are_snake_case() {
        for code in [
            MalformedJson, BadRequest, InvalidCursor, InvalidLimit, InvalidId, InvalidVersion, InvalidFilter, InvalidDays, InvalidQuery, InvalidAccounts, Unauthorized,
            SsoTokenFormat, SsoTokenClaims, SsoTokenUsed, Forbidden, SsoRequired, OriginNotAllowed, TurnstileRequired, TurnstileFailed, NotFound, AccountNotFound, PostNotFound, ReplyNotFound, MethodNotAllowed, HandleTaken,
            BodyTooLarge, UpgradeRequired, RateLimited, TextEmpty, TextTooLong, TextInvalid, InvalidHandle, InvalidName, InvalidSettings, InvalidWatches,
            InvalidWebhook, TooManyWebhooks, QueueFull, WebhookNotFound, InvalidOffer, NotFollowing, OfferNotFound, OfferEnded, OfferExhausted,
            ImageTooLarge, UnsupportedImage, InvalidImages, ImageInUse, PushDisabled, InvalidSubscription, SubscriptionNotFound,
        ] {
            assert!((400..500).contains(&code.status()), "{code:?}");
            assert!(code.as_str().chars().all(|c| c.is_ascii_lowercase() || c == '_'));
            assert_eq!(serde_json::to_string(&code).unwrap(), format!("\"{}\"", code.as_str()));
        }
        assert_eq!(Internal.status(), 500);
        assert_eq!(UnsupportedFormat.status(), 501, "as oEmbed asks");
        assert_eq!(TurnstileUnavailable.status(), 503);
    }
}
