//! The helpdesk's admin API keys: list, create (shown once) and revoke.

use super::layout::{PageResult, csrf_field, page, when};
use super::session::AdminForm;
use crate::services::admin_keys::{self, AdminKey, Scope};
use crate::state::State;
use axum::extract::State as AxState;
use super::layout::PagePath;
use axum::response::{IntoResponse, Redirect};
use maud::{Markup, html};
use std::sync::Arc;

/// The home page's section: the keys and the form for a new one.
pub fn section(s: &crate::services::admin::Session, keys: &[AdminKey]) -> Markup {
    html! {
        h2 { "Admin API keys" }
        p { "For scripts that call the admin API (docs/admin-api.json). Read-only keys cannot change anything." }
        table #admin-keys {
            tr { th { "Key" } th { "Scope" } th { "Created" } th { "Last used" } th {} }
            @for k in keys {
                tr {
                    td { (k.name) " #" (k.id) } td { (k.scope.as_str()) }
                    td { (when(k.created_at)) " by " (k.created_by) }
                    td { @if let Some(t) = k.last_used_at { (when(t)) } @else { "never" } }
                    td {
                        @if let Some(r) = k.revoked_at { "revoked " (when(r)) }
                        @else {
                            form.inline method="post" action={ "/helpdesk/admin-keys/" (k.id) "/revoke" } {
                                (csrf_field(s)) button { "Revoke" }
                            }
                        }
                    }
                }
            }
        }
        form method="post" action="/helpdesk/admin-keys" {
            (csrf_field(s))
            label { "Key name " input name="name" required; }
            " "
            label { "Scope " select name="scope" {
                option value=(Scope::ReadOnly.as_str()) { "read-only" }
                option value=(Scope::ReadWrite.as_str()) { "read-write" }
            } }
            " " button type="submit" { "Create admin API key" }
        }
    }
}

/// `POST /helpdesk/admin-keys`: creates a key and shows it once.
pub async fn create(AxState(st): AxState<Arc<State>>, f: AdminForm) -> PageResult {
    let s = &f.session;
    let scope = Scope::parse(f.field("scope")?)?;
    let new = admin_keys::create(&st.db(), &s.admin_name, f.field("name")?, scope, st.now())?;
    Ok(page("Admin API key created", s, html! {
        p { "Admin API key " strong { (new.key.name) } " (" (scope.as_str()) "), shown only now; send it as "
            code { "Authorization: Bearer <key>" } ":" }
        p { code #admin-api-key { (new.secret.as_str()) } }
        p { a href="/helpdesk" { "Back" } }
    }))
}

/// `POST /helpdesk/admin-keys/{id}/revoke`.
pub async fn revoke(AxState(st): AxState<Arc<State>>, PagePath(id): PagePath<i64>, f: AdminForm) -> PageResult {
    admin_keys::revoke(&st.db(), &f.session.admin_name, id, None, st.now())?;
    Ok(Redirect::to("/helpdesk").into_response())
}
