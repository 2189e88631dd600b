CREATE TABLE "gate_ballots" (
	"gate_id" bigint NOT NULL,
	"voter_key" text NOT NULL,
	"vote" text NOT NULL,
	"reason" text,
	CONSTRAINT "gate_ballots_gate_id_voter_key_pk" PRIMARY KEY("gate_id","voter_key")
);
--> statement-breakpoint
CREATE TABLE "gates" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"team_id" text NOT NULL,
	"project_id" bigint NOT NULL,
	"channel_id" text NOT NULL,
	"from_phase" text NOT NULL,
	"to_phase" text NOT NULL,
	"question" text NOT NULL,
	"reason" text,
	"opened_by" text NOT NULL,
	"voters" jsonb NOT NULL,
	"quorum" integer NOT NULL,
	"deadline" timestamp with time zone NOT NULL,
	"anonymous" boolean DEFAULT false NOT NULL,
	"anon_secret" text,
	"evidence" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"outcome" text,
	"final_tally" jsonb,
	"participants" jsonb,
	"phase_changed" boolean,
	"closed_by" text,
	"closed_at" timestamp with time zone,
	"quorum_reached_at" timestamp with time zone,
	"message_outbox_id" bigint,
	"message_dirty" boolean DEFAULT false NOT NULL,
	"last_render_at" timestamp with time zone,
	"opened_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "gate_ballots" ADD CONSTRAINT "gate_ballots_gate_id_gates_id_fk" FOREIGN KEY ("gate_id") REFERENCES "public"."gates"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "gates" ADD CONSTRAINT "gates_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "gates_project" ON "gates" USING btree ("project_id","opened_at");--> statement-breakpoint
CREATE UNIQUE INDEX "gates_one_open_per_transition" ON "gates" USING btree ("project_id","from_phase","to_phase") WHERE status = 'open';