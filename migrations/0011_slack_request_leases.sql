ALTER TABLE "slack_requests_seen" ADD COLUMN "state" text DEFAULT 'done' NOT NULL;--> statement-breakpoint
ALTER TABLE "slack_requests_seen" ADD COLUMN "lease_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "slack_requests_seen" ADD COLUMN "claim" text;