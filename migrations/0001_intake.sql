CREATE TABLE "intakes" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"team_id" text NOT NULL,
	"project_id" bigint NOT NULL,
	"channel_id" text NOT NULL,
	"thread_ts" text,
	"requester_id" text NOT NULL,
	"participants" jsonb NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"current_field" text,
	"current_question" text,
	"follow_ups" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"assessment" text,
	"brief_ts" text,
	"version" integer DEFAULT 0 NOT NULL,
	"last_activity_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"closed_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "intakes" ADD CONSTRAINT "intakes_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "intakes_project" ON "intakes" USING btree ("project_id");--> statement-breakpoint
CREATE UNIQUE INDEX "intakes_thread" ON "intakes" USING btree ("team_id","channel_id","thread_ts");--> statement-breakpoint
CREATE INDEX "intakes_status" ON "intakes" USING btree ("status","last_activity_at");