-- The role the webhook and health functions connect as: exactly what they run, nothing more.
--   webhook: INSERT ... ON CONFLICT (event_id) DO NOTHING into payment_events (the bigserial id
--            needs the sequence), then SELECT of the stored row to compare a duplicate;
--   health:  SELECT 1 (connecting is the check).
-- No UPDATE or DELETE (nothing rewrites a payment event), no TRUNCATE, no ownership (no DDL), no
-- other schema. Its password is not here: the migrate function sets it at run time from the
-- replicated secret db-app-credentials (functions/migrate/app-role-password.ts).
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'payments_app') THEN
    CREATE ROLE payments_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION;
  END IF;
END
$$;

-- PostgreSQL 14 lets every role create objects in schema public and temporary tables in the
-- database: take both from PUBLIC, give back only what the functions need.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
DO $$
BEGIN
  EXECUTE format('REVOKE CREATE, TEMPORARY ON DATABASE %I FROM PUBLIC', current_database());
  EXECUTE format('GRANT CONNECT ON DATABASE %I TO payments_app', current_database());
END
$$;
GRANT USAGE ON SCHEMA public TO payments_app;
GRANT SELECT, INSERT ON TABLE payment_events TO payments_app;
GRANT USAGE ON SEQUENCE payment_events_id_seq TO payments_app;
