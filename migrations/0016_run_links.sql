ALTER TABLE "runs" ADD COLUMN "url" text;--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "tags" jsonb DEFAULT '{}'::jsonb NOT NULL;