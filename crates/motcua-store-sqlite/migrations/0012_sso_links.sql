-- Single sign-on links only by the provider's subject, or by a verified
-- e-mail that an administrator approved (security review F5, ADR 0021):
-- `sso_email_approved` is that approval, used up by the first link.
ALTER TABLE accounts ADD COLUMN sso_email_approved INTEGER NOT NULL DEFAULT 0;
