-- When Komo last wrote each field of a contact to the platform (field name -> ISO instant of the call's start).
-- A platform change stamped before that write was overwritten by it: when its webhook arrives late (the
-- echo of an older value we sent, after a newer one went out), it must not be applied as a real change.
ALTER TABLE sync_state ADD COLUMN sent_at jsonb NOT NULL DEFAULT '{}'::jsonb;
