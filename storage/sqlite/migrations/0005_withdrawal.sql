-- A coordinator can withdraw an invite nobody opened yet; its link then stops working.
ALTER TABLE invites ADD COLUMN revoked_at TEXT;
