//! The account's secrets: brand tokens (kept as the digest of their secret,
//! shown once when issued) and the SSO secret the company's site signs its
//! customers' tokens with.

use super::{AccountHub, Apply, Answered};
use crate::error::ApiResult;
use crate::random;
use crate::crypto;
use gazouillis_protocol::store::tokens;
use gazouillis_protocol::token::{same, Claims};
use gazouillis_protocol::{BrandToken, ErrorCode, IssuedToken, TokenInfo};
use serde::{Deserialize, Serialize};
use worker::Date;

/// The operator's commands on the account's brand tokens and SSO secret.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum TokenCommand {
    /// A new brand token: [`IssuedToken`].
    Issue { name: String },
    /// The tokens: [`TokenInfo`]s.
    List,
    Revoke { id: String },
    SetSsoSecret { secret: String },
    /// The claims of a customer's SSO token signed with the account's
    /// secret, or `unauthorized`.
    VerifySso { sso: String },
}

impl Apply for TokenCommand {
    async fn apply(self, hub: &AccountHub) -> Answered {
        match self {
            TokenCommand::Issue { name } => hub.issue_token(name).await.into(),
            TokenCommand::List => hub.list_tokens().into(),
            TokenCommand::Revoke { id } => hub.revoke_token(&id).into(),
            TokenCommand::SetSsoSecret { secret } => hub.set_sso_secret(&secret).into(),
            TokenCommand::VerifySso { sso } => hub.verify_sso(&sso).await.into(),
        }
    }
}

impl AccountHub {
    /// A brand token of this account, not revoked, or 401.
    pub(super) async fn check_brand_token(&self, token: &str) -> ApiResult<()> {
        let token: BrandToken = token.parse().map_err(|()| ErrorCode::Unauthorized)?;
        match tokens::digest(&self.db, &token.id)? {
            Some(stored) if same(&stored, &crypto::digest(&token.secret).await?) => Ok(()),
            _ => Err(ErrorCode::Unauthorized.into()),
        }
    }

    async fn issue_token(&self, name: String) -> ApiResult<IssuedToken> {
        let handle = self.db.account()?.handle;
        let hex = random::hex(20)?;
        let (id, secret) = hex.split_at(8);
        let token = BrandToken { handle, id: id.to_owned(), secret: secret.to_owned() };
        tokens::add(&self.db, id, &name, &crypto::digest(secret).await?)?;
        Ok(IssuedToken { id: id.to_owned(), name, token: token.to_string() })
    }

    fn list_tokens(&self) -> ApiResult<Vec<TokenInfo>> {
        self.db.account()?;
        Ok(tokens::all(&self.db)?)
    }

    fn revoke_token(&self, id: &str) -> ApiResult<()> {
        self.db.account()?;
        if !tokens::revoke(&self.db, id)? {
            return Err(ErrorCode::NotFound.into());
        }
        Ok(())
    }

    fn set_sso_secret(&self, secret: &str) -> ApiResult<()> {
        self.db.account()?;
        tokens::set_sso_secret(&self.db, secret)?;
        Ok(())
    }

    async fn verify_sso(&self, sso: &str) -> ApiResult<Claims> {
        let secret = tokens::sso_secret(&self.db)?.ok_or(ErrorCode::AccountNotFound)?;
        let secret = secret.ok_or(ErrorCode::Unauthorized)?;
        let now = Date::now().as_millis() / 1000;
        crypto::verify(sso, secret.as_bytes(), now).await.ok_or_else(|| ErrorCode::Unauthorized.into())
    }
}
