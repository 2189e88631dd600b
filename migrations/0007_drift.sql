CREATE TABLE "drift_batches" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"team_id" text NOT NULL,
	"project_id" bigint NOT NULL,
	"reference_id" bigint NOT NULL,
	"rows" integer NOT NULL,
	"observed_at" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	"drift_share" double precision NOT NULL,
	"dataset_drift" boolean NOT NULL,
	"performance_alert" boolean DEFAULT false NOT NULL,
	"report" jsonb NOT NULL,
	"idempotency_key" text
);
--> statement-breakpoint
CREATE TABLE "drift_incidents" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"team_id" text NOT NULL,
	"project_id" bigint NOT NULL,
	"channel_id" text NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"severity" text NOT NULL,
	"opened_at" timestamp with time zone NOT NULL,
	"first_batch_id" bigint NOT NULL,
	"last_batch_id" bigint NOT NULL,
	"root_outbox_id" bigint,
	"changed_by" text,
	"changed_at" timestamp with time zone,
	"snoozed_until" timestamp with time zone,
	"escalated_at" timestamp with time zone,
	"resolved_at" timestamp with time zone,
	"last_reply_at" timestamp with time zone,
	"skipped_batches" integer DEFAULT 0 NOT NULL,
	"skipped_drifted" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "drift_reference_columns" (
	"reference_id" bigint NOT NULL,
	"name" text NOT NULL,
	"role" text NOT NULL,
	"kind" text NOT NULL,
	"numeric" "bytea",
	"categorical" jsonb,
	CONSTRAINT "drift_reference_columns_reference_id_name_pk" PRIMARY KEY("reference_id","name")
);
--> statement-breakpoint
CREATE TABLE "drift_references" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"team_id" text NOT NULL,
	"project_id" bigint NOT NULL,
	"rows" integer NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"current" boolean DEFAULT true NOT NULL
);
--> statement-breakpoint
CREATE TABLE "drift_settings" (
	"project_id" bigint PRIMARY KEY NOT NULL,
	"team_id" text NOT NULL,
	"settings" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"alert_channel_id" text,
	"ack_timeout_minutes" integer DEFAULT 30 NOT NULL,
	"reply_interval_minutes" integer DEFAULT 15 NOT NULL,
	"updated_by" text,
	"updated_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "drift_batches" ADD CONSTRAINT "drift_batches_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "drift_batches" ADD CONSTRAINT "drift_batches_reference_id_drift_references_id_fk" FOREIGN KEY ("reference_id") REFERENCES "public"."drift_references"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "drift_incidents" ADD CONSTRAINT "drift_incidents_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "drift_reference_columns" ADD CONSTRAINT "drift_reference_columns_reference_id_drift_references_id_fk" FOREIGN KEY ("reference_id") REFERENCES "public"."drift_references"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "drift_references" ADD CONSTRAINT "drift_references_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "drift_settings" ADD CONSTRAINT "drift_settings_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "drift_batches_project" ON "drift_batches" USING btree ("project_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "drift_batches_idempotency" ON "drift_batches" USING btree ("project_id","idempotency_key");--> statement-breakpoint
CREATE INDEX "drift_incidents_project" ON "drift_incidents" USING btree ("project_id","status");--> statement-breakpoint
CREATE INDEX "drift_references_project" ON "drift_references" USING btree ("project_id","current");--> statement-breakpoint
-- One unresolved incident per project: later drifted batches reply in its thread (drizzle-kit cannot express a partial unique index here).
CREATE UNIQUE INDEX "drift_incidents_one_unresolved" ON "drift_incidents" ("project_id") WHERE "status" <> 'resolved';
--> statement-breakpoint
-- One current reference per project.
CREATE UNIQUE INDEX "drift_references_one_current" ON "drift_references" ("project_id") WHERE "current";
