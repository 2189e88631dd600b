ALTER TABLE "outbox" ADD COLUMN "lane" text;--> statement-breakpoint
CREATE INDEX "outbox_lane_open" ON "outbox" USING btree ("lane","id") WHERE status in ('pending', 'sending');--> statement-breakpoint
-- Rows queued by the previous version and not yet sent join their lanes (same rule as laneOf in src/db/repositories/outbox.ts).
UPDATE "outbox" SET "lane" = CASE
  WHEN "method" = 'chat.update' AND "target_id" IS NOT NULL THEN 'message:' || "target_id"
  WHEN "method" = 'chat.update' AND "payload" ? 'ts' THEN 'message:' || "channel_id" || ':' || ("payload"->>'ts')
  WHEN "method" IN ('chat.postMessage', 'files.upload') AND "parent_id" IS NOT NULL THEN 'thread:' || "parent_id"
  WHEN "method" IN ('chat.postMessage', 'files.upload') AND "payload" ? 'thread_ts' THEN 'thread:' || "channel_id" || ':' || ("payload"->>'thread_ts')
END
WHERE "status" IN ('pending', 'sending');
