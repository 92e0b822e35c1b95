-- Payment events received by the webhook (system of record for "this event was applied").
-- Only validated fields are stored: never the raw body, so no card data can land here.
CREATE TABLE IF NOT EXISTS payment_events (
  id               bigserial   PRIMARY KEY,
  event_id         text        NOT NULL,
  event_type       text        NOT NULL,
  payment_id       text        NOT NULL,
  session_id       text        NOT NULL,
  amount_minor     bigint      NOT NULL CHECK (amount_minor >= 0),
  currency         char(3)     NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  event_created_at timestamptz NOT NULL,
  received_region  text        NOT NULL,
  received_at      timestamptz NOT NULL DEFAULT now(),
  -- Aurora has one writer: this constraint is the last line against double application,
  -- even when an idempotency record has expired or not yet replicated to the other region.
  CONSTRAINT payment_events_event_id_key UNIQUE (event_id)
);

CREATE INDEX IF NOT EXISTS payment_events_payment_id_idx ON payment_events (payment_id);
