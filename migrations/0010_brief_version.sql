ALTER TABLE "projects" ADD COLUMN "brief_version" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "projects" ADD COLUMN "brief_updated_by" text;