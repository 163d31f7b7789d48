//! The account's secrets: brand tokens (kept as the digest of their secret,
//! shown once when issued) and the SSO secret the company's site signs its
//! customers' tokens with.

use super::AccountHub;
use crate::error::ApiResult;
use crate::http::json;
use crate::random;
use gazouillis_protocol::token::{self, digest, same};
use gazouillis_protocol::{BrandToken, ErrorCode, IssuedToken, TokenInfo};
use serde::Deserialize;
use worker::{Date, Response};

impl AccountHub {
    /// A brand token of this account, not revoked, or 401.
    pub(super) fn check_brand_token(&self, token: &str) -> ApiResult<()> {
        #[derive(Deserialize)]
        struct Digest {
            digest: String,
        }
        let token: BrandToken = token.parse().map_err(|()| ErrorCode::Unauthorized)?;
        let stored: Option<Digest> = self.db.row("SELECT digest FROM tokens WHERE id = ?", vec![token.id.into()])?;
        match stored {
            Some(stored) if same(&stored.digest, &digest(&token.secret)) => Ok(()),
            _ => Err(ErrorCode::Unauthorized.into()),
        }
    }

    pub(super) fn issue_token(&self, name: String) -> ApiResult {
        let handle = self.db.account()?.handle;
        let hex = random::hex(20)?;
        let (id, secret) = hex.split_at(8);
        let token = BrandToken { handle, id: id.to_owned(), secret: secret.to_owned() };
        let statement = "INSERT INTO tokens (id, name, digest) VALUES (?, ?, ?)";
        self.db.run(statement, vec![id.into(), name.clone().into(), digest(secret).into()])?;
        json(201, &IssuedToken { id: id.to_owned(), name, token: token.to_string() })
    }

    pub(super) fn list_tokens(&self) -> ApiResult {
        self.db.account()?;
        let tokens: Vec<TokenInfo> = self.db.rows("SELECT id, name FROM tokens ORDER BY id", vec![])?;
        json(200, &tokens)
    }

    pub(super) fn revoke_token(&self, id: &str) -> ApiResult {
        self.db.account()?;
        if self.db.number("SELECT count(*) AS n FROM tokens WHERE id = ?", vec![id.into()])? != Some(1) {
            return Err(ErrorCode::NotFound.into());
        }
        self.db.run("DELETE FROM tokens WHERE id = ?", vec![id.into()])?;
        Ok(Response::empty()?.with_status(204))
    }

    pub(super) fn set_sso_secret(&self, secret: &str) -> ApiResult {
        self.db.account()?;
        self.db.run("UPDATE account SET sso_secret = ?", vec![secret.into()])?;
        Ok(Response::empty()?.with_status(204))
    }

    pub(super) fn verify_sso(&self, sso: &str) -> ApiResult {
        #[derive(Deserialize)]
        struct Secret {
            sso_secret: Option<String>,
        }
        let secret = self.db.row::<Secret>("SELECT sso_secret FROM account", vec![])?.ok_or(ErrorCode::AccountNotFound)?;
        let now = Date::now().as_millis() / 1000;
        match secret.sso_secret.and_then(|secret| token::verify(sso, secret.as_bytes(), now)) {
            Some(claims) => json(200, &claims),
            None => Err(ErrorCode::Unauthorized.into()),
        }
    }
}
