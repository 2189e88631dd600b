CREATE TABLE "viability_checkins" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"team_id" text NOT NULL,
	"project_id" bigint NOT NULL,
	"schedule_id" bigint,
	"slot_at" timestamp with time zone NOT NULL,
	"requested_by" text,
	"channel_id" text NOT NULL,
	"outbox_id" bigint,
	"closes_at" timestamp with time zone NOT NULL,
	"closed_at" timestamp with time zone,
	"verdict" text,
	"counts" jsonb,
	"summary_posted" boolean DEFAULT false NOT NULL,
	"escalated" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "viability_responses" (
	"checkin_id" bigint NOT NULL,
	"user_id" text NOT NULL,
	"answer" text NOT NULL,
	"comment" text,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "viability_responses_checkin_id_user_id_pk" PRIMARY KEY("checkin_id","user_id")
);
--> statement-breakpoint
ALTER TABLE "viability_checkins" ADD CONSTRAINT "viability_checkins_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "viability_responses" ADD CONSTRAINT "viability_responses_checkin_id_viability_checkins_id_fk" FOREIGN KEY ("checkin_id") REFERENCES "public"."viability_checkins"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "viability_checkins_project_slot" ON "viability_checkins" USING btree ("project_id","slot_at");--> statement-breakpoint
CREATE INDEX "viability_checkins_project_closed" ON "viability_checkins" USING btree ("project_id","closed_at");